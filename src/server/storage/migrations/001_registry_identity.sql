-- 001: the registry (regions, schools, stations), identity (users, sessions, role grants,
-- invitations), students and their guardians, and privacy-guide agreements.

CREATE TABLE app_meta (
  key text PRIMARY KEY,
  value text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE regions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  code text NOT NULL UNIQUE,
  name text NOT NULL,
  level text NOT NULL CHECK (level IN ('province', 'city', 'district')),
  parent_id uuid REFERENCES regions (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((level = 'province') = (parent_id IS NULL))
);
CREATE INDEX regions_parent_idx ON regions (parent_id);

CREATE TABLE schools (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL,
  region_id uuid NOT NULL REFERENCES regions (id),
  stages text[] NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (region_id, name)
);
CREATE INDEX schools_region_idx ON schools (region_id);

CREATE TABLE stations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('parent_school', 'guidance_station')),
  region_id uuid NOT NULL REFERENCES regions (id),
  school_id uuid REFERENCES schools (id),
  address text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (region_id, name)
);
CREATE INDEX stations_region_idx ON stations (region_id);

CREATE TABLE users (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  openid text UNIQUE,
  unionid text,
  dev_identity text UNIQUE,
  display_name text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_login_at timestamptz
);

-- One row per issued token. session_key is WeChat's and never leaves the server.
CREATE TABLE auth_sessions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES users (id),
  channel text NOT NULL CHECK (channel IN ('wechat', 'dev')),
  session_key text,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz
);
CREATE INDEX auth_sessions_user_idx ON auth_sessions (user_id);
CREATE INDEX auth_sessions_expires_idx ON auth_sessions (expires_at);

CREATE TABLE invitations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  code_hash text NOT NULL UNIQUE,
  role text NOT NULL,
  scope_type text NOT NULL CHECK (scope_type IN ('school', 'station', 'region', 'platform')),
  scope_id uuid,
  note text,
  created_by uuid NOT NULL REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  used_by uuid REFERENCES users (id),
  used_at timestamptz,
  revoked_at timestamptz
);

CREATE TABLE role_grants (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES users (id),
  role text NOT NULL CHECK (role IN ('school_psychologist', 'head_teacher', 'school_leader', 'station_staff', 'federation_staff', 'admin')),
  scope_type text NOT NULL CHECK (scope_type IN ('school', 'station', 'region', 'platform')),
  scope_id uuid,
  granted_by uuid REFERENCES users (id),
  invitation_id uuid REFERENCES invitations (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz,
  CHECK ((scope_type = 'platform') = (scope_id IS NULL))
);
CREATE UNIQUE INDEX role_grants_active_uniq ON role_grants (user_id, role, coalesce(scope_id, '00000000-0000-0000-0000-000000000000'::uuid)) WHERE revoked_at IS NULL;

CREATE TABLE students (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  school_id uuid NOT NULL REFERENCES schools (id),
  name text NOT NULL,
  grade text NOT NULL,
  class_name text NOT NULL,
  stage text NOT NULL CHECK (stage IN ('preschool', 'primary', 'junior', 'senior', 'vocational')),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX students_school_idx ON students (school_id);

CREATE TABLE guardianships (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  student_id uuid NOT NULL REFERENCES students (id),
  user_id uuid NOT NULL REFERENCES users (id),
  relation text NOT NULL CHECK (relation IN ('father', 'mother', 'other')),
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz
);
CREATE UNIQUE INDEX guardianships_active_uniq ON guardianships (student_id, user_id) WHERE revoked_at IS NULL;
CREATE INDEX guardianships_user_idx ON guardianships (user_id);

CREATE TABLE privacy_consents (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES users (id),
  version text NOT NULL,
  agreed_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (user_id, version)
);

-- Failed attempts at guessable secrets (invitation codes, binding codes), for rate limiting.
CREATE TABLE failed_attempts (
  id bigserial PRIMARY KEY,
  subject text NOT NULL,
  action text NOT NULL,
  at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX failed_attempts_lookup_idx ON failed_attempts (subject, action, at);

-- A region and every region under it.
CREATE FUNCTION subtree(root uuid) RETURNS TABLE (id uuid) LANGUAGE sql STABLE AS $$
  WITH RECURSIVE t AS (
    SELECT r.id FROM regions r WHERE r.id = root
    UNION ALL SELECT c.id FROM regions c JOIN t ON c.parent_id = t.id
  )
  SELECT t.id FROM t
$$;
