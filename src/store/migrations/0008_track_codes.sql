-- minwon schema: tracking a complaint by receipt number + phone with a
-- one-time code sent by SMS (docs/API.md#track-by-phone).

-- Every code request of a receipt, whether or not the phone matched (the
-- rate limit counts them all, so its answer tells nothing). code_hash is a
-- keyed digest of the code, NULL when no code was sent; attempts counts
-- wrong tries; used_at is set when the code opened the complaint.
CREATE TABLE track_codes (
  id            INTEGER PRIMARY KEY,
  complaint_id  INTEGER NOT NULL REFERENCES complaints(id),
  code_hash     TEXT,
  created_at    INTEGER NOT NULL,
  expires_at    INTEGER NOT NULL,
  attempts      INTEGER NOT NULL DEFAULT 0,
  used_at       INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX track_codes_complaint ON track_codes(complaint_id, created_at);

-- Access a right code grants: a random token (only its digest is kept)
-- that opens the complaint like its own token until expires_at.
CREATE TABLE track_grants (
  token_hash    TEXT PRIMARY KEY,
  complaint_id  INTEGER NOT NULL REFERENCES complaints(id),
  expires_at    INTEGER NOT NULL
) WITHOUT ROWID;
