-- 012: learning credit that real time allows. A (parent, lesson) may be credited at most 2 played seconds per second of
-- server time since the parent first reached the lesson (opened it, or the server received its first statement), plus a
-- fixed slack; statements that claim more are stored with the part that fits (domain/learning/ingest.ts). The anchor is
-- the server's receive time, never a client timestamp, so a burst of statements with one timestamp gets no more than
-- the seconds that really passed. xq_rpt_rebuild needs no change: it merges the segments as stored.
CREATE TABLE lesson_opens (
  user_id uuid NOT NULL REFERENCES users (id),
  lesson_id uuid NOT NULL REFERENCES lessons (id),
  first_at timestamptz NOT NULL,
  PRIMARY KEY (user_id, lesson_id)
);

INSERT INTO lesson_opens (user_id, lesson_id, first_at)
SELECT ls.user_id, ls.object_id, min(ls.stored_at) FROM learning_statements ls JOIN lessons l ON l.id = ls.object_id
 WHERE ls.object_type = 'lesson' GROUP BY ls.user_id, ls.object_id;

-- 008's state read, now with each (parent, lesson)'s anchor.
CREATE OR REPLACE FUNCTION xq_progress_state(p_users uuid[], p_lessons uuid[], p_ids uuid[]) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
  state json;
BEGIN
  PERFORM pg_advisory_xact_lock(s.k)
     FROM (SELECT DISTINCT hashtextextended(x.u::text || ':' || x.l::text, 0) AS k FROM unnest(p_users, p_lessons) AS x(u, l) ORDER BY 1) s;
  -- Every lookup is a per-key probe (LATERAL … LIMIT 1), which can only be planned as an index lookup: a generic plan
  -- made while the tables were small once hashed every stored statement per batch instead (measured), and kept doing
  -- so as they grew.
  SELECT json_build_object(
    'lessons', (SELECT coalesce(json_agg(json_build_object('u', x.u, 'id', ls.id, 'course_id', ls.course_id, 'kind', ls.kind,
                 'duration', ls.duration_seconds, 'enrolled_at', e.enrolled_at, 'segments', p.segments, 'credited', p.credited_seconds,
                 'position', p.position, 'last_at', p.last_statement_at, 'completed_at', p.completed_at, 'opened_at', o.first_at)), '[]')
                  FROM (SELECT DISTINCT u, l FROM unnest(p_users, p_lessons) AS y(u, l)) x
                  CROSS JOIN LATERAL (SELECT * FROM lessons z WHERE z.id = x.l AND NOT z.retired LIMIT 1) ls
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
