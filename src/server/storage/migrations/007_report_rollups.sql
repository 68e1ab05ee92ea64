-- 007: 妇联 reporting. Rollup tables kept current by triggers inside the transactions that write the records
-- (learning statements, lesson progress, enrolments, events, sign-ups and check-ins), so a report reads a few hundred
-- rollup rows and never scans the records. xq_rpt_rebuild() recomputes every rollup from the records (npm run
-- reports:rebuild) and must give the same rows. Period closes freeze a region's figures with their SHA-256.
--
-- Attribution. Families and parents are placed by their children's schools: a statement, enrolment or completion counts
-- for the students its parent was bound to when it landed (guardianship created at or before, not revoked by then).
-- A family is a student. Sessions are placed by their host (station or school). Months are China-time calendar months
-- (ym = year * 100 + month) of when the activity happened: a statement's timestamp, an enrolment's or completion's time,
-- a session's start.
--
-- Scopes. Every rollup row belongs to a scope: a school or station ("unit", depth 0), its region (depth 1) or a region
-- above it. Distinct counts (families, parents) are kept at every depth; additive counters only at depth 0 and 1 and
-- summed over a region's subtree when read (no hot province row on every heartbeat).

-- The China-time calendar month of an instant, as year * 100 + month.
CREATE FUNCTION xq_cn_ym(t timestamptz) RETURNS integer
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT (extract(year FROM (t AT TIME ZONE 'UTC') + interval '8 hours') * 100
        + extract(month FROM (t AT TIME ZONE 'UTC') + interval '8 hours'))::integer
$$;

-- Each school and station with itself (depth 0), its region (1) and the regions above (2, 3 …).
CREATE TABLE rpt_scope_path (
  unit uuid NOT NULL,
  scope uuid NOT NULL,
  depth integer NOT NULL,
  PRIMARY KEY (unit, scope)
);
CREATE INDEX rpt_scope_path_scope_idx ON rpt_scope_path (scope, depth);

-- Distinct families (kind 'family', entity = student) and parents (kinds 'online' and 'attended', entity = user) per
-- scope and year, with a bit per month (bit 0 = January) in which they were reached.
CREATE TABLE rpt_reach (
  scope uuid NOT NULL,
  year integer NOT NULL,
  kind text NOT NULL CHECK (kind IN ('family', 'online', 'attended')),
  entity uuid NOT NULL,
  mask integer NOT NULL,
  PRIMARY KEY (scope, year, kind, entity)
);

-- How many entities of rpt_reach have each month mask: a period's distinct count is the sum of n over the masks that
-- share a bit with the period's months (at most 4,096 rows per scope, year and kind; in practice a few dozen).
CREATE TABLE rpt_reach_hist (
  scope uuid NOT NULL,
  year integer NOT NULL,
  kind text NOT NULL,
  mask integer NOT NULL,
  n integer NOT NULL,
  PRIMARY KEY (scope, year, kind, mask)
);

-- Course enrolments, completions and credited learning seconds per scope (depth 0 and 1), month, module and stage.
CREATE TABLE rpt_learning (
  scope uuid NOT NULL,
  ym integer NOT NULL,
  module text NOT NULL,
  stage text NOT NULL,
  enrolments integer NOT NULL DEFAULT 0,
  completions integer NOT NULL DEFAULT 0,
  credited_seconds numeric(16, 2) NOT NULL DEFAULT 0,
  PRIMARY KEY (scope, ym, module, stage)
);

-- Per event: confirmed sign-ups and check-ins.
CREATE TABLE rpt_event (
  event_id uuid PRIMARY KEY,
  signups integer NOT NULL DEFAULT 0,
  attended integer NOT NULL DEFAULT 0
);

-- Published sessions per host scope (depth 0 and 1) and month: how many, how many were 心理健康教育, how many were held
-- (at least one parent checked in), sign-ups and check-ins.
CREATE TABLE rpt_sessions (
  scope uuid NOT NULL,
  ym integer NOT NULL,
  sessions integer NOT NULL DEFAULT 0,
  mh_sessions integer NOT NULL DEFAULT 0,
  held integer NOT NULL DEFAULT 0,
  mh_held integer NOT NULL DEFAULT 0,
  signups integer NOT NULL DEFAULT 0,
  attended integer NOT NULL DEFAULT 0,
  PRIMARY KEY (scope, ym)
);

-- 心理健康教育 sessions a station held (with parents checked in) per month: the 60% target counts stations with any.
CREATE TABLE rpt_station_month (
  station_id uuid NOT NULL,
  ym integer NOT NULL,
  mh_held integer NOT NULL DEFAULT 0,
  PRIMARY KEY (station_id, ym)
);

-- A closed period: a region's figures frozen as canonical JSON with its SHA-256.
CREATE TABLE report_closures (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  region_id uuid NOT NULL REFERENCES regions (id),
  from_ym integer NOT NULL,
  to_ym integer NOT NULL,
  figures jsonb NOT NULL,
  canonical text NOT NULL,
  sha256 text NOT NULL,
  closed_by uuid NOT NULL REFERENCES users (id),
  closed_at timestamptz NOT NULL,
  UNIQUE (region_id, from_ym, to_ym)
);

-- Recomputes the scope paths from the registry (small: thousands of rows).
CREATE FUNCTION xq_rpt_refresh_paths() RETURNS void
LANGUAGE sql AS $$
  DELETE FROM rpt_scope_path;
  INSERT INTO rpt_scope_path (unit, scope, depth)
  WITH RECURSIVE units AS (
    SELECT id AS unit, region_id FROM schools UNION ALL SELECT id, region_id FROM stations
  ), up AS (
    SELECT u.unit, u.region_id AS scope, 1 AS depth FROM units u
    UNION ALL
    SELECT up.unit, r.parent_id, up.depth + 1 FROM up JOIN regions r ON r.id = up.scope WHERE r.parent_id IS NOT NULL
  )
  SELECT unit, unit, 0 FROM units UNION ALL SELECT unit, scope, depth FROM up;
$$;

CREATE FUNCTION xq_rpt_paths_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM xq_rpt_refresh_paths();
  RETURN NULL;
END
$$;
CREATE TRIGGER rpt_paths_regions AFTER INSERT OR UPDATE OF parent_id OR DELETE ON regions FOR EACH STATEMENT EXECUTE FUNCTION xq_rpt_paths_trigger();
CREATE TRIGGER rpt_paths_schools AFTER INSERT OR UPDATE OF region_id OR DELETE ON schools FOR EACH STATEMENT EXECUTE FUNCTION xq_rpt_paths_trigger();
CREATE TRIGGER rpt_paths_stations AFTER INSERT OR UPDATE OF region_id OR DELETE ON stations FOR EACH STATEMENT EXECUTE FUNCTION xq_rpt_paths_trigger();

-- The students a parent was bound to at an instant, with their schools.
CREATE FUNCTION xq_rpt_children(p_user uuid, t timestamptz)
RETURNS TABLE (student_id uuid, school_id uuid, bound_at timestamptz, guardianship_id uuid)
LANGUAGE sql STABLE AS $$
  SELECT s.id, s.school_id, g.created_at, g.id FROM guardianships g JOIN students s ON s.id = g.student_id
   WHERE g.user_id = p_user AND g.created_at <= t AND (g.revoked_at IS NULL OR g.revoked_at > t)
$$;

-- A parent's home school at an instant (the school of the earliest binding then valid): additive counters count there once.
CREATE FUNCTION xq_rpt_home(p_user uuid, t timestamptz) RETURNS uuid
LANGUAGE sql STABLE AS $$
  SELECT c.school_id FROM xq_rpt_children(p_user, t) c ORDER BY c.bound_at, c.guardianship_id LIMIT 1
$$;

-- Marks an entity reached in a month (one bit) for a scope and moves it between the histogram's masks.
CREATE FUNCTION xq_rpt_reach(p_scope uuid, p_year integer, p_kind text, p_entity uuid, p_bit integer) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  m integer;
BEGIN
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

-- A lesson statement reaches its parent (online) and their families; an attended statement its parent (attended) and families.
CREATE FUNCTION xq_rpt_on_statement() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  k text;
  v_ym integer := xq_cn_ym(NEW.timestamp);
  v_bit integer := 1 << (xq_cn_ym(NEW.timestamp) % 100 - 1);
BEGIN
  IF NEW.object_type = 'lesson' THEN
    k := 'online';
  ELSIF NEW.verb = 'attended' THEN
    k := 'attended';
  ELSE
    RETURN NULL;
  END IF;
  PERFORM xq_rpt_reach(x.scope, v_ym / 100, 'family', x.student_id, v_bit)
     FROM (SELECT DISTINCT p.scope, c.student_id FROM xq_rpt_children(NEW.user_id, NEW.stored_at) c JOIN rpt_scope_path p ON p.unit = c.school_id
            ORDER BY p.scope, c.student_id) x;
  PERFORM xq_rpt_reach(x.scope, v_ym / 100, k, NEW.user_id, v_bit)
     FROM (SELECT DISTINCT p.scope FROM xq_rpt_children(NEW.user_id, NEW.stored_at) c JOIN rpt_scope_path p ON p.unit = c.school_id ORDER BY p.scope) x;
  RETURN NULL;
END
$$;
CREATE TRIGGER rpt_statements AFTER INSERT ON learning_statements FOR EACH ROW EXECUTE FUNCTION xq_rpt_on_statement();

-- Adds to a course's learning counters at the parent's home school and its region.
CREATE FUNCTION xq_rpt_learn(p_user uuid, t timestamptz, p_ym integer, p_course uuid, d_enrol integer, d_complete integer, d_seconds numeric) RETURNS void
LANGUAGE sql AS $$
  INSERT INTO rpt_learning AS x (scope, ym, module, stage, enrolments, completions, credited_seconds)
  SELECT p.scope, p_ym, c.module, coalesce(c.stages[1], ''), d_enrol, d_complete, d_seconds
    FROM courses c JOIN rpt_scope_path p ON p.unit = xq_rpt_home(p_user, t) AND p.depth <= 1
   WHERE c.id = p_course
   ORDER BY p.scope
  ON CONFLICT (scope, ym, module, stage) DO UPDATE SET enrolments = x.enrolments + excluded.enrolments,
    completions = x.completions + excluded.completions, credited_seconds = x.credited_seconds + excluded.credited_seconds;
$$;

CREATE FUNCTION xq_rpt_on_enrollment() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM xq_rpt_learn(NEW.user_id, NEW.enrolled_at, xq_cn_ym(NEW.enrolled_at), NEW.course_id, 1, 0, 0);
  ELSIF OLD.completed_at IS NOT DISTINCT FROM NEW.completed_at THEN
    RETURN NULL;
  ELSIF OLD.completed_at IS NOT NULL THEN
    PERFORM xq_rpt_learn(OLD.user_id, OLD.completed_at, xq_cn_ym(OLD.completed_at), OLD.course_id, 0, -1, 0);
  END IF;
  IF NEW.completed_at IS NOT NULL THEN
    PERFORM xq_rpt_learn(NEW.user_id, NEW.completed_at, xq_cn_ym(NEW.completed_at), NEW.course_id, 0, 1, 0);
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER rpt_enrollments AFTER INSERT OR UPDATE OF completed_at ON enrollments FOR EACH ROW EXECUTE FUNCTION xq_rpt_on_enrollment();

-- Credited seconds gained by a progress update count in the month of the latest statement of that lesson.
CREATE FUNCTION xq_rpt_on_progress() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  d numeric := NEW.credited_seconds - CASE WHEN TG_OP = 'UPDATE' THEN OLD.credited_seconds ELSE 0 END;
BEGIN
  IF d <> 0 THEN
    PERFORM xq_rpt_learn(NEW.user_id, NEW.updated_at, xq_cn_ym(coalesce(NEW.last_statement_at, NEW.updated_at)),
                         (SELECT course_id FROM lessons WHERE id = NEW.lesson_id), 0, 0, d);
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER rpt_progress AFTER INSERT OR UPDATE OF credited_seconds ON lesson_progress FOR EACH ROW EXECUTE FUNCTION xq_rpt_on_progress();

-- Adds (sign 1) or removes (sign -1) an event's share of the session counters, given its sign-up and check-in counts.
CREATE FUNCTION xq_rpt_event_apply(e events, s integer, a integer, sign integer) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  v_ym integer := xq_cn_ym(e.starts_at);
BEGIN
  IF e.status <> 'published' THEN
    RETURN;
  END IF;
  INSERT INTO rpt_sessions AS x (scope, ym, sessions, mh_sessions, held, mh_held, signups, attended)
  SELECT p.scope, v_ym, sign, sign * e.mental_health::int, sign * (a > 0)::int, sign * (e.mental_health AND a > 0)::int, sign * s, sign * a
    FROM rpt_scope_path p WHERE p.unit = coalesce(e.station_id, e.school_id) AND p.depth <= 1 ORDER BY p.scope
  ON CONFLICT (scope, ym) DO UPDATE SET sessions = x.sessions + excluded.sessions, mh_sessions = x.mh_sessions + excluded.mh_sessions,
    held = x.held + excluded.held, mh_held = x.mh_held + excluded.mh_held, signups = x.signups + excluded.signups, attended = x.attended + excluded.attended;
  IF e.station_id IS NOT NULL AND e.mental_health AND a > 0 THEN
    INSERT INTO rpt_station_month AS x (station_id, ym, mh_held) VALUES (e.station_id, v_ym, sign)
    ON CONFLICT (station_id, ym) DO UPDATE SET mh_held = x.mh_held + excluded.mh_held;
  END IF;
END
$$;

CREATE FUNCTION xq_rpt_on_event() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  c record;
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO rpt_event (event_id) VALUES (NEW.id) ON CONFLICT (event_id) DO NOTHING;
    PERFORM xq_rpt_event_apply(NEW, 0, 0, 1);
    RETURN NULL;
  END IF;
  IF (OLD.status, OLD.starts_at, OLD.mental_health, OLD.station_id, OLD.school_id)
     IS NOT DISTINCT FROM (NEW.status, NEW.starts_at, NEW.mental_health, NEW.station_id, NEW.school_id) THEN
    RETURN NULL;
  END IF;
  SELECT r.signups, r.attended INTO c FROM rpt_event r WHERE r.event_id = NEW.id FOR UPDATE;
  PERFORM xq_rpt_event_apply(OLD, c.signups, c.attended, -1);
  PERFORM xq_rpt_event_apply(NEW, c.signups, c.attended, 1);
  RETURN NULL;
END
$$;
CREATE TRIGGER rpt_events AFTER INSERT OR UPDATE ON events FOR EACH ROW EXECUTE FUNCTION xq_rpt_on_event();

-- A sign-up counts while confirmed; a check-in counts once checked in.
CREATE FUNCTION xq_rpt_on_signup() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  ds integer := (NEW.status = 'confirmed')::int - CASE WHEN TG_OP = 'UPDATE' THEN (OLD.status = 'confirmed')::int ELSE 0 END;
  da integer := (NEW.checked_in_at IS NOT NULL)::int - CASE WHEN TG_OP = 'UPDATE' THEN (OLD.checked_in_at IS NOT NULL)::int ELSE 0 END;
  c record;
  e events;
BEGIN
  IF ds = 0 AND da = 0 THEN
    RETURN NULL;
  END IF;
  UPDATE rpt_event SET signups = signups + ds, attended = attended + da WHERE event_id = NEW.event_id RETURNING signups, attended INTO c;
  SELECT * INTO e FROM events WHERE id = NEW.event_id;
  PERFORM xq_rpt_event_apply(e, c.signups - ds, c.attended - da, -1);
  PERFORM xq_rpt_event_apply(e, c.signups, c.attended, 1);
  RETURN NULL;
END
$$;
CREATE TRIGGER rpt_signups AFTER INSERT OR UPDATE OF status, checked_in_at ON event_signups FOR EACH ROW EXECUTE FUNCTION xq_rpt_on_signup();

-- Recomputes every rollup from the records, set-based; the triggers above must have produced the same rows (rows whose
-- counters are all zero aside).
CREATE FUNCTION xq_rpt_rebuild() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  LOCK TABLE learning_statements, lesson_progress, enrollments, events, event_signups IN SHARE MODE;
  TRUNCATE rpt_reach, rpt_reach_hist, rpt_learning, rpt_event, rpt_sessions, rpt_station_month;
  PERFORM xq_rpt_refresh_paths();

  INSERT INTO rpt_event (event_id, signups, attended)
  SELECT e.id, count(s.id) FILTER (WHERE s.status = 'confirmed'), count(s.id) FILTER (WHERE s.checked_in_at IS NOT NULL)
    FROM events e LEFT JOIN event_signups s ON s.event_id = e.id GROUP BY e.id;

  INSERT INTO rpt_sessions (scope, ym, sessions, mh_sessions, held, mh_held, signups, attended)
  SELECT p.scope, xq_cn_ym(e.starts_at), count(*), count(*) FILTER (WHERE e.mental_health), count(*) FILTER (WHERE r.attended > 0),
         count(*) FILTER (WHERE e.mental_health AND r.attended > 0), sum(r.signups), sum(r.attended)
    FROM events e JOIN rpt_event r ON r.event_id = e.id JOIN rpt_scope_path p ON p.unit = coalesce(e.station_id, e.school_id) AND p.depth <= 1
   WHERE e.status = 'published'
   GROUP BY p.scope, xq_cn_ym(e.starts_at);

  INSERT INTO rpt_station_month (station_id, ym, mh_held)
  SELECT e.station_id, xq_cn_ym(e.starts_at), count(*)
    FROM events e JOIN rpt_event r ON r.event_id = e.id
   WHERE e.status = 'published' AND e.mental_health AND e.station_id IS NOT NULL AND r.attended > 0
   GROUP BY e.station_id, xq_cn_ym(e.starts_at);

  INSERT INTO rpt_learning AS x (scope, ym, module, stage, enrolments, completions, credited_seconds)
  SELECT p.scope, v.ym, c.module, coalesce(c.stages[1], ''), sum(v.enrol), sum(v.complete), 0
    FROM (SELECT e.user_id, e.course_id, xq_cn_ym(e.enrolled_at) AS ym, xq_rpt_home(e.user_id, e.enrolled_at) AS home, 1 AS enrol, 0 AS complete FROM enrollments e
          UNION ALL
          SELECT e.user_id, e.course_id, xq_cn_ym(e.completed_at), xq_rpt_home(e.user_id, e.completed_at), 0, 1 FROM enrollments e WHERE e.completed_at IS NOT NULL) v
    JOIN courses c ON c.id = v.course_id JOIN rpt_scope_path p ON p.unit = v.home AND p.depth <= 1
   GROUP BY p.scope, v.ym, c.module, coalesce(c.stages[1], '');

  -- Learning seconds: replay each parent's statements of a lesson in arrival order; each statement adds the growth of the
  -- merged unique seconds (an article: its duration once read), in the month of the latest statement timestamp so far.
  INSERT INTO rpt_learning AS x (scope, ym, module, stage, enrolments, completions, credited_seconds)
  SELECT p.scope, g.ym, c.module, coalesce(c.stages[1], ''), 0, 0, sum(g.delta)
    FROM (
      SELECT r.user_id, r.course_id, r.stored_at, xq_cn_ym(r.last_at) AS ym,
             r.credited - coalesce(lag(r.credited) OVER (PARTITION BY r.user_id, r.lesson_id ORDER BY r.n), 0) AS delta
        FROM (
          SELECT ls.user_id, ls.object_id AS lesson_id, l.course_id, ls.stored_at,
                 row_number() OVER w AS n,
                 max(ls.timestamp) OVER w AS last_at,
                 (CASE WHEN l.kind = 'article' THEN CASE WHEN bool_or(ls.verb = 'read') OVER w THEN l.duration_seconds::double precision ELSE 0 END
                       ELSE xq_covered_seconds(xq_merge_segments(jsonb_path_query_array(jsonb_agg(ls.result -> 'segments') OVER w, '$[*][*]'), l.duration_seconds))
                  END)::text::numeric AS credited
            FROM learning_statements ls JOIN lessons l ON l.id = ls.object_id
           WHERE ls.object_type = 'lesson'
          WINDOW w AS (PARTITION BY ls.user_id, ls.object_id ORDER BY ls.stored_at, ls.timestamp, ls.id ROWS UNBOUNDED PRECEDING)
        ) r
    ) g
    JOIN courses c ON c.id = g.course_id JOIN rpt_scope_path p ON p.unit = xq_rpt_home(g.user_id, g.stored_at) AND p.depth <= 1
   WHERE g.delta <> 0
   GROUP BY p.scope, g.ym, c.module, coalesce(c.stages[1], '')
  ON CONFLICT (scope, ym, module, stage) DO UPDATE SET credited_seconds = x.credited_seconds + excluded.credited_seconds;

  INSERT INTO rpt_reach (scope, year, kind, entity, mask)
  WITH acts AS (
    SELECT DISTINCT ls.user_id, CASE WHEN ls.object_type = 'lesson' THEN 'online' ELSE 'attended' END AS kind, xq_cn_ym(ls.timestamp) AS ym, ls.stored_at
      FROM learning_statements ls WHERE ls.object_type = 'lesson' OR ls.verb = 'attended'
  ), reached AS (
    SELECT p.scope, a.ym, 'family' AS kind, s.id AS entity
      FROM acts a JOIN guardianships g ON g.user_id = a.user_id AND g.created_at <= a.stored_at AND (g.revoked_at IS NULL OR g.revoked_at > a.stored_at)
      JOIN students s ON s.id = g.student_id JOIN rpt_scope_path p ON p.unit = s.school_id
    UNION
    SELECT p.scope, a.ym, a.kind, a.user_id
      FROM acts a JOIN guardianships g ON g.user_id = a.user_id AND g.created_at <= a.stored_at AND (g.revoked_at IS NULL OR g.revoked_at > a.stored_at)
      JOIN students s ON s.id = g.student_id JOIN rpt_scope_path p ON p.unit = s.school_id
  )
  SELECT scope, ym / 100, kind, entity, bit_or(1 << (ym % 100 - 1)) FROM reached GROUP BY scope, ym / 100, kind, entity;

  INSERT INTO rpt_reach_hist (scope, year, kind, mask, n)
  SELECT scope, year, kind, mask, count(*) FROM rpt_reach GROUP BY scope, year, kind, mask;
END
$$;

SELECT xq_rpt_rebuild();
