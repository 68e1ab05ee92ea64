-- 006: 学生心理问题告知书 — binding codes, notices encrypted at rest (envelope encryption), each guardian's copy and
-- receipt, escalation tasks, referrals, and the tamper-evident audit chain. No column here ever holds readable notice
-- content: the content, a guardian's reason, typed name and signature are AES-256-GCM ciphertext.

-- Per-school settings: approval by a second staff member, the escalation ladder, retention, green-channel institutions.
CREATE TABLE school_notice_settings (
  school_id uuid PRIMARY KEY REFERENCES schools (id),
  require_approval boolean NOT NULL DEFAULT false,
  unread_hours integer NOT NULL DEFAULT 24 CHECK (unread_hours BETWEEN 1 AND 720),
  head_teacher_hours integer NOT NULL DEFAULT 48 CHECK (head_teacher_hours BETWEEN 1 AND 720),
  leader_hours integer NOT NULL DEFAULT 72 CHECK (leader_hours BETWEEN 1 AND 720),
  retention_days integer NOT NULL DEFAULT 365 CHECK (retention_days BETWEEN 1 AND 3650),
  institutions jsonb NOT NULL DEFAULT '[]',
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (unread_hours < head_teacher_hours AND head_teacher_hours < leader_hours)
);

-- The school's phone record of a guardian slot is kept as a keyed hash (never the number) plus a masked form for staff.
CREATE TABLE binding_codes (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  student_id uuid NOT NULL REFERENCES students (id),
  code_hash text NOT NULL UNIQUE,
  relation text CHECK (relation IN ('father', 'mother', 'other')),
  phone_hash text,
  phone_masked text,
  created_by uuid NOT NULL REFERENCES users (id),
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  used_by uuid REFERENCES users (id),
  used_at timestamptz,
  revoked_at timestamptz
);
CREATE INDEX binding_codes_student_idx ON binding_codes (student_id);

ALTER TABLE guardianships
  ADD COLUMN binding_code_id uuid REFERENCES binding_codes (id),
  ADD COLUMN notice_consent_at timestamptz,
  ADD COLUMN revoked_by uuid REFERENCES users (id);

CREATE TABLE notices (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  school_id uuid NOT NULL REFERENCES schools (id),
  student_id uuid NOT NULL REFERENCES students (id),
  level text NOT NULL CHECK (level IN ('class', 'grade', 'school')),
  status text NOT NULL CHECK (status IN ('pending_approval', 'rejected', 'sent', 'closed', 'purged')),
  created_by uuid NOT NULL REFERENCES users (id),
  created_at timestamptz NOT NULL,
  approved_by uuid REFERENCES users (id),
  approved_at timestamptz,
  rejected_at timestamptz,
  -- Why an approver sent it back, sealed with the notice's data key.
  rejection_sealed bytea,
  sent_at timestamptz,
  closed_at timestamptz,
  closed_by uuid REFERENCES users (id),
  purge_after timestamptz,
  purged_at timestamptz,
  -- The escalation ladder as it was when the notice was sent.
  unread_hours integer NOT NULL,
  head_teacher_hours integer NOT NULL,
  leader_hours integer NOT NULL,
  -- Envelope encryption: the data key wrapped by the master key `key_id`; the content sealed with the data key.
  key_id text,
  wrapped_key bytea,
  content bytea,
  CHECK ((status = 'purged') = (content IS NULL)),
  CHECK ((content IS NULL) = (wrapped_key IS NULL))
);
CREATE INDEX notices_school_idx ON notices (school_id, created_at DESC);
CREATE INDEX notices_student_idx ON notices (student_id);
CREATE INDEX notices_purge_idx ON notices (purge_after) WHERE status IN ('closed', 'rejected');

-- Each guardian's own copy and receipt. The acknowledgement's reason, typed name and signature are sealed with the
-- notice's data key.
CREATE TABLE notice_recipients (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  notice_id uuid NOT NULL REFERENCES notices (id),
  guardianship_id uuid NOT NULL REFERENCES guardianships (id),
  user_id uuid NOT NULL REFERENCES users (id),
  relation text NOT NULL,
  created_at timestamptz NOT NULL,
  delivered_at timestamptz,
  first_opened_at timestamptz,
  open_count integer NOT NULL DEFAULT 0,
  second_push_at timestamptz,
  acknowledged_at timestamptz,
  choice text CHECK (choice IN ('referral', 'self_care', 'meeting', 'decline')),
  meeting_slot timestamptz,
  ack_sealed bytea,
  revoked_at timestamptz,
  UNIQUE (notice_id, user_id),
  CHECK ((acknowledged_at IS NULL) = (choice IS NULL))
);
CREATE INDEX notice_recipients_user_idx ON notice_recipients (user_id);

CREATE TABLE notice_tasks (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  notice_id uuid NOT NULL REFERENCES notices (id),
  kind text NOT NULL CHECK (kind IN ('call_guardian', 'leader_followup')),
  assignee_role text NOT NULL,
  created_at timestamptz NOT NULL,
  due_at timestamptz NOT NULL,
  done_at timestamptz,
  done_by uuid REFERENCES users (id),
  outcome text CHECK (outcome IN ('reached', 'unreachable', 'handled')),
  UNIQUE (notice_id, kind)
);
CREATE INDEX notice_tasks_open_idx ON notice_tasks (notice_id) WHERE done_at IS NULL;

CREATE TABLE referrals (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  notice_id uuid NOT NULL REFERENCES notices (id),
  recipient_id uuid NOT NULL UNIQUE REFERENCES notice_recipients (id),
  created_at timestamptz NOT NULL,
  closed_at timestamptz,
  closed_by uuid REFERENCES users (id),
  outcome text CHECK (outcome IN ('visited', 'in_treatment', 'not_pursued', 'other'))
);

-- The audit chain: every event of a notice (and of bindings), metadata only. Each entry's hash is an HMAC (key from
-- configuration, not in the database) over the previous entry's hash and this entry's fields.
CREATE TABLE audit_log (
  seq bigserial PRIMARY KEY,
  id uuid NOT NULL DEFAULT gen_random_uuid() UNIQUE,
  at timestamptz NOT NULL,
  actor_id uuid,
  action text NOT NULL,
  notice_id uuid,
  subject_id uuid,
  details jsonb NOT NULL DEFAULT '{}',
  prev_hash text NOT NULL,
  hash text NOT NULL
);
CREATE INDEX audit_log_notice_idx ON audit_log (notice_id, seq);
CREATE INDEX audit_log_subject_idx ON audit_log (subject_id, seq);

-- One row that appends serialise on, so the chain has exactly one tail.
CREATE TABLE audit_head (
  one boolean PRIMARY KEY DEFAULT true CHECK (one),
  seq bigint NOT NULL DEFAULT 0,
  hash text NOT NULL
);
INSERT INTO audit_head (one, seq, hash) VALUES (true, 0, 'genesis');
