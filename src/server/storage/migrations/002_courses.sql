-- 002: courses, lessons, quizzes, enrolments, learning statements (after xAPI), lesson progress, certificates.

CREATE TABLE courses (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  slug text NOT NULL UNIQUE,
  title text NOT NULL,
  summary text NOT NULL,
  module text NOT NULL CHECK (module IN ('mh_education', 'mh_aid', 'mh_care', 'abnormal_awareness', 'parent_child')),
  stages text[] NOT NULL,
  quiz_pass_mark integer CHECK (quiz_pass_mark BETWEEN 1 AND 100),
  published boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX courses_module_idx ON courses (module);

CREATE TABLE lessons (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  course_id uuid NOT NULL REFERENCES courses (id),
  slug text NOT NULL,
  position integer NOT NULL,
  title text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('article', 'audio', 'video')),
  duration_seconds integer NOT NULL CHECK (duration_seconds > 0),
  media text,
  body text[] NOT NULL DEFAULT '{}',
  retired boolean NOT NULL DEFAULT false,
  UNIQUE (course_id, slug)
);
CREATE INDEX lessons_course_idx ON lessons (course_id, position);

CREATE TABLE quiz_questions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  course_id uuid NOT NULL REFERENCES courses (id),
  position integer NOT NULL,
  prompt text NOT NULL,
  options text[] NOT NULL,
  answer integer NOT NULL,
  explanation text NOT NULL,
  UNIQUE (course_id, position)
);

CREATE TABLE enrollments (
  user_id uuid NOT NULL REFERENCES users (id),
  course_id uuid NOT NULL REFERENCES courses (id),
  enrolled_at timestamptz NOT NULL DEFAULT now(),
  last_activity_at timestamptz NOT NULL DEFAULT now(),
  completed_at timestamptz,
  PRIMARY KEY (user_id, course_id)
);

-- The merged unique segments of a lesson per parent; credited_seconds is their total length.
CREATE TABLE lesson_progress (
  user_id uuid NOT NULL REFERENCES users (id),
  lesson_id uuid NOT NULL REFERENCES lessons (id),
  segments jsonb NOT NULL DEFAULT '[]',
  credited_seconds numeric(10, 2) NOT NULL DEFAULT 0,
  position numeric(10, 2) NOT NULL DEFAULT 0,
  last_statement_at timestamptz,
  completed_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, lesson_id)
);

-- Learning statements shaped after xAPI: actor (user), verb, object, result, context. The id is the client's,
-- so a statement replayed from an offline queue is stored once.
CREATE TABLE learning_statements (
  id uuid PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users (id),
  verb text NOT NULL,
  object_type text NOT NULL,
  object_id uuid NOT NULL,
  result jsonb NOT NULL DEFAULT '{}',
  context jsonb NOT NULL DEFAULT '{}',
  timestamp timestamptz NOT NULL,
  stored_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX learning_statements_user_idx ON learning_statements (user_id, stored_at);

CREATE TABLE quiz_attempts (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES users (id),
  course_id uuid NOT NULL REFERENCES courses (id),
  answers integer[] NOT NULL,
  score integer NOT NULL,
  passed boolean NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX quiz_attempts_user_idx ON quiz_attempts (user_id, course_id);

CREATE TABLE certificates (
  code text PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users (id),
  course_id uuid NOT NULL REFERENCES courses (id),
  display_name text NOT NULL,
  course_title text NOT NULL,
  module text NOT NULL,
  issued_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (user_id, course_id)
);
