-- 019: the course authoring console. Courses get an owner region (NULL: a platform course for everyone), an origin
-- (shipped content files, or written in the console: the startup import leaves the latter alone), a version for
-- optimistic concurrency and who last changed them; uploaded media live in the database (content-addressed by
-- sha256, served at /media/<name>), uploaded in chunks; every authoring action is audited, append-only.

ALTER TABLE courses
  ADD COLUMN region_id uuid REFERENCES regions (id),
  ADD COLUMN origin text NOT NULL DEFAULT 'content' CHECK (origin IN ('content', 'console')),
  ADD COLUMN version integer NOT NULL DEFAULT 1,
  ADD COLUMN updated_by uuid REFERENCES users (id);
CREATE INDEX courses_region_idx ON courses (region_id) WHERE region_id IS NOT NULL;

-- An uploaded lesson file: the name is <sha256>.<ext>, so the same bytes uploaded twice are one row.
CREATE TABLE media_files (
  name text PRIMARY KEY,
  sha256 text NOT NULL UNIQUE,
  content_type text NOT NULL,
  size_bytes integer NOT NULL CHECK (size_bytes > 0),
  duration_seconds numeric(10, 3) NOT NULL CHECK (duration_seconds > 0),
  has_video boolean NOT NULL,
  data bytea NOT NULL,
  created_by uuid NOT NULL REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now()
);

-- An upload in progress: parts arrive one request each (serverless request bodies are small), then are joined and checked.
CREATE TABLE media_uploads (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES users (id),
  file_name text NOT NULL,
  size_bytes integer NOT NULL CHECK (size_bytes > 0),
  part_count integer NOT NULL CHECK (part_count > 0),
  created_at timestamptz NOT NULL
);
CREATE TABLE media_upload_parts (
  upload_id uuid NOT NULL REFERENCES media_uploads (id) ON DELETE CASCADE,
  idx integer NOT NULL CHECK (idx >= 0),
  data bytea NOT NULL,
  PRIMARY KEY (upload_id, idx)
);

-- Who created, saved, published or unpublished a course, and when (metadata only: version, counts, title).
CREATE TABLE course_audit (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL,
  actor_id uuid NOT NULL REFERENCES users (id),
  course_id uuid NOT NULL REFERENCES courses (id),
  action text NOT NULL CHECK (action IN ('created', 'saved', 'published', 'unpublished')),
  detail jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX course_audit_course_idx ON course_audit (course_id, id);

CREATE FUNCTION xq_course_audit_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'course_audit is append-only';
END
$$;
CREATE TRIGGER course_audit_append_only BEFORE UPDATE OR DELETE ON course_audit FOR EACH ROW EXECUTE FUNCTION xq_course_audit_append_only();

-- Learning statements count only for lessons of published courses (a draft, or a course taken back, is invisible).
CREATE OR REPLACE FUNCTION xq_progress_state(p_users uuid[], p_lessons uuid[], p_ids uuid[]) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
  state json;
BEGIN
  PERFORM pg_advisory_xact_lock(s.k)
     FROM (SELECT DISTINCT hashtextextended(x.u::text || ':' || x.l::text, 0) AS k FROM unnest(p_users, p_lessons) AS x(u, l) ORDER BY 1) s;
  SELECT json_build_object(
    'lessons', (SELECT coalesce(json_agg(json_build_object('u', x.u, 'id', ls.id, 'course_id', ls.course_id, 'kind', ls.kind,
                 'duration', ls.duration_seconds, 'enrolled_at', e.enrolled_at, 'segments', p.segments, 'credited', p.credited_seconds,
                 'position', p.position, 'last_at', p.last_statement_at, 'completed_at', p.completed_at, 'opened_at', o.first_at)), '[]')
                  FROM (SELECT DISTINCT u, l FROM unnest(p_users, p_lessons) AS y(u, l)) x
                  CROSS JOIN LATERAL (SELECT z.* FROM lessons z JOIN courses c ON c.id = z.course_id AND c.published
                                       WHERE z.id = x.l AND NOT z.retired LIMIT 1) ls
                  LEFT JOIN LATERAL (SELECT * FROM enrollments z WHERE z.user_id = x.u AND z.course_id = ls.course_id LIMIT 1) e ON true
                  LEFT JOIN LATERAL (SELECT * FROM lesson_progress z WHERE z.user_id = x.u AND z.lesson_id = x.l LIMIT 1) p ON true
                  LEFT JOIN LATERAL (SELECT z.first_at FROM lesson_opens z WHERE z.user_id = x.u AND z.lesson_id = x.l LIMIT 1) o ON true),
    'known', (SELECT coalesce(json_agg(k.id), '[]') FROM unnest(p_ids) AS k(id)
               CROSS JOIN LATERAL (SELECT 1 FROM learning_statements z WHERE z.id = k.id LIMIT 1) s),
    'ctx', (SELECT coalesce(json_agg(json_build_object('u', c.user_id, 's', c.school_id, 'r', c.region_id)), '[]')
              FROM (SELECT DISTINCT u FROM unnest(p_users) AS y(u)) x
              CROSS JOIN LATERAL (SELECT g.user_id, s.school_id, sc.region_id FROM guardianships g JOIN students s ON s.id = g.student_id
                                    JOIN schools sc ON sc.id = s.school_id WHERE g.user_id = x.u AND g.revoked_at IS NULL OFFSET 0) c))
    INTO state;
  RETURN state;
END
$$;
