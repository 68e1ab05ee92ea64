-- 011: families counted as households, and the open / close dates of stations and schools (issue 12).
--
-- Households. A household is a connected set of guardians and children: a component of the graph whose edges are the
-- active bindings (guardianships not revoked), so guardians bound to the same child are one household and a guardian
-- of two children is one household. Its id is the least member id (uuid order). rpt_household maps every student and
-- user that appears in a binding (active or revoked) to its household; a guardian whose bindings were all revoked is a
-- household of their own. 覆盖家庭 counts households: rpt_reach's 'family' rows are keyed by household instead of by
-- student. Placement is unchanged: an activity reaches its guardian's household in the scopes of the children that
-- guardian was bound to when it landed (their schools and the regions above).
--
-- One membership, applied to all history: the household of an activity is the household its guardian belongs to now.
-- When a binding joins two households (a guardian binds a second child, a second guardian binds a child), their rows
-- merge (month masks OR-ed), so a month in which both were reached now counts one household: the past is restated, as
-- the rebuild would count it. When a revocation splits a household, the parts' rows are recounted from the records of
-- their guardians. Both are done by the trigger on guardianships (xq_rpt_rehouse), and xq_rpt_rebuild computes the same.
--
-- Household completions. A household completes a course when any of its guardians does: rpt_household_course keeps the
-- first completion per household and course (the earliest completed_at, then the least user id) among the completions
-- that per-parent figures count (made while that guardian was bound to a child), placed like them at that guardian's
-- home school then. rpt_learning.household_completions counts them by the month of that first completion.
--
-- Locks. xq_rpt_reach's advisory lock ('xq_rpt_reach') now also guards the household map: a change of membership takes
-- it before reading the map, and a family bit is keyed by the household read after taking it, so a batch of statements
-- never writes a bit under a household id that a concurrent merge has just retired. A household's completions are
-- guarded by a lock per household id ('xq_rpt_household:<id>').

ALTER TABLE stations ADD COLUMN opened_on date, ADD COLUMN closed_on date,
  ADD CONSTRAINT stations_open_dates_chk CHECK (opened_on IS NULL OR closed_on IS NULL OR closed_on >= opened_on);
ALTER TABLE schools ADD COLUMN opened_on date, ADD COLUMN closed_on date,
  ADD CONSTRAINT schools_open_dates_chk CHECK (opened_on IS NULL OR closed_on IS NULL OR closed_on >= opened_on);

-- Edits of the registry by administrators (today: open / close dates): who, when, what before and after. Not personal
-- data and not part of the notices' HMAC chain; rows are only ever added.
CREATE TABLE registry_audit (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL,
  actor_id uuid NOT NULL REFERENCES users (id),
  entity_type text NOT NULL CHECK (entity_type IN ('school', 'station')),
  entity_id uuid NOT NULL,
  action text NOT NULL,
  before jsonb NOT NULL,
  after jsonb NOT NULL
);
CREATE INDEX registry_audit_entity_idx ON registry_audit (entity_id, id);

CREATE FUNCTION xq_registry_audit_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'registry_audit is append-only';
END
$$;
CREATE TRIGGER registry_audit_append_only BEFORE UPDATE OR DELETE ON registry_audit FOR EACH ROW EXECUTE FUNCTION xq_registry_audit_append_only();

CREATE TABLE rpt_household (
  member uuid PRIMARY KEY,
  household uuid NOT NULL
);
CREATE INDEX rpt_household_household_idx ON rpt_household (household);

CREATE TABLE rpt_household_course (
  household uuid NOT NULL,
  course_id uuid NOT NULL,
  user_id uuid NOT NULL,
  completed_at timestamptz NOT NULL,
  school_id uuid NOT NULL,
  PRIMARY KEY (household, course_id)
);

ALTER TABLE rpt_learning ADD COLUMN household_completions integer NOT NULL DEFAULT 0;
CREATE INDEX rpt_reach_family_idx ON rpt_reach (entity) WHERE kind = 'family';
-- A child's bindings, revoked ones included (whether a node is still in any binding; 001 indexes only the active ones).
CREATE INDEX guardianships_student_idx ON guardianships (student_id);

-- The households of the nodes reachable from the seeds over active bindings: each node with its component's least id.
CREATE FUNCTION xq_rpt_components(p_seeds uuid[]) RETURNS TABLE (member uuid, household uuid)
LANGUAGE sql STABLE AS $$
  WITH RECURSIVE walk(root, node) AS (
    SELECT s, s FROM unnest(p_seeds) AS s
    UNION
    SELECT w.root, x.node FROM walk w
     CROSS JOIN LATERAL (SELECT g.user_id AS node FROM guardianships g WHERE g.student_id = w.node AND g.revoked_at IS NULL
                         UNION ALL
                         SELECT g.student_id FROM guardianships g WHERE g.user_id = w.node AND g.revoked_at IS NULL) x
  ), roots AS (
    SELECT DISTINCT ON (root) root, node AS household FROM walk ORDER BY root, node
  )
  SELECT DISTINCT ON (w.node) w.node, r.household FROM walk w JOIN roots r ON r.root = w.root ORDER BY w.node, r.household
$$;

-- The family month masks of the given guardians' activity, counted from the records (as xq_rpt_rebuild does), keyed
-- by their households in rpt_household.
CREATE FUNCTION xq_rpt_family_reach(p_users uuid[]) RETURNS TABLE (scope uuid, year integer, entity uuid, mask integer)
LANGUAGE sql STABLE AS $$
  SELECT p.scope, a.ym / 100, h.household, bit_or(1 << (a.ym % 100 - 1))
    FROM (SELECT DISTINCT ls.user_id, xq_cn_ym(ls.timestamp) AS ym, ls.stored_at FROM learning_statements ls
           WHERE ls.user_id = ANY(p_users) AND (ls.object_type = 'lesson' OR ls.verb = 'attended')) a
    JOIN rpt_household h ON h.member = a.user_id
    JOIN guardianships g ON g.user_id = a.user_id AND g.created_at <= a.stored_at AND (g.revoked_at IS NULL OR g.revoked_at > a.stored_at)
    JOIN students s ON s.id = g.student_id JOIN rpt_scope_path p ON p.unit = s.school_id
   GROUP BY p.scope, a.ym / 100, h.household
$$;

-- Recomputes the first completion of each course for the given households (after dropping the rows of `p_drop`, the
-- households they replace), and moves household_completions in rpt_learning by the difference. `p_course` limits it
-- to one course (null: all). The caller holds the households' locks.
CREATE FUNCTION xq_rpt_hh_courses(p_drop uuid[], p_households uuid[], p_course uuid) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  o record;
  n record;
BEGIN
  WITH gone AS (
    DELETE FROM rpt_household_course WHERE household = ANY(p_drop || p_households) AND (p_course IS NULL OR course_id = p_course)
    RETURNING course_id, completed_at, school_id
  )
  SELECT array_agg(course_id) AS c, array_agg(xq_cn_ym(completed_at)) AS ym, array_agg(school_id) AS s INTO o FROM gone;
  WITH made AS (
    INSERT INTO rpt_household_course (household, course_id, user_id, completed_at, school_id)
    SELECT DISTINCT ON (m.household, e.course_id) m.household, e.course_id, e.user_id, e.completed_at, f.home
      FROM rpt_household m JOIN enrollments e ON e.user_id = m.member
      CROSS JOIN LATERAL (SELECT xq_rpt_home(e.user_id, e.completed_at) AS home) f
     WHERE m.household = ANY(p_households) AND e.completed_at IS NOT NULL AND f.home IS NOT NULL AND (p_course IS NULL OR e.course_id = p_course)
     ORDER BY m.household, e.course_id, e.completed_at, e.user_id
    RETURNING course_id, completed_at, school_id
  )
  SELECT array_agg(course_id) AS c, array_agg(xq_cn_ym(completed_at)) AS ym, array_agg(school_id) AS s INTO n FROM made;
  INSERT INTO rpt_learning AS x (scope, ym, module, stage, household_completions)
  SELECT p.scope, d.ym, c.module, coalesce(c.stages[1], ''), sum(d.d)::int
    FROM (SELECT z.c, z.ym, z.s, sum(z.d) AS d
            FROM (SELECT u.c, u.ym, u.s, -1 AS d FROM unnest(o.c, o.ym, o.s) AS u(c, ym, s)
                  UNION ALL SELECT u.c, u.ym, u.s, 1 FROM unnest(n.c, n.ym, n.s) AS u(c, ym, s)) z
           GROUP BY z.c, z.ym, z.s HAVING sum(z.d) <> 0) d
    JOIN courses c ON c.id = d.c JOIN rpt_scope_path p ON p.unit = d.s AND p.depth <= 1
   GROUP BY p.scope, d.ym, c.module, coalesce(c.stages[1], '')
  HAVING sum(d.d) <> 0
   ORDER BY 1, 2, 3, 4
  ON CONFLICT (scope, ym, module, stage) DO UPDATE SET household_completions = x.household_completions + excluded.household_completions;
END
$$;

-- Re-derives the households around the seeds (the ends of a binding that was added, revoked or deleted) and keeps the
-- family rollups equal to a rebuild: a merge ORs the month masks of the households it joins; a split (or a member that
-- left every binding) recounts the parts from their guardians' records. Household completions are recomputed from the
-- members' enrolments. Nothing is written when the map does not change (a binding inside one household).
CREATE FUNCTION xq_rpt_rehouse(p_seeds uuid[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  v_old uuid[];
  v_nodes uuid[];
  v_new uuid[];
  nm uuid[];
  nh uuid[];
  rest uuid[];
  v_split boolean;
  g record;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended('xq_rpt_reach', 0));
  SELECT array_agg(c.member), array_agg(c.household) INTO nm, nh FROM xq_rpt_components(p_seeds) c;
  v_old := ARRAY(SELECT DISTINCT h.household FROM rpt_household h WHERE h.member = ANY(nm || p_seeds));
  v_nodes := ARRAY(SELECT DISTINCT x FROM unnest(nm || p_seeds || ARRAY(SELECT h.member FROM rpt_household h WHERE h.household = ANY(v_old))) AS x);
  -- Members of the old households that no walk from the seeds reached (not after a single binding changed; kept for safety).
  rest := ARRAY(SELECT x FROM unnest(v_nodes) AS x WHERE x <> ALL(nm));
  IF cardinality(rest) > 0 THEN
    SELECT nm || array_agg(c.member), nh || array_agg(c.household) INTO nm, nh FROM xq_rpt_components(rest) c WHERE c.member <> ALL(nm);
  END IF;
  -- Only nodes that still appear in some binding keep a household.
  SELECT array_agg(n.m ORDER BY n.m), array_agg(n.h ORDER BY n.m) INTO nm, nh FROM unnest(nm, nh) AS n(m, h)
   WHERE EXISTS (SELECT 1 FROM guardianships x WHERE x.student_id = n.m) OR EXISTS (SELECT 1 FROM guardianships x WHERE x.user_id = n.m);
  nm := coalesce(nm, '{}');
  nh := coalesce(nh, '{}');
  IF NOT EXISTS (
    SELECT 1 FROM unnest(nm, nh) AS n(m, h) FULL JOIN (SELECT h.member, h.household FROM rpt_household h WHERE h.member = ANY(v_nodes)) o ON o.member = n.m
     WHERE n.h IS DISTINCT FROM o.household
  ) THEN
    RETURN;
  END IF;
  v_new := ARRAY(SELECT DISTINCT x FROM unnest(nh) AS x);
  v_split := EXISTS (
    SELECT 1 FROM rpt_household o LEFT JOIN unnest(nm, nh) AS n(m, h) ON n.m = o.member
     WHERE o.household = ANY(v_old) GROUP BY o.household HAVING count(DISTINCT coalesce(n.h, o.member)) > 1 OR bool_or(n.h IS NULL)
  );
  PERFORM pg_advisory_xact_lock(hashtextextended('xq_rpt_household:' || k.id::text, 0))
     FROM (SELECT DISTINCT x AS id FROM unnest(v_old || v_new) AS x ORDER BY 1) k;

  DELETE FROM rpt_household WHERE member = ANY(v_nodes) OR household = ANY(v_old);
  INSERT INTO rpt_household (member, household) SELECT n.m, n.h FROM unnest(nm, nh) AS n(m, h);

  WITH gone AS (
    DELETE FROM rpt_reach WHERE kind = 'family' AND entity = ANY(v_old || v_new) RETURNING scope, year, entity, mask
  )
  SELECT array_agg(scope) AS scope, array_agg(year) AS year, array_agg(entity) AS entity, array_agg(mask) AS mask INTO g FROM gone;
  IF v_split THEN
    INSERT INTO rpt_reach (scope, year, kind, entity, mask)
    SELECT f.scope, f.year, 'family', f.entity, f.mask FROM xq_rpt_family_reach(v_nodes) f WHERE f.entity = ANY(v_new)
     ORDER BY 1, 2, 4;
  ELSE
    INSERT INTO rpt_reach (scope, year, kind, entity, mask)
    SELECT r.scope, r.year, 'family', n.h, bit_or(r.mask)
      FROM unnest(g.scope, g.year, g.entity, g.mask) AS r(scope, year, entity, mask) JOIN unnest(nm, nh) AS n(m, h) ON n.m = r.entity
     GROUP BY r.scope, r.year, n.h ORDER BY 1, 2, 4;
  END IF;
  INSERT INTO rpt_reach_hist AS h (scope, year, kind, mask, n)
  SELECT z.scope, z.year, 'family', z.mask, sum(z.d)::int
    FROM (SELECT r.scope, r.year, r.mask, -1 AS d FROM unnest(g.scope, g.year, g.mask) AS r(scope, year, mask)
          UNION ALL SELECT r.scope, r.year, r.mask, 1 FROM rpt_reach r WHERE r.kind = 'family' AND r.entity = ANY(v_new)) z
   GROUP BY z.scope, z.year, z.mask HAVING sum(z.d) <> 0 ORDER BY 1, 2, 4
  ON CONFLICT (scope, year, kind, mask) DO UPDATE SET n = h.n + excluded.n;

  PERFORM xq_rpt_hh_courses(v_old, v_new, NULL);
END
$$;

CREATE FUNCTION xq_rpt_on_guardianship() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM xq_rpt_rehouse(ARRAY[NEW.student_id, NEW.user_id]);
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM xq_rpt_rehouse(ARRAY[OLD.student_id, OLD.user_id]);
  ELSIF (OLD.revoked_at IS NULL) <> (NEW.revoked_at IS NULL) OR OLD.student_id <> NEW.student_id OR OLD.user_id <> NEW.user_id THEN
    PERFORM xq_rpt_rehouse(ARRAY[OLD.student_id, OLD.user_id, NEW.student_id, NEW.user_id]);
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER rpt_guardianships AFTER INSERT OR UPDATE OF revoked_at, student_id, user_id OR DELETE ON guardianships
  FOR EACH ROW EXECUTE FUNCTION xq_rpt_on_guardianship();

-- The household of a guardian, with its lock taken (re-read after the lock, in case a merge retired the id meanwhile);
-- null for a user never bound.
CREATE FUNCTION xq_rpt_lock_household(p_user uuid) RETURNS uuid
LANGUAGE plpgsql AS $$
DECLARE
  h uuid;
BEGIN
  LOOP
    h := (SELECT r.household FROM rpt_household r WHERE r.member = p_user);
    IF h IS NULL THEN
      RETURN NULL;
    END IF;
    PERFORM pg_advisory_xact_lock(hashtextextended('xq_rpt_household:' || h::text, 0));
    IF h = (SELECT r.household FROM rpt_household r WHERE r.member = p_user) THEN
      RETURN h;
    END IF;
  END LOOP;
END
$$;

-- 007's enrolment trigger, now also keeping the household's first completion of the course.
CREATE OR REPLACE FUNCTION xq_rpt_on_enrollment() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  h uuid;
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.completed_at IS NOT DISTINCT FROM NEW.completed_at THEN
    RETURN NULL;
  END IF;
  IF NEW.completed_at IS NOT NULL OR (TG_OP = 'UPDATE' AND OLD.completed_at IS NOT NULL) THEN
    h := xq_rpt_lock_household(NEW.user_id);
  END IF;
  IF TG_OP = 'INSERT' THEN
    PERFORM xq_rpt_learn(NEW.user_id, NEW.enrolled_at, xq_cn_ym(NEW.enrolled_at), NEW.course_id, 1, 0, 0);
  ELSIF OLD.completed_at IS NOT NULL THEN
    PERFORM xq_rpt_learn(OLD.user_id, OLD.completed_at, xq_cn_ym(OLD.completed_at), OLD.course_id, 0, -1, 0);
  END IF;
  IF NEW.completed_at IS NOT NULL THEN
    PERFORM xq_rpt_learn(NEW.user_id, NEW.completed_at, xq_cn_ym(NEW.completed_at), NEW.course_id, 0, 1, 0);
  END IF;
  IF h IS NOT NULL THEN
    PERFORM xq_rpt_hh_courses('{}', ARRAY[h], NEW.course_id);
  END IF;
  RETURN NULL;
END
$$;

-- Sets a month bit for a parent's kind ('online', 'attended') or for their household ('family'), the household read
-- under the lock that its merges take.
CREATE FUNCTION xq_rpt_reach_of(p_scope uuid, p_year integer, p_kind text, p_user uuid, p_bit integer) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  e uuid := p_user;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended('xq_rpt_reach', 0));
  IF p_kind = 'family' THEN
    e := (SELECT r.household FROM rpt_household r WHERE r.member = p_user);
    IF e IS NULL THEN
      RETURN;
    END IF;
  END IF;
  PERFORM xq_rpt_reach(p_scope, p_year, p_kind, e, p_bit);
END
$$;

-- 008's statement trigger with the family entity a household: one more index probe per parent of the batch.
CREATE OR REPLACE FUNCTION xq_rpt_on_statements() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  a record;
  h uuid;
BEGIN
  FOR a IN
    SELECT DISTINCT n.user_id, n.stored_at, xq_cn_ym(n.timestamp) AS ym,
           CASE WHEN n.object_type = 'lesson' THEN 'online' ELSE 'attended' END AS kind
      FROM new_statements n WHERE n.object_type = 'lesson' OR n.verb = 'attended'
     ORDER BY 1, 2, 3, 4
  LOOP
    h := (SELECT r.household FROM rpt_household r WHERE r.member = a.user_id);
    PERFORM xq_rpt_reach_of(c.scope, a.ym / 100, c.kind, a.user_id, 1 << (a.ym % 100 - 1))
       FROM (SELECT DISTINCT p.scope, k.kind, CASE WHEN k.kind = 'family' THEN h ELSE a.user_id END AS entity
               FROM xq_rpt_children(a.user_id, a.stored_at) ch JOIN rpt_scope_path p ON p.unit = ch.school_id
               CROSS JOIN (VALUES ('family'), (a.kind)) AS k(kind)) c
      WHERE c.entity IS NOT NULL
        AND coalesce((SELECT q.mask FROM rpt_reach q WHERE q.scope = c.scope AND q.year = a.ym / 100 AND q.kind = c.kind AND q.entity = c.entity
                       LIMIT 1), 0) & (1 << (a.ym % 100 - 1)) = 0
      ORDER BY c.scope, c.kind, c.entity;
  END LOOP;
  RETURN NULL;
END
$$;

-- 007's rebuild with households: the map by label propagation over active bindings (each node takes the least label of
-- its neighbours until none changes: as many rounds as the widest household is across), family rows keyed by household,
-- and the first completion of each household and course.
CREATE OR REPLACE FUNCTION xq_rpt_rebuild() RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  k integer;
BEGIN
  LOCK TABLE learning_statements, lesson_progress, enrollments, events, event_signups, guardianships IN SHARE MODE;
  TRUNCATE rpt_reach, rpt_reach_hist, rpt_learning, rpt_event, rpt_sessions, rpt_station_month, rpt_household, rpt_household_course;
  PERFORM xq_rpt_refresh_paths();

  DROP TABLE IF EXISTS xq_hh_edge, xq_hh_node;
  CREATE TEMP TABLE xq_hh_edge ON COMMIT DROP AS
    SELECT student_id AS a, user_id AS b FROM guardianships WHERE revoked_at IS NULL
    UNION ALL SELECT user_id, student_id FROM guardianships WHERE revoked_at IS NULL;
  CREATE INDEX ON xq_hh_edge (a);
  CREATE TEMP TABLE xq_hh_node ON COMMIT DROP AS
    SELECT n.node, n.node AS label FROM (SELECT student_id AS node FROM guardianships UNION SELECT user_id FROM guardianships) n;
  CREATE UNIQUE INDEX ON xq_hh_node (node);
  ANALYZE xq_hh_edge;
  ANALYZE xq_hh_node;
  LOOP
    UPDATE xq_hh_node l SET label = m.label
      FROM (SELECT DISTINCT ON (e.a) e.a AS node, n.label FROM xq_hh_edge e JOIN xq_hh_node n ON n.node = e.b ORDER BY e.a, n.label) m
     WHERE l.node = m.node AND m.label < l.label;
    GET DIAGNOSTICS k = ROW_COUNT;
    EXIT WHEN k = 0;
  END LOOP;
  INSERT INTO rpt_household (member, household) SELECT node, label FROM xq_hh_node;
  DROP TABLE xq_hh_edge, xq_hh_node;

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

  INSERT INTO rpt_household_course (household, course_id, user_id, completed_at, school_id)
  SELECT DISTINCT ON (h.household, e.course_id) h.household, e.course_id, e.user_id, e.completed_at, f.home
    FROM enrollments e JOIN rpt_household h ON h.member = e.user_id
    CROSS JOIN LATERAL (SELECT xq_rpt_home(e.user_id, e.completed_at) AS home) f
   WHERE e.completed_at IS NOT NULL AND f.home IS NOT NULL
   ORDER BY h.household, e.course_id, e.completed_at, e.user_id;

  INSERT INTO rpt_learning AS x (scope, ym, module, stage, household_completions)
  SELECT p.scope, xq_cn_ym(hc.completed_at), c.module, coalesce(c.stages[1], ''), count(*)
    FROM rpt_household_course hc JOIN courses c ON c.id = hc.course_id JOIN rpt_scope_path p ON p.unit = hc.school_id AND p.depth <= 1
   GROUP BY p.scope, xq_cn_ym(hc.completed_at), c.module, coalesce(c.stages[1], '')
  ON CONFLICT (scope, ym, module, stage) DO UPDATE SET household_completions = x.household_completions + excluded.household_completions;

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
    SELECT p.scope, a.ym, 'family' AS kind, h.household AS entity
      FROM acts a JOIN guardianships g ON g.user_id = a.user_id AND g.created_at <= a.stored_at AND (g.revoked_at IS NULL OR g.revoked_at > a.stored_at)
      JOIN students s ON s.id = g.student_id JOIN rpt_scope_path p ON p.unit = s.school_id
      JOIN rpt_household h ON h.member = a.user_id
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
