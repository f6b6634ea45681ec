-- minwon schema, version 3: 공감 (support) for open complaints.

-- A citizen who finds an open complaint nearby that says what they wanted
-- to report adds to it instead of filing again. One row per supporter and
-- complaint: supporter_hash is a keyed digest of the supporter's phone, or
-- of the browser's address and user agent when no phone is given.
CREATE TABLE supports (
  complaint_id    INTEGER NOT NULL REFERENCES complaints(id),
  supporter_hash  TEXT NOT NULL,
  at              INTEGER NOT NULL,
  PRIMARY KEY (complaint_id, supporter_hash)
) WITHOUT ROWID;
