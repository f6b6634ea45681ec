-- minwon schema, version 6: the manager's view (on-time rate).

-- Answered complaints by time, for "answered in the last 30 days, how many
-- on time", per department and overall.
CREATE INDEX complaints_answered_dept ON complaints(department, answered_at)
  WHERE answered_at > 0;
CREATE INDEX complaints_answered ON complaints(answered_at) WHERE answered_at > 0;
