-- minwon schema, version 1.
-- Times are Unix seconds (UTC). Personal data lives only in
-- complaints.contact_sealed (XChaCha20-Poly1305) and, for lookups,
-- complaints.phone_hash (keyed BLAKE2b); tokens only as digests.

CREATE TABLE departments (
  code      TEXT PRIMARY KEY,
  name_ko   TEXT NOT NULL,
  name_en   TEXT NOT NULL DEFAULT ''
);

CREATE TABLE categories (
  code        TEXT PRIMARY KEY,
  name_ko     TEXT NOT NULL,
  department  TEXT NOT NULL REFERENCES departments(code),
  period      TEXT NOT NULL DEFAULT '7d'
);

CREATE TABLE holidays (
  date    TEXT PRIMARY KEY,          -- YYYY-MM-DD, KST
  name    TEXT NOT NULL,
  source  TEXT NOT NULL DEFAULT ''
);

CREATE TABLE receipt_seq (
  period  INTEGER PRIMARY KEY,       -- YYMM
  last    INTEGER NOT NULL
);

CREATE TABLE complaints (
  id              INTEGER PRIMARY KEY,
  receipt_no      TEXT NOT NULL UNIQUE,
  token_hash      TEXT NOT NULL UNIQUE,
  title           TEXT NOT NULL,
  body            TEXT NOT NULL,
  category        TEXT NOT NULL,
  department      TEXT NOT NULL,
  assignee        TEXT,
  agency          TEXT,
  channel         INTEGER NOT NULL,
  lat             REAL,
  lon             REAL,
  address         TEXT,
  contact_sealed  TEXT,
  phone_hash      TEXT,
  consent_privacy INTEGER NOT NULL,
  public_map      INTEGER NOT NULL DEFAULT 0,
  urgent          INTEGER NOT NULL DEFAULT 0,
  status          INTEGER NOT NULL,
  is_open         INTEGER NOT NULL,  -- a department still owes work
  version         INTEGER NOT NULL DEFAULT 1,
  received_at     INTEGER NOT NULL,
  clock_start     INTEGER NOT NULL,
  period          TEXT NOT NULL,
  base_period     TEXT NOT NULL,
  extensions      INTEGER NOT NULL DEFAULT 0,
  due_at          INTEGER NOT NULL,  -- 0 while paused (보완)
  paused_at       INTEGER NOT NULL DEFAULT 0,
  pauses          TEXT NOT NULL DEFAULT '',
  updated_at      INTEGER NOT NULL,
  closed_at       INTEGER NOT NULL DEFAULT 0,
  answer          TEXT,
  answered_at     INTEGER NOT NULL DEFAULT 0,
  rating          INTEGER NOT NULL DEFAULT 0,
  merged_into     INTEGER NOT NULL DEFAULT 0,
  filed_by        TEXT
);

-- The staff queue: open complaints by due time, per department and for
-- everyone; keyset pagination walks these in (due_at, id) order. Paused
-- complaints (due_at = 0) sort first, which is what staff want to see.
-- Filters by state or urgency get indexes of their own in the same order,
-- so no page of the queue ever sorts or scans.
CREATE INDEX complaints_queue_dept ON complaints(department, due_at, id) WHERE is_open;
CREATE INDEX complaints_queue_all ON complaints(due_at, id) WHERE is_open;
CREATE INDEX complaints_queue_dept_status ON complaints(department, status, due_at, id);
CREATE INDEX complaints_queue_status ON complaints(status, due_at, id);
CREATE INDEX complaints_urgent_dept ON complaints(department, due_at, id) WHERE is_open AND urgent;
CREATE INDEX complaints_urgent ON complaints(due_at, id) WHERE is_open AND urgent;
CREATE INDEX complaints_phone ON complaints(phone_hash) WHERE phone_hash IS NOT NULL;
CREATE INDEX complaints_filed_by ON complaints(filed_by, received_at) WHERE filed_by IS NOT NULL;

CREATE TABLE events (
  id            INTEGER PRIMARY KEY,
  complaint_id  INTEGER NOT NULL REFERENCES complaints(id),
  at            INTEGER NOT NULL,
  kind          TEXT NOT NULL,
  actor         TEXT NOT NULL,
  is_public     INTEGER NOT NULL,
  body          TEXT,
  detail        TEXT,
  from_status   INTEGER NOT NULL,
  to_status     INTEGER NOT NULL,
  due_at        INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX events_complaint ON events(complaint_id, id);

CREATE TABLE idempotency (
  key_hash      TEXT PRIMARY KEY,
  request_hash  TEXT NOT NULL,
  complaint_id  INTEGER NOT NULL REFERENCES complaints(id),
  token_sealed  TEXT NOT NULL,
  created_at    INTEGER NOT NULL
);

CREATE TABLE attachments (
  id            INTEGER PRIMARY KEY,
  complaint_id  INTEGER NOT NULL REFERENCES complaints(id),
  sha256        TEXT NOT NULL,
  public_sha256 TEXT NOT NULL,
  mime          TEXT NOT NULL,
  public_mime   TEXT NOT NULL,
  size          INTEGER NOT NULL,
  at            INTEGER NOT NULL,
  lat           REAL,
  lon           REAL
);
CREATE INDEX attachments_complaint ON attachments(complaint_id);

CREATE TABLE cooperations (
  id            INTEGER PRIMARY KEY,
  complaint_id  INTEGER NOT NULL REFERENCES complaints(id),
  department    TEXT NOT NULL,
  request       TEXT NOT NULL,
  requested_at  INTEGER NOT NULL,
  due_at        INTEGER NOT NULL,
  replied_at    INTEGER NOT NULL DEFAULT 0,
  reply         TEXT
);
CREATE INDEX cooperations_complaint ON cooperations(complaint_id);
CREATE INDEX cooperations_open ON cooperations(department, due_at) WHERE replied_at = 0;

CREATE TABLE users (
  id            INTEGER PRIMARY KEY,
  login         TEXT NOT NULL UNIQUE,
  name          TEXT NOT NULL DEFAULT '',
  role          TEXT NOT NULL,
  department    TEXT,
  pwhash        TEXT NOT NULL,
  failed        INTEGER NOT NULL DEFAULT 0,
  locked_until  INTEGER NOT NULL DEFAULT 0,
  disabled      INTEGER NOT NULL DEFAULT 0,
  created_at    INTEGER NOT NULL
);

CREATE TABLE sessions (
  id_hash     TEXT PRIMARY KEY,
  login       TEXT NOT NULL,
  csrf        TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  last_seen   INTEGER NOT NULL
);

CREATE TABLE access_log (
  id            INTEGER PRIMARY KEY,
  at            INTEGER NOT NULL,
  login         TEXT NOT NULL,
  complaint_id  INTEGER NOT NULL,
  receipt_no    TEXT NOT NULL,
  what          TEXT NOT NULL,
  reason        TEXT NOT NULL
);
