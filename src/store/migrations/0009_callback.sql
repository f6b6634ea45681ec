-- minwon schema, version 9: call-back requests (전화 요청) as data.

-- The citizen asked to be called back on the contact's phone number:
-- 0 no, 1 pending (no call on record yet), 2 done (a callback_done action
-- recorded the call). See src/core/complaint.h (mw_callback).
ALTER TABLE complaints ADD COLUMN callback INTEGER NOT NULL DEFAULT 0;

-- The queue's "전화 요청" filter and the dashboard's count: open complaints
-- with a pending call-back, in the queue's (due_at, id) order.
CREATE INDEX complaints_callback_dept ON complaints(department, due_at, id)
  WHERE is_open AND callback = 1;
CREATE INDEX complaints_callback ON complaints(due_at, id) WHERE is_open AND callback = 1;

-- Before this version the easy view filed a call-back request as a
-- complaint titled "전화 상담 요청…" whose text carried the note
-- "[전화 상담 요청] …"; those become pending requests (whether the call
-- was made is not on record).
UPDATE complaints SET callback = 1
  WHERE title LIKE '전화 상담 요청%' AND body LIKE '%[전화 상담 요청]%' AND phone_hash IS NOT NULL;
