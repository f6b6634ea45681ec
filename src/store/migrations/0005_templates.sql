-- minwon schema, version 5: answer templates (canned responses).

-- What a department answers again and again, per category (NULL: for any
-- category, kept by the administrator). Staff pick one in the console and
-- edit it before answering.
CREATE TABLE answer_templates (
  id          INTEGER PRIMARY KEY,
  category    TEXT,
  title       TEXT NOT NULL,
  body        TEXT NOT NULL,
  updated_at  INTEGER NOT NULL,
  updated_by  TEXT NOT NULL
);
CREATE INDEX answer_templates_category ON answer_templates(category, title);
