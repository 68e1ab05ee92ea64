-- 009: idempotency keys. A create or submit sent with an Idempotency-Key header is claimed here before its handler
-- runs; a repeat with the same key (a double tap, a retry after a lost answer) waits for the first and gets its answer
-- instead of creating a second row. The fingerprint (SHA-256 of method, concrete path and raw body) tells a repeat from
-- a different request that reuses the key. Keys are purged a day after they were made (runDueJobs).

CREATE TABLE idempotency_keys (
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  key text NOT NULL CHECK (key ~ '^[A-Za-z0-9_-]{8,100}$'),
  fingerprint text NOT NULL,
  state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done')),
  status integer,
  response jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  completed_at timestamptz,
  PRIMARY KEY (user_id, key),
  CHECK ((state = 'done') = (status IS NOT NULL AND completed_at IS NOT NULL))
);
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);
