-- minwon schema, version 2: AI routing and the counselling chatbot.

-- What the classifier said at intake, kept next to what people decided, so
-- corrections can be counted and `nlp train --from-db` can learn from them.
ALTER TABLE complaints ADD COLUMN ai_category TEXT;
ALTER TABLE complaints ADD COLUMN ai_confidence REAL;
ALTER TABLE complaints ADD COLUMN ai_model TEXT;
-- Set when the same person (phone digest) filed a similar open complaint
-- recently (반복민원): the earlier complaint's id.
ALTER TABLE complaints ADD COLUMN repeat_of INTEGER NOT NULL DEFAULT 0;

-- Open complaints near a point, for duplicate hints.
CREATE INDEX complaints_open_lat ON complaints(lat, lon) WHERE is_open AND lat IS NOT NULL;

-- The office's knowledge base for the chatbot (minwon faq import).
CREATE TABLE faq (
  id          TEXT PRIMARY KEY,
  question    TEXT NOT NULL,
  answer      TEXT NOT NULL,
  category    TEXT NOT NULL DEFAULT 'general',
  updated_at  INTEGER NOT NULL
);

-- Chat conversations. The citizen holds the session token; only its digest
-- is stored. state is the report flow's progress as JSON.
CREATE TABLE chat_sessions (
  id            INTEGER PRIMARY KEY,
  token_hash    TEXT NOT NULL UNIQUE,
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL,
  state         TEXT NOT NULL DEFAULT '{}',
  handoff       INTEGER NOT NULL DEFAULT 0,   -- 1 while waiting for a counsellor
  handoff_reason TEXT,
  handoff_at    INTEGER NOT NULL DEFAULT 0,
  complaint_id  INTEGER NOT NULL DEFAULT 0    -- filed through the report flow
);
CREATE INDEX chat_sessions_handoff ON chat_sessions(handoff_at) WHERE handoff = 1;

CREATE TABLE chat_messages (
  id          INTEGER PRIMARY KEY,
  session_id  INTEGER NOT NULL REFERENCES chat_sessions(id),
  at          INTEGER NOT NULL,
  sender      TEXT NOT NULL,          -- citizen, bot, staff login
  body        TEXT NOT NULL,
  kind        TEXT,                   -- faq, report, human (bot replies)
  faq_id      TEXT,
  category    TEXT,
  confidence  REAL,
  helpful     INTEGER                 -- the citizen's rating: 1, 0, or NULL
);
CREATE INDEX chat_messages_session ON chat_messages(session_id, id);
