-- 008: progress ingestion in batches. Heartbeats from many parents that arrive together are written by a few set-based
-- statements in one transaction (domain/learning/ingest.ts, group commit), so the rollup triggers on learning statements
-- and lesson progress become statement-level, reading transition tables: one pass per batch instead of a dozen queries
-- per row. They keep 007's meaning (xq_rpt_rebuild gives the same rows). The one-parent plpgsql ingestion of 003 goes:
-- segments.ts merges again; the SQL merge stays for xq_rpt_rebuild.

DROP FUNCTION xq_ingest_progress(uuid, jsonb, timestamptz, double precision, text[]);

-- Month bits for the families and parents that the inserted statements reach. One small query per parent of the batch
-- (their children's schools and the regions above, two kinds): only bits not yet set go to xq_rpt_reach, so in steady
-- state it is a few index probes, no write and no lock. The probe of rpt_reach is a scalar subquery, which can only be
-- planned as an index lookup: as NOT EXISTS (and as one set-based query over the batch) the planner sometimes hashed the
-- whole rollup table instead, once its statistics were fresh (measured: batches of 2 ms turned into 30 ms).
DROP TRIGGER rpt_statements ON learning_statements;
DROP FUNCTION xq_rpt_on_statement();
CREATE FUNCTION xq_rpt_on_statements() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  a record;
BEGIN
  FOR a IN
    SELECT DISTINCT n.user_id, n.stored_at, xq_cn_ym(n.timestamp) AS ym,
           CASE WHEN n.object_type = 'lesson' THEN 'online' ELSE 'attended' END AS kind
      FROM new_statements n WHERE n.object_type = 'lesson' OR n.verb = 'attended'
     ORDER BY 1, 2, 3, 4
  LOOP
    PERFORM xq_rpt_reach(c.scope, a.ym / 100, c.kind, c.entity, 1 << (a.ym % 100 - 1))
       FROM (SELECT DISTINCT p.scope, k.kind, CASE WHEN k.kind = 'family' THEN ch.student_id ELSE a.user_id END AS entity
               FROM xq_rpt_children(a.user_id, a.stored_at) ch JOIN rpt_scope_path p ON p.unit = ch.school_id
               CROSS JOIN (VALUES ('family'), (a.kind)) AS k(kind)) c
      WHERE coalesce((SELECT q.mask FROM rpt_reach q WHERE q.scope = c.scope AND q.year = a.ym / 100 AND q.kind = c.kind AND q.entity = c.entity
                       LIMIT 1), 0) & (1 << (a.ym % 100 - 1)) = 0
      ORDER BY c.scope, c.kind, c.entity;
  END LOOP;
  RETURN NULL;
END
$$;
CREATE TRIGGER rpt_statements AFTER INSERT ON learning_statements REFERENCING NEW TABLE AS new_statements
  FOR EACH STATEMENT EXECUTE FUNCTION xq_rpt_on_statements();

-- 007's xq_rpt_reach, now taking turns: setting a bit moves histogram counts that every school's parents share, and two
-- batches setting bits for different parents could lock them in opposite orders. It runs only for bits not yet set (a
-- parent's first statement of a month), so the lock is rare; a transaction takes it once and keeps it to the commit.
CREATE OR REPLACE FUNCTION xq_rpt_reach(p_scope uuid, p_year integer, p_kind text, p_entity uuid, p_bit integer) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  m integer;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended('xq_rpt_reach', 0));
  INSERT INTO rpt_reach AS r (scope, year, kind, entity, mask) VALUES (p_scope, p_year, p_kind, p_entity, p_bit)
  ON CONFLICT (scope, year, kind, entity) DO UPDATE SET mask = r.mask | excluded.mask WHERE r.mask & excluded.mask = 0
  RETURNING r.mask INTO m;
  IF m IS NULL THEN
    RETURN;
  END IF;
  INSERT INTO rpt_reach_hist AS h (scope, year, kind, mask, n) VALUES (p_scope, p_year, p_kind, m, 1)
  ON CONFLICT (scope, year, kind, mask) DO UPDATE SET n = h.n + 1;
  IF m <> p_bit THEN
    UPDATE rpt_reach_hist SET n = n - 1 WHERE scope = p_scope AND year = p_year AND kind = p_kind AND mask = m & ~p_bit;
  END IF;
END
$$;

-- Credited seconds gained, summed per parent's home school (and its region), month, module and stage over the whole
-- statement. A transition-table trigger cannot name columns, so every UPDATE fires it and rows without a gain drop out.
DROP TRIGGER rpt_progress ON lesson_progress;
DROP FUNCTION xq_rpt_on_progress();
-- Adds credited-second gains (parallel arrays: parent, lesson, when, month, seconds) at each parent's home school and its
-- region, summed per month, module and stage. plpgsql, so that its plan is cached per connection (an SQL function is
-- planned on every call); the home school is a per-parent probe.
CREATE FUNCTION xq_rpt_add_gains(p_users uuid[], p_lessons uuid[], p_at timestamptz[], p_ym integer[], p_seconds numeric[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO rpt_learning AS x (scope, ym, module, stage, enrolments, completions, credited_seconds)
  SELECT p.scope, g.ym, c.module, coalesce(c.stages[1], ''), 0, 0, sum(g.seconds)
    FROM unnest(p_users, p_lessons, p_at, p_ym, p_seconds) AS g(user_id, lesson_id, at, ym, seconds)
    JOIN lessons l ON l.id = g.lesson_id JOIN courses c ON c.id = l.course_id
    CROSS JOIN LATERAL (SELECT s.school_id FROM guardianships b JOIN students s ON s.id = b.student_id
                         WHERE b.user_id = g.user_id AND b.created_at <= g.at AND (b.revoked_at IS NULL OR b.revoked_at > g.at)
                         ORDER BY b.created_at, b.id LIMIT 1) h
    JOIN rpt_scope_path p ON p.unit = h.school_id AND p.depth <= 1
   GROUP BY p.scope, g.ym, c.module, coalesce(c.stages[1], '')
  HAVING sum(g.seconds) <> 0
   ORDER BY 1, 2, 3, 4
  ON CONFLICT (scope, ym, module, stage) DO UPDATE SET credited_seconds = x.credited_seconds + excluded.credited_seconds;
END
$$;

-- The gains of a statement on lesson_progress: a new row's credit, or an updated row's growth (in the month of its latest
-- statement). The INSERT trigger has no old rows to name, hence two selects feeding one xq_rpt_add_gains.
CREATE FUNCTION xq_rpt_on_progress_rows() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  g record;
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT array_agg(n.user_id) AS users, array_agg(n.lesson_id) AS lessons, array_agg(n.updated_at) AS ats,
           array_agg(xq_cn_ym(coalesce(n.last_statement_at, n.updated_at))) AS yms, array_agg(n.credited_seconds) AS seconds
      INTO g FROM new_progress n WHERE n.credited_seconds <> 0;
  ELSE
    SELECT array_agg(n.user_id) AS users, array_agg(n.lesson_id) AS lessons, array_agg(n.updated_at) AS ats,
           array_agg(xq_cn_ym(coalesce(n.last_statement_at, n.updated_at))) AS yms, array_agg(n.credited_seconds - o.credited_seconds) AS seconds
      INTO g FROM new_progress n JOIN old_progress o ON o.user_id = n.user_id AND o.lesson_id = n.lesson_id
     WHERE n.credited_seconds <> o.credited_seconds;
  END IF;
  IF g.users IS NOT NULL THEN
    PERFORM xq_rpt_add_gains(g.users, g.lessons, g.ats, g.yms, g.seconds);
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER rpt_progress_insert AFTER INSERT ON lesson_progress REFERENCING NEW TABLE AS new_progress
  FOR EACH STATEMENT EXECUTE FUNCTION xq_rpt_on_progress_rows();
CREATE TRIGGER rpt_progress_update AFTER UPDATE ON lesson_progress REFERENCING OLD TABLE AS old_progress NEW TABLE AS new_progress
  FOR EACH STATEMENT EXECUTE FUNCTION xq_rpt_on_progress_rows();

-- What a batch of heartbeats needs before it is merged (ingest.ts), read in one round trip: locks first, then a fresh
-- snapshot. One advisory lock per (parent, lesson), taken in a fixed order and held until the commit, so two batches
-- never merge from the same stale segments and never wait on each other crosswise. (Enrolments are not written per
-- heartbeat: a course's last activity is read from its lessons' progress.)
-- Answers {lessons: [the parent's state in each lesson], known: [statement ids already stored], ctx: [their children's
-- schools and regions]}.
CREATE FUNCTION xq_progress_state(p_users uuid[], p_lessons uuid[], p_ids uuid[]) RETURNS json
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
                 'position', p.position, 'last_at', p.last_statement_at, 'completed_at', p.completed_at)), '[]')
                  FROM (SELECT DISTINCT u, l FROM unnest(p_users, p_lessons) AS y(u, l)) x
                  CROSS JOIN LATERAL (SELECT * FROM lessons z WHERE z.id = x.l AND NOT z.retired LIMIT 1) ls
                  LEFT JOIN LATERAL (SELECT * FROM enrollments z WHERE z.user_id = x.u AND z.course_id = ls.course_id LIMIT 1) e ON true
                  LEFT JOIN LATERAL (SELECT * FROM lesson_progress z WHERE z.user_id = x.u AND z.lesson_id = x.l LIMIT 1) p ON true),
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
