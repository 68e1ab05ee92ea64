-- Guess and rate limits that hold under concurrency (issue 13). One counter per (subject, action) in a fixed window:
-- a request reserves its attempt (or its bytes) with one INSERT … ON CONFLICT DO UPDATE … RETURNING before anything is
-- checked, so concurrent requests see each other's reservations; a success or a refusal gives its reservation back.
-- The subject names who or what is counted: an account (user:…), a target (the binding or invitation codes as a whole,
-- a session's check-in: event:…), a client address (addr:…) or a login session (session:…).
-- The row keeps the end of its window, so limits with different windows share one statement and Retry-After is read off it.
CREATE TABLE attempt_counters (
  subject text NOT NULL,
  action text NOT NULL,
  n bigint NOT NULL CHECK (n >= 0),
  window_end timestamptz NOT NULL,
  PRIMARY KEY (subject, action)
);
CREATE INDEX attempt_counters_window_end_idx ON attempt_counters (window_end);

-- Failed attempts were counted after the fact (racy); the counters replace them.
DROP TABLE failed_attempts;
