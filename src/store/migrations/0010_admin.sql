-- minwon schema, version 11: what the admin pages need to edit and delete
-- reference data safely (src/api/admin.c, src/store/store_admin.h).
--
-- version: every record an administrator edits counts its changes, so that
-- a save based on an old read is refused (409 stale_version) instead of
-- silently undoing someone else's change. Existing rows start at 1.
ALTER TABLE departments ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE categories ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE holidays ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE users ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE faq ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE answer_templates ADD COLUMN version INTEGER NOT NULL DEFAULT 1;

-- retired_at: a department or category that complaints were filed under
-- is never deleted, only retired (0: in use). It keeps its name for those
-- complaints' history and is no longer offered for new work. Saving it
-- again brings it back.
ALTER TABLE departments ADD COLUMN retired_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE categories ADD COLUMN retired_at INTEGER NOT NULL DEFAULT 0;

-- The chatbot's answer for the English pages, when the office wrote one.
ALTER TABLE faq ADD COLUMN question_en TEXT;
ALTER TABLE faq ADD COLUMN answer_en TEXT;

-- Whether a category was ever used is asked by reading the complaints, not
-- through an index on category: a delete is rare, and such an index cost
-- every intake about 7 KB of writes and 12 % of its throughput (bench).

-- Who changed what in the administration: users, departments, categories,
-- holidays, the FAQ and answer templates. detail is the saved values as
-- JSON (never a password).
CREATE TABLE admin_log (
  id       INTEGER PRIMARY KEY,
  at       INTEGER NOT NULL,
  login    TEXT NOT NULL,
  area     TEXT NOT NULL,     -- users, departments, categories, holidays, faq, templates
  item     TEXT NOT NULL,     -- login, code, date or id
  action   TEXT NOT NULL,     -- create, update, delete, retire
  version  INTEGER NOT NULL,  -- the item's version after the change; 0 once deleted
  detail   TEXT
);
