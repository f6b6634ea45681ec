-- minwon schema: notifications, the deadline monitor's reminders and the
-- staff inbox (src/notify/, docs/NOTIFY.md).

-- A random id of this database: the domain part of message ids.
CREATE TABLE notify_meta (
  key    TEXT PRIMARY KEY,
  value  TEXT NOT NULL
);
INSERT INTO notify_meta(key, value) VALUES ('instance', lower(hex(randomblob(16))));

-- What the citizen chose at intake: a bit per channel (1 e-mail, 2 SMS,
-- 4 알림톡) among those their contact data allows, and a language. The
-- addresses themselves stay sealed in complaints.contact_sealed.
CREATE TABLE notify_prefs (
  complaint_id  INTEGER PRIMARY KEY REFERENCES complaints(id),
  channels      INTEGER NOT NULL,
  lang          TEXT NOT NULL DEFAULT 'ko'
);

-- Staff members' work addresses for notices (the inbox needs none).
CREATE TABLE staff_contacts (
  login  TEXT PRIMARY KEY,
  email  TEXT,
  phone  TEXT
);

-- The outbox: one row per message and channel, written in the same
-- transaction as the event that causes it. id is the stable message id.
-- state: 0 pending, 1 sent, 2 dead letter, 3 recorded (training), 4 dropped.
-- A claim pushes next_at out by a lease; a sender that dies leaves the
-- row due again when the lease runs out.
CREATE TABLE outbox (
  id             INTEGER PRIMARY KEY,
  created_at     INTEGER NOT NULL,
  kind           TEXT NOT NULL,
  channel        INTEGER NOT NULL,
  recipient      TEXT NOT NULL,
  complaint_id   INTEGER NOT NULL DEFAULT 0,
  lang           TEXT NOT NULL DEFAULT 'ko',
  vars           TEXT NOT NULL DEFAULT '{}',
  secret_sealed  TEXT,
  urgent         INTEGER NOT NULL DEFAULT 0,
  state          INTEGER NOT NULL DEFAULT 0,
  next_at        INTEGER NOT NULL,
  tries          INTEGER NOT NULL DEFAULT 0,
  last_error     TEXT,
  sent_at        INTEGER NOT NULL DEFAULT 0,
  subject        TEXT,
  body           TEXT
);
-- The senders' work list: pending rows of a channel by due time.
CREATE INDEX outbox_due ON outbox(channel, next_at, id) WHERE state = 0;
-- Dead letters for the operators and /metrics.
CREATE INDEX outbox_dead ON outbox(channel, id) WHERE state = 2;

-- The deadline monitor's schedule: each row fires once, not before
-- fire_at. kind: see src/core/reminder.h. ref is the cooperating
-- department for cooperation reminders, '' otherwise. fired_at: 0 pending,
-- > 0 when it fired, -1 when it was cancelled at fire time.
CREATE TABLE reminders (
  id            INTEGER PRIMARY KEY,
  complaint_id  INTEGER NOT NULL REFERENCES complaints(id),
  kind          INTEGER NOT NULL,
  ref           TEXT NOT NULL DEFAULT '',
  fire_at       INTEGER NOT NULL,
  target        INTEGER NOT NULL,
  fired_at      INTEGER NOT NULL DEFAULT 0,
  UNIQUE (complaint_id, kind, ref, fire_at)
);
-- The monitor's scan: pending reminders by time, never a table scan.
CREATE INDEX reminders_due ON reminders(fire_at, id) WHERE fired_at = 0;

-- The staff inbox: one row per notice and staff member.
CREATE TABLE inbox (
  id            INTEGER PRIMARY KEY,
  login         TEXT NOT NULL,
  at            INTEGER NOT NULL,
  kind          TEXT NOT NULL,
  complaint_id  INTEGER NOT NULL DEFAULT 0,
  receipt_no    TEXT,
  vars          TEXT NOT NULL DEFAULT '{}',
  read_at       INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX inbox_login ON inbox(login, id);
CREATE INDEX inbox_unread ON inbox(login, id) WHERE read_at = 0;

-- Message templates per notice kind, channel ("email", "text" for SMS and
-- 알림톡, "inbox") and language. Rows are the admin's edits; the built-in
-- defaults (data/notify_templates.tsv) apply where there is none.
CREATE TABLE notify_templates (
  kind        TEXT NOT NULL,
  channel     TEXT NOT NULL,
  lang        TEXT NOT NULL,
  subject     TEXT NOT NULL DEFAULT '',
  body        TEXT NOT NULL,
  updated_at  INTEGER NOT NULL,
  PRIMARY KEY (kind, channel, lang)
);
