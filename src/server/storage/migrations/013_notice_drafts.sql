-- 013: drafts of notices being written (issue 14). A draft belongs to its author at one school and is sealed like a
-- notice: a fresh AES-256-GCM data key per save, wrapped by the master key; the content column holds only ciphertext.
-- It is deleted when the notice is submitted (in the same transaction), when its author discards it, and by the
-- expireNoticeDrafts job once expires_at (14 days after the last save) has passed.
CREATE TABLE notice_drafts (
  id uuid PRIMARY KEY,
  school_id uuid NOT NULL REFERENCES schools (id),
  author_id uuid NOT NULL REFERENCES users (id),
  key_id text NOT NULL,
  wrapped_key bytea NOT NULL,
  content bytea NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL
);

CREATE INDEX notice_drafts_author ON notice_drafts (author_id, school_id, updated_at DESC);
CREATE INDEX notice_drafts_expiry ON notice_drafts (expires_at);
