-- 003: progress ingestion in one round trip. xq_ingest_progress applies a batch of learning statements inside the
-- statement that calls it (no BEGIN/COMMIT round trips): per-(parent, lesson) lock, enrolment and plausibility checks,
-- idempotent insert, segment merge, lesson progress upsert, enrolment touch, course completion. The segment merge
-- mirrors domain/learning/segments.ts exactly in double precision (tests/server/segments-sql.test.ts compares them).

-- Math.round(n * 100) / 100 of the TypeScript reference: halves round up, in double precision. (plpgsql, not an
-- SQL function: one that names its argument twice is not inlined and costs a plan per call.)
CREATE FUNCTION xq_round_cs(n double precision) RETURNS double precision
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  x double precision := n * 100;
BEGIN
  RETURN CASE WHEN x - floor(x) >= 0.5 THEN ceil(x) ELSE floor(x) END / 100;
END
$$;

-- mergeSegments: clamp to [0, duration], round to centiseconds, drop empty, sort, merge overlapping or touching.
CREATE FUNCTION xq_merge_segments(segments jsonb, duration double precision) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  seg record;
  starts double precision[] := '{}';
  ends double precision[] := '{}';
  n integer := 0;
  merged jsonb := '[]'::jsonb;
BEGIN
  FOR seg IN
    SELECT c.s, c.e FROM (
      SELECT xq_round_cs(greatest(0, least((x ->> 0)::double precision, duration))) AS s,
             xq_round_cs(greatest(0, least((x ->> 1)::double precision, duration))) AS e
        FROM jsonb_array_elements(segments) AS x
    ) AS c
    WHERE c.e > c.s ORDER BY c.s, c.e
  LOOP
    IF n > 0 AND seg.s <= ends[n] THEN
      ends[n] := greatest(ends[n], seg.e);
    ELSE
      n := n + 1;
      starts[n] := seg.s;
      ends[n] := seg.e;
    END IF;
  END LOOP;
  FOR i IN 1 .. n LOOP
    merged := merged || jsonb_build_array(jsonb_build_array(starts[i], ends[i]));
  END LOOP;
  RETURN merged;
END
$$;

-- coveredSeconds: the total length of merged segments, summed in order, rounded to centiseconds.
CREATE FUNCTION xq_covered_seconds(merged jsonb) RETURNS double precision
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  seg jsonb;
  total double precision := 0;
BEGIN
  FOR seg IN SELECT x.value FROM jsonb_array_elements(merged) WITH ORDINALITY AS x ORDER BY x.ordinality LOOP
    total := total + ((seg ->> 1)::double precision - (seg ->> 0)::double precision);
  END LOOP;
  RETURN xq_round_cs(total);
END
$$;

-- Milliseconds since the epoch, as JavaScript's Date.getTime() gives them.
CREATE FUNCTION xq_ms(t timestamptz) RETURNS double precision
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT (extract(epoch FROM t) * 1000)::double precision
$$;

-- Completes a course and issues its certificate (with the given code) when every lesson is complete and the quiz,
-- if any, is passed; returns the certificate, or no row. A per-(parent, course) lock makes two concurrent last lessons
-- complete the course exactly once.
CREATE FUNCTION xq_complete_course(p_user uuid, p_course uuid, p_now timestamptz, p_code text)
RETURNS TABLE (code text, display_name text, course_title text, module text, issued_at timestamptz)
LANGUAGE plpgsql AS $$
DECLARE
  state record;
  cert record;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended(p_user::text || ':course:' || p_course::text, 0));
  SELECT (SELECT count(*)::int FROM lessons l LEFT JOIN lesson_progress p ON p.lesson_id = l.id AND p.user_id = p_user
           WHERE l.course_id = p_course AND NOT l.retired AND p.completed_at IS NULL) AS open_lessons,
         (c.quiz_pass_mark IS NOT NULL) AS needs_quiz,
         EXISTS (SELECT 1 FROM quiz_attempts a WHERE a.user_id = p_user AND a.course_id = p_course AND a.passed) AS passed,
         e.completed_at
    INTO state
    FROM courses c JOIN enrollments e ON e.course_id = c.id AND e.user_id = p_user
   WHERE c.id = p_course;
  IF NOT FOUND OR state.completed_at IS NOT NULL OR state.open_lessons > 0 OR (state.needs_quiz AND NOT state.passed) THEN
    RETURN;
  END IF;
  UPDATE enrollments SET completed_at = p_now WHERE user_id = p_user AND course_id = p_course;
  INSERT INTO certificates AS x (code, user_id, course_id, display_name, course_title, module, issued_at)
  SELECT p_code, u.id, c.id, u.display_name, c.title, c.module, p_now FROM users u, courses c WHERE u.id = p_user AND c.id = p_course
  ON CONFLICT (user_id, course_id) DO UPDATE SET code = x.code
  RETURNING x.code, x.display_name, x.course_title, x.module, x.issued_at INTO cert;
  INSERT INTO learning_statements (id, user_id, verb, object_type, object_id, result, timestamp, stored_at)
  VALUES (gen_random_uuid(), p_user, 'completed', 'course', p_course, jsonb_build_object('completion', true, 'certificate', cert.code), p_now, p_now);
  RETURN QUERY SELECT cert.code, cert.display_name, cert.course_title, cert.module, cert.issued_at;
END
$$;

-- Applies statements ({id, lessonId, verb, segments, position, timestamp}) in order for one parent; returns one
-- result per statement: {id, lessonId, outcome: accepted | duplicate | rejected, code, reason, progress}.
-- p_codes holds fresh certificate codes, one per distinct lesson of the batch (it completes at most that many courses).
CREATE FUNCTION xq_ingest_progress(p_user uuid, p_statements jsonb, p_now timestamptz, p_ratio double precision, p_codes text[])
RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
  lock_key bigint;
  st jsonb;
  l record;
  ctx jsonb;
  results jsonb := '[]'::jsonb;
  completed uuid[] := '{}';
  course uuid;
  code text;
  reason text;
  at timestamptz;
  at_ms double precision;
  enrolled_ms double precision;
  since_ms double precision;
  dur double precision;
  merged jsonb;
  credited double precision;
  pos double precision;
  done timestamptz;
  last timestamptz;
  i integer := 0;
BEGIN
  -- One lock per (parent, lesson), all taken first and in a fixed order, held until the transaction ends: two
  -- requests never merge from the same stale segments, and two batches never wait on each other crosswise.
  FOR lock_key IN
    SELECT DISTINCT hashtextextended(p_user::text || ':' || (x ->> 'lessonId'), 0) AS k FROM jsonb_array_elements(p_statements) AS x ORDER BY k
  LOOP
    PERFORM pg_advisory_xact_lock(lock_key);
  END LOOP;

  FOR st IN SELECT x.value FROM jsonb_array_elements(p_statements) WITH ORDINALITY AS x ORDER BY x.ordinality LOOP
    code := NULL;
    reason := NULL;
    at := (st ->> 'timestamp')::timestamptz;
    SELECT ls.id, ls.course_id, ls.kind, ls.duration_seconds, e.enrolled_at,
           p.segments, p.credited_seconds, p.position, p.last_statement_at, p.completed_at
      INTO l
      FROM lessons ls
      LEFT JOIN enrollments e ON e.course_id = ls.course_id AND e.user_id = p_user
      LEFT JOIN lesson_progress p ON p.lesson_id = ls.id AND p.user_id = p_user
     WHERE ls.id = (st ->> 'lessonId')::uuid AND NOT ls.retired;
    IF NOT FOUND THEN
      code := 'NOT_FOUND';
      reason := 'lesson';
    ELSIF l.enrolled_at IS NULL THEN
      code := 'NOT_ENROLLED';
    ELSE
      at_ms := xq_ms(at);
      enrolled_ms := xq_ms(l.enrolled_at);
      dur := l.duration_seconds;
      since_ms := CASE WHEN l.last_statement_at IS NOT NULL AND xq_ms(l.last_statement_at) < at_ms THEN xq_ms(l.last_statement_at) ELSE enrolled_ms END;
      IF at_ms > xq_ms(p_now) + 120000 THEN
        code := 'STATEMENT_FROM_FUTURE';
      ELSIF at_ms < enrolled_ms - 120000 THEN
        code := 'IMPLAUSIBLE_PROGRESS';
        reason := 'before_enrolment';
      ELSIF (st ->> 'position')::double precision > dur + 2
         OR EXISTS (SELECT 1 FROM jsonb_array_elements(st -> 'segments') AS x WHERE (x ->> 1)::double precision > dur + 2) THEN
        code := 'SEGMENT_OUT_OF_RANGE';
      ELSIF l.kind = 'article' THEN
        IF st ->> 'verb' = 'read' AND (at_ms - enrolled_ms) / 1000 < least(60, dur * 0.25) THEN
          code := 'IMPLAUSIBLE_PROGRESS';
          reason := 'read_too_fast';
        END IF;
      ELSIF xq_covered_seconds(xq_merge_segments(st -> 'segments', dur)) > greatest(0, (at_ms - since_ms) / 1000) * 2 + 20 THEN
        code := 'IMPLAUSIBLE_PROGRESS';
      END IF;
    END IF;

    IF code IS NOT NULL THEN
      results := results || jsonb_build_object('id', st ->> 'id', 'outcome', 'rejected', 'code', code, 'reason', reason);
      CONTINUE;
    END IF;

    IF ctx IS NULL THEN
      SELECT jsonb_build_object('schools', coalesce(jsonb_agg(DISTINCT s.school_id), '[]'::jsonb), 'regions', coalesce(jsonb_agg(DISTINCT sc.region_id), '[]'::jsonb))
        INTO ctx
        FROM guardianships g JOIN students s ON s.id = g.student_id JOIN schools sc ON sc.id = s.school_id
       WHERE g.user_id = p_user AND g.revoked_at IS NULL;
    END IF;
    INSERT INTO learning_statements (id, user_id, verb, object_type, object_id, result, context, timestamp, stored_at)
    VALUES ((st ->> 'id')::uuid, p_user, st ->> 'verb', 'lesson', l.id,
            jsonb_build_object('segments', st -> 'segments', 'position', st -> 'position'), ctx || jsonb_build_object('course', l.course_id), at, p_now)
    ON CONFLICT (id) DO NOTHING;
    IF NOT FOUND THEN
      results := results || jsonb_build_object('id', st ->> 'id', 'lessonId', l.id, 'outcome', 'duplicate', 'progress',
        CASE WHEN l.segments IS NULL THEN NULL ELSE jsonb_build_object('position', l.position, 'creditedSeconds', l.credited_seconds, 'segments', l.segments, 'completedAt', l.completed_at) END);
      CONTINUE;
    END IF;

    IF l.kind = 'article' THEN
      merged := coalesce(l.segments, '[]'::jsonb);
      credited := CASE WHEN st ->> 'verb' = 'read' THEN dur ELSE coalesce(l.credited_seconds, 0) END;
      pos := 0;
    ELSE
      merged := xq_merge_segments(coalesce(l.segments, '[]'::jsonb) || (st -> 'segments'), dur);
      credited := xq_covered_seconds(merged);
      pos := least((st ->> 'position')::double precision, dur);
    END IF;
    done := coalesce(l.completed_at, CASE WHEN credited >= p_ratio * dur - 1e-9 THEN p_now END);
    last := greatest(l.last_statement_at, at);
    INSERT INTO lesson_progress (user_id, lesson_id, segments, credited_seconds, position, last_statement_at, completed_at, updated_at)
    VALUES (p_user, l.id, merged, credited::text::numeric,
            CASE WHEN l.kind = 'article' THEN 0 ELSE least((st ->> 'position')::numeric, l.duration_seconds) END, last, done, p_now)
    ON CONFLICT (user_id, lesson_id) DO UPDATE SET segments = excluded.segments, credited_seconds = excluded.credited_seconds,
      position = excluded.position, last_statement_at = excluded.last_statement_at, completed_at = excluded.completed_at, updated_at = excluded.updated_at;
    UPDATE enrollments SET last_activity_at = p_now WHERE user_id = p_user AND course_id = l.course_id;
    IF done IS NOT NULL AND l.completed_at IS NULL AND NOT l.course_id = ANY (completed) THEN
      completed := completed || l.course_id;
    END IF;
    results := results || jsonb_build_object('id', st ->> 'id', 'lessonId', l.id, 'outcome', 'accepted', 'progress',
      jsonb_build_object('position', pos, 'creditedSeconds', credited, 'segments', merged, 'completedAt', done));
  END LOOP;

  FOR course IN SELECT c FROM unnest(completed) AS c ORDER BY c LOOP
    i := i + 1;
    PERFORM xq_complete_course(p_user, course, p_now, p_codes[i]);
  END LOOP;
  RETURN results;
END
$$;
