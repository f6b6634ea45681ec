-- minwon schema: long-lived sessions of the field app (docs/API.md#staff).
--
-- kind 0 is an office session (short: 12 hours at most, 30 minutes idle),
-- kind 1 a field session (a phone that stays signed in for weeks, with
-- the field role's permissions only). The limits are the server's
-- settings, not stored: the row keeps when it began and was last used.
ALTER TABLE sessions ADD COLUMN kind INTEGER NOT NULL DEFAULT 0;

-- Saving a user with a new password, or disabled, ends all their
-- sessions (DELETE ... WHERE login = ?).
CREATE INDEX sessions_login ON sessions(login);
