-- 021: a linear rollup rebuild that runs while the service takes writes (issue 17). Same rows as before (as the
-- incremental triggers keep), computed differently:
--
-- Linear. 016's rebuild re-aggregated every earlier statement of a (parent, lesson) for each statement (a window
-- jsonb_agg, then the plpgsql xq_merge_segments over the whole prefix: quadratic in statements per lesson) and looked
-- up each statement's home school with a per-row function. Now: a statement's segments become integer-centisecond
-- ranges (xq_rpt_seg_cs, the clamp and half-up rounding of xq_merge_segments), and one sorted pass per (parent, lesson)
-- keeps a running union of them (xq_rpt_union, an aggregate over the built-in multirange union: each step costs the
-- pieces covered so far, not the statements so far). Credit only needs reading where the (home school, month) that a
-- gain is counted under changes, so lengths are taken at those run ends. Home schools and children come from each
-- guardian's binding epochs (xq_rb_epoch: the spans in which their valid bindings do not change), joined by hash, not
-- looked up per row. Households by label propagation as before. Each rollup table is written once, into a shadow
-- table without indexes, which are built after it is filled.
--
-- Online. xq_rpt_rebuild() takes no lock on the record tables while it computes; rebuild.ts runs it in three
-- transactions:
--   1. xq_rpt_rebuild_begin(): a brief SHARE lock on the record tables (waits for the writes in flight, then lets
--      writers go again) and the run flag. From then on every write that moves a big rollup (a learning statement, an
--      enrolment or completion, a binding) also appends its key to rpt_rebuild_journal (triggers below).
--   2. xq_rpt_rebuild_build(), REPEATABLE READ: builds the shadow tables from one snapshot and marks the journal rows
--      that snapshot already holds (seen). Minutes at province size; writers are not blocked.
--   3. xq_rpt_rebuild_finish(): SHARE lock on the record tables (writers wait: this transaction is short), swaps the
--      shadows in (drop and rename), recomputes the small rollups (scope paths, sessions, events, station months) in
--      place, and re-applies the writes the snapshot missed (the unseen journal rows) with the incremental rules: the
--      month bits of those parents' statements OR-ed in, their credited seconds recounted as all their statements minus
--      the ones the snapshot had, enrolment and completion deltas, xq_rpt_rehouse for changed bindings and
--      xq_rpt_hh_courses for changed completions. Then the flag is cleared.
-- Lock at the swap and recompute the delta, rather than per region: households and the regions above span regions, and
-- the delta of a few minutes of writes is small next to a rebuild. A write journaled between the flag and the snapshot
-- is in the snapshot (seen) and not applied twice.
--
-- Dead since this migration: the xq_rpt_rebuild bodies of 007, 011 and 016 (replaced here), and with them the only
-- callers of 003's xq_merge_segments and xq_covered_seconds (kept, tests compare them with segments.ts).

-- The run flag (one row while a rebuild is under way) and the keys of the writes made meanwhile.
CREATE TABLE rpt_rebuild_run (
  id boolean PRIMARY KEY DEFAULT true CHECK (id),
  started_at timestamptz NOT NULL
);
CREATE TABLE rpt_rebuild_journal (
  id bigserial PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('statement', 'enrol', 'complete', 'binding')),
  user_id uuid,
  course_id uuid,
  statement_id uuid,
  seeds uuid[],
  old_at timestamptz,
  new_at timestamptz,
  seen boolean NOT NULL DEFAULT false
);

CREATE OR REPLACE FUNCTION xq_rpt_journal_statements() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM rpt_rebuild_run) THEN
    INSERT INTO rpt_rebuild_journal (kind, user_id, statement_id)
    SELECT 'statement', n.user_id, n.id FROM new_statements n WHERE n.object_type = 'lesson' OR n.verb = 'attended';
  END IF;
  RETURN NULL;
END
$$;
DROP TRIGGER IF EXISTS rpt_rebuild_statements ON learning_statements;
CREATE TRIGGER rpt_rebuild_statements AFTER INSERT ON learning_statements REFERENCING NEW TABLE AS new_statements
  FOR EACH STATEMENT EXECUTE FUNCTION xq_rpt_journal_statements();

CREATE OR REPLACE FUNCTION xq_rpt_journal_enrollment() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM rpt_rebuild_run) THEN
    RETURN NULL;
  END IF;
  IF TG_OP = 'INSERT' THEN
    INSERT INTO rpt_rebuild_journal (kind, user_id, course_id, new_at) VALUES ('enrol', NEW.user_id, NEW.course_id, NEW.enrolled_at);
    IF NEW.completed_at IS NOT NULL THEN
      INSERT INTO rpt_rebuild_journal (kind, user_id, course_id, new_at) VALUES ('complete', NEW.user_id, NEW.course_id, NEW.completed_at);
    END IF;
  ELSIF OLD.completed_at IS DISTINCT FROM NEW.completed_at THEN
    INSERT INTO rpt_rebuild_journal (kind, user_id, course_id, old_at, new_at) VALUES ('complete', NEW.user_id, NEW.course_id, OLD.completed_at, NEW.completed_at);
  END IF;
  RETURN NULL;
END
$$;
DROP TRIGGER IF EXISTS rpt_rebuild_enrollments ON enrollments;
CREATE TRIGGER rpt_rebuild_enrollments AFTER INSERT OR UPDATE OF completed_at ON enrollments
  FOR EACH ROW EXECUTE FUNCTION xq_rpt_journal_enrollment();

CREATE OR REPLACE FUNCTION xq_rpt_journal_binding() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM rpt_rebuild_run) THEN
    INSERT INTO rpt_rebuild_journal (kind, seeds) VALUES ('binding', CASE TG_OP
      WHEN 'INSERT' THEN ARRAY[NEW.student_id, NEW.user_id]
      WHEN 'DELETE' THEN ARRAY[OLD.student_id, OLD.user_id]
      ELSE ARRAY[OLD.student_id, OLD.user_id, NEW.student_id, NEW.user_id] END);
  END IF;
  RETURN NULL;
END
$$;
DROP TRIGGER IF EXISTS rpt_rebuild_guardianships ON guardianships;
CREATE TRIGGER rpt_rebuild_guardianships AFTER INSERT OR UPDATE OF revoked_at, revoke_reason, student_id, user_id, created_at OR DELETE ON guardianships
  FOR EACH ROW EXECUTE FUNCTION xq_rpt_journal_binding();

-- Seconds to whole centiseconds as xq_round_cs rounds them (x = seconds * 100 in double precision; halves up).
CREATE OR REPLACE FUNCTION xq_rpt_cs(x double precision) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT (CASE WHEN x - floor(x) >= 0.5 THEN ceil(x) ELSE floor(x) END)::bigint
$$;

-- A statement's segments as xq_merge_segments takes them, in integer centiseconds: each clamped to
-- [0, duration], its ends rounded as xq_round_cs rounds, empty ones dropped. (xq_rpt_rb_credit reads the common single
-- segment directly, with the same clamp and xq_rpt_cs, and comes here for several.)
CREATE OR REPLACE FUNCTION xq_rpt_seg_cs(segments jsonb, duration double precision) RETURNS TABLE (lo bigint, hi bigint)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT xq_rpt_cs(x.s), xq_rpt_cs(x.e)
    FROM (SELECT greatest(0, least((v ->> 0)::double precision, duration)) * 100 AS s,
                 greatest(0, least((v ->> 1)::double precision, duration)) * 100 AS e
            FROM jsonb_array_elements(CASE WHEN jsonb_typeof(segments) = 'array' THEN segments ELSE '[]'::jsonb END) AS v) x
   WHERE xq_rpt_cs(x.e) > xq_rpt_cs(x.s)
$$;

-- The union of centisecond multiranges (as a window aggregate: the running union of a lesson's segments).
CREATE OR REPLACE AGGREGATE xq_rpt_union(int8multirange) (SFUNC = multirange_union, STYPE = int8multirange);

-- Total length of a multirange.
CREATE OR REPLACE FUNCTION xq_rpt_mr_len(m int8multirange) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT coalesce(sum(upper(r) - lower(r)), 0)::bigint FROM unnest(m) AS r
$$;

-- Fills the temp table xq_rb_epoch with the binding epochs of the given guardians (null: all): the spans [lo, hi) in
-- which the set of their valid bindings does not change (bounded by the creations and revocations of their bindings),
-- each with its home school (that of the earliest binding then valid, as xq_rpt_home). Spans with no valid binding
-- are left out, as is activity before a guardian's first binding.
CREATE OR REPLACE FUNCTION xq_rpt_rb_epochs(p_users uuid[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  DROP TABLE IF EXISTS xq_rb_epoch;
  CREATE TEMP TABLE xq_rb_epoch ON COMMIT DROP AS
  SELECT DISTINCT ON (e.user_id, e.lo) e.user_id, e.lo, e.hi, s.school_id AS home
    FROM (SELECT b.user_id, b.at AS lo, lead(b.at) OVER (PARTITION BY b.user_id ORDER BY b.at) AS hi
            FROM (SELECT g.user_id, g.created_at AS at FROM guardianships g WHERE p_users IS NULL OR g.user_id = ANY(p_users)
                  UNION
                  SELECT g.user_id, g.revoked_at FROM guardianships g WHERE g.revoked_at IS NOT NULL AND (p_users IS NULL OR g.user_id = ANY(p_users))) b) e
    JOIN guardianships g ON g.user_id = e.user_id AND g.created_at <= e.lo AND (g.revoked_at IS NULL OR g.revoked_at > e.lo)
    JOIN students s ON s.id = g.student_id
   ORDER BY e.user_id, e.lo, g.created_at, g.id;
  ANALYZE xq_rb_epoch;
END
$$;

-- Fills the temp table xq_rb_reach with the month masks of the given guardians' activity (null: all; xq_rb_epoch must
-- hold their epochs): per scope (each child's school then and the regions above), year, kind ('online' for lesson
-- statements, 'attended' for check-ins) and guardian. A household's family mask is the OR of its guardians' rows.
CREATE OR REPLACE FUNCTION xq_rpt_rb_reach(p_users uuid[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  DROP TABLE IF EXISTS xq_rb_reach;
  CREATE TEMP TABLE xq_rb_reach ON COMMIT DROP AS
  WITH months AS (
    -- China-time months as truncated timestamps (xq_cn_ym's year and month, without its numeric arithmetic per row).
    SELECT e.user_id, e.lo, a.kind, a.m
      FROM (SELECT ls.user_id, ls.stored_at, CASE WHEN ls.object_type = 'lesson' THEN 'online' ELSE 'attended' END AS kind,
                   date_trunc('month', (ls.timestamp AT TIME ZONE 'UTC') + interval '8 hours') AS m
              FROM learning_statements ls
             WHERE (ls.object_type = 'lesson' OR ls.verb = 'attended') AND (p_users IS NULL OR ls.user_id = ANY(p_users))) a
      JOIN xq_rb_epoch e ON e.user_id = a.user_id AND a.stored_at >= e.lo AND (e.hi IS NULL OR a.stored_at < e.hi)
     GROUP BY e.user_id, e.lo, a.kind, a.m
  ), acts AS (
    SELECT m.user_id, m.lo, m.kind, extract(year FROM m.m)::integer AS year, bit_or(1 << (extract(month FROM m.m)::integer - 1)) AS mask
      FROM months m GROUP BY 1, 2, 3, 4
  )
  SELECT p.scope, a.year, a.kind, a.user_id, bit_or(a.mask) AS mask
    FROM acts a JOIN guardianships g ON g.user_id = a.user_id AND g.created_at <= a.lo AND (g.revoked_at IS NULL OR g.revoked_at > a.lo)
    JOIN students s ON s.id = g.student_id JOIN rpt_scope_path p ON p.unit = s.school_id
   GROUP BY p.scope, a.year, a.kind, a.user_id;
END
$$;

-- Fills the temp table xq_rb_credit with the credited-second gains of the given guardians' lesson statements (null:
-- all; xq_rb_epoch must hold their epochs) per home school, month and course, replaying each (parent, lesson) in
-- arrival order (stored_at, timestamp, id): a statement's gain is the growth of the union of the segments so far (an
-- article: its duration, from the first 'read'), counted in the month of the latest statement timestamp so far and at
-- the home school when it was stored. With p_before, the statements journaled since the rebuild's snapshot are left
-- out (what the snapshot counted). Gains only need adding up per (home, month), so the statements are cut into runs
-- with the same (home, month) in one sorted pass; each run's segments are unioned once (range_agg), and the runs of a
-- lesson (one in most cases, a few across months) are chained by a running union (xq_rpt_union) whose length is the
-- credit at the end of each run.
CREATE OR REPLACE FUNCTION xq_rpt_rb_credit(p_users uuid[], p_before boolean) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  DROP TABLE IF EXISTS xq_rb_credit;
  CREATE TEMP TABLE xq_rb_credit ON COMMIT DROP AS
  SELECT z.home, (extract(year FROM z.m) * 100 + extract(month FROM z.m))::integer AS ym, z.course_id, sum(z.gain) AS seconds
    FROM (
      SELECT c.home, c.m, c.course_id,
             c.credited - coalesce(lag(c.credited) OVER (PARTITION BY c.user_id, c.lesson_id ORDER BY c.run), 0) AS gain
        FROM (
          SELECT u.user_id, u.lesson_id, u.run, u.home, u.m, l.course_id,
                 CASE WHEN l.kind = 'article' THEN CASE WHEN bool_or(u.read) OVER o THEN l.duration_seconds::numeric ELSE 0 END
                      ELSE xq_rpt_mr_len(xq_rpt_union(u.covered) OVER o) / 100.0 END AS credited
            FROM (
              SELECT r.user_id, r.lesson_id, r.run, r.home, r.m, bool_or(r.is_read) AS read, range_agg(r.piece) AS covered
                FROM (
                  SELECT q.*, sum(q.run_start) OVER w AS run
                    FROM (
                      SELECT p.*, CASE WHEN (lag(p.home) OVER w, lag(p.m) OVER w) IS NOT DISTINCT FROM (p.home, p.m) AND lag(p.id) OVER w IS NOT NULL THEN 0 ELSE 1 END AS run_start
                        FROM (
                          SELECT s.user_id, s.lesson_id, s.home, s.stored_at, s.timestamp, s.id, s.is_read, s.piece,
                                 date_trunc('month', (max(s.timestamp) OVER w AT TIME ZONE 'UTC') + interval '8 hours') AS m
                            FROM (
                              SELECT ls.user_id, ls.object_id AS lesson_id, e.home, ls.stored_at, ls.timestamp, ls.id, ls.verb = 'read' AS is_read,
                                     CASE WHEN l.kind = 'article' OR jsonb_typeof(ls.result -> 'segments') <> 'array' THEN NULL
                                          WHEN jsonb_array_length(ls.result -> 'segments') = 1 THEN
                                            CASE WHEN one.hi > one.lo THEN int8multirange(int8range(one.lo, one.hi)) END
                                          ELSE (SELECT range_agg(int8range(c.lo, c.hi)) FROM xq_rpt_seg_cs(ls.result -> 'segments', l.duration_seconds) c) END AS piece
                                FROM learning_statements ls JOIN lessons l ON l.id = ls.object_id
                                LEFT JOIN xq_rb_epoch e ON e.user_id = ls.user_id AND ls.stored_at >= e.lo AND (e.hi IS NULL OR ls.stored_at < e.hi)
                                -- The first segment's ends, each parsed once (OFFSET 0 keeps the planner from copying the expression into every use).
                                CROSS JOIN LATERAL (SELECT xq_rpt_cs(x.s) AS lo, xq_rpt_cs(x.e) AS hi
                                                      FROM (SELECT greatest(0, least((ls.result -> 'segments' -> 0 ->> 0)::double precision, l.duration_seconds)) * 100 AS s,
                                                                   greatest(0, least((ls.result -> 'segments' -> 0 ->> 1)::double precision, l.duration_seconds)) * 100 AS e
                                                             OFFSET 0) x) AS one
                               WHERE ls.object_type = 'lesson' AND (p_users IS NULL OR ls.user_id = ANY(p_users))
                                 AND NOT (p_before AND EXISTS (SELECT 1 FROM rpt_rebuild_journal j WHERE j.kind = 'statement' AND j.statement_id = ls.id AND NOT j.seen))
                            ) s
                          WINDOW w AS (PARTITION BY s.user_id, s.lesson_id ORDER BY s.stored_at, s.timestamp, s.id ROWS UNBOUNDED PRECEDING)
                        ) p
                      WINDOW w AS (PARTITION BY p.user_id, p.lesson_id ORDER BY p.stored_at, p.timestamp, p.id ROWS UNBOUNDED PRECEDING)
                    ) q
                  WINDOW w AS (PARTITION BY q.user_id, q.lesson_id ORDER BY q.stored_at, q.timestamp, q.id ROWS UNBOUNDED PRECEDING)
                ) r
               GROUP BY r.user_id, r.lesson_id, r.run, r.home, r.m
            ) u
            JOIN lessons l ON l.id = u.lesson_id
          WINDOW o AS (PARTITION BY u.user_id, u.lesson_id ORDER BY u.run ROWS UNBOUNDED PRECEDING)
        ) c
    ) z
   WHERE z.home IS NOT NULL AND z.gain <> 0
   GROUP BY z.home, z.m, z.course_id;
END
$$;

-- Starts a rebuild: waits for the writes in flight (a brief SHARE lock), raises the flag that makes writes journal
-- their keys, and drops what an interrupted rebuild left.
CREATE OR REPLACE FUNCTION xq_rpt_rebuild_begin() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  LOCK TABLE learning_statements, lesson_progress, enrollments, events, event_signups, guardianships IN SHARE MODE;
  DELETE FROM rpt_rebuild_journal;
  DELETE FROM rpt_rebuild_run;
  INSERT INTO rpt_rebuild_run (started_at) VALUES (clock_timestamp());
  DROP TABLE IF EXISTS rpt_reach_next, rpt_reach_hist_next, rpt_learning_next, rpt_household_next, rpt_household_course_next;
END
$$;

-- Ends a rebuild that failed: lowers the flag and drops the shadow tables.
CREATE OR REPLACE FUNCTION xq_rpt_rebuild_abort() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM rpt_rebuild_run;
  DELETE FROM rpt_rebuild_journal;
  DROP TABLE IF EXISTS rpt_reach_next, rpt_reach_hist_next, rpt_learning_next, rpt_household_next, rpt_household_course_next;
END
$$;

-- Builds the shadow rollups (rpt_*_next) from the records as this transaction sees them (run it REPEATABLE READ), and
-- marks the journal rows already in that snapshot. Takes no lock on the record tables.
CREATE OR REPLACE FUNCTION xq_rpt_rebuild_build() RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  k integer;
BEGIN
  SET LOCAL work_mem = '512MB';
  UPDATE rpt_rebuild_journal SET seen = true WHERE NOT seen;
  DROP TABLE IF EXISTS rpt_reach_next, rpt_reach_hist_next, rpt_learning_next, rpt_household_next, rpt_household_course_next;
  CREATE TABLE rpt_reach_next (LIKE rpt_reach INCLUDING DEFAULTS INCLUDING CONSTRAINTS);
  CREATE TABLE rpt_reach_hist_next (LIKE rpt_reach_hist INCLUDING DEFAULTS INCLUDING CONSTRAINTS);
  CREATE TABLE rpt_learning_next (LIKE rpt_learning INCLUDING DEFAULTS INCLUDING CONSTRAINTS);
  CREATE TABLE rpt_household_next (LIKE rpt_household INCLUDING DEFAULTS INCLUDING CONSTRAINTS);
  CREATE TABLE rpt_household_course_next (LIKE rpt_household_course INCLUDING DEFAULTS INCLUDING CONSTRAINTS);

  -- Households: label propagation over the bindings that join a household (active, or ended by an account closure);
  -- each node starts with the least id among itself and its neighbours, then takes its neighbours' least label until
  -- none changes.
  DROP TABLE IF EXISTS xq_hh_edge, xq_hh_node;
  CREATE TEMP TABLE xq_hh_edge ON COMMIT DROP AS
    SELECT student_id AS a, user_id AS b FROM guardianships WHERE revoked_at IS NULL OR revoke_reason = 'account_closed'
    UNION ALL SELECT user_id, student_id FROM guardianships WHERE revoked_at IS NULL OR revoke_reason = 'account_closed';
  CREATE TEMP TABLE xq_hh_node ON COMMIT DROP AS
    SELECT n.node, least(n.node, m.label) AS label
      FROM (SELECT student_id AS node FROM guardianships UNION SELECT user_id FROM guardianships) n
      LEFT JOIN (SELECT DISTINCT ON (e.a) e.a, e.b AS label FROM xq_hh_edge e ORDER BY e.a, e.b) m ON m.a = n.node;
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
  INSERT INTO rpt_household_next (member, household) SELECT node, label FROM xq_hh_node;
  DROP TABLE xq_hh_edge, xq_hh_node;
  ALTER TABLE rpt_household_next ADD CONSTRAINT rpt_household_next_pkey PRIMARY KEY (member);
  CREATE INDEX rpt_household_next_household_idx ON rpt_household_next (household);

  PERFORM xq_rpt_rb_epochs(NULL);

  -- Month masks: a guardian's rows per kind, and their household's family rows (the OR over its guardians and kinds).
  PERFORM xq_rpt_rb_reach(NULL);
  INSERT INTO rpt_reach_next (scope, year, kind, entity, mask)
  SELECT r.scope, r.year, r.kind, r.user_id, r.mask FROM xq_rb_reach r
  UNION ALL
  SELECT r.scope, r.year, 'family', h.household, bit_or(r.mask) FROM xq_rb_reach r JOIN rpt_household_next h ON h.member = r.user_id
   GROUP BY r.scope, r.year, h.household;
  DROP TABLE xq_rb_reach;
  ALTER TABLE rpt_reach_next ADD CONSTRAINT rpt_reach_next_pkey PRIMARY KEY (scope, year, kind, entity);
  CREATE INDEX rpt_reach_next_family_idx ON rpt_reach_next (entity) WHERE kind = 'family';
  INSERT INTO rpt_reach_hist_next (scope, year, kind, mask, n)
  SELECT scope, year, kind, mask, count(*) FROM rpt_reach_next GROUP BY scope, year, kind, mask;
  ALTER TABLE rpt_reach_hist_next ADD CONSTRAINT rpt_reach_hist_next_pkey PRIMARY KEY (scope, year, kind, mask);

  -- Each household's first completion of each course (the guardian's home school then).
  INSERT INTO rpt_household_course_next (household, course_id, user_id, completed_at, school_id)
  SELECT DISTINCT ON (h.household, e.course_id) h.household, e.course_id, e.user_id, e.completed_at, ep.home
    FROM enrollments e JOIN rpt_household_next h ON h.member = e.user_id
    JOIN xq_rb_epoch ep ON ep.user_id = e.user_id AND e.completed_at >= ep.lo AND (ep.hi IS NULL OR e.completed_at < ep.hi)
   WHERE e.completed_at IS NOT NULL
   ORDER BY h.household, e.course_id, e.completed_at, e.user_id;
  ALTER TABLE rpt_household_course_next ADD CONSTRAINT rpt_household_course_next_pkey PRIMARY KEY (household, course_id);

  -- Learning: enrolments and completions at the home school when they happened, household completions, credited seconds.
  PERFORM xq_rpt_rb_credit(NULL, false);
  INSERT INTO rpt_learning_next (scope, ym, module, stage, enrolments, completions, credited_seconds, household_completions)
  SELECT p.scope, v.ym, c.module, coalesce(c.stages[1], ''), sum(v.enrol)::int, sum(v.complete)::int, sum(v.seconds), sum(v.hh)::int
    FROM (SELECT ep.home, e.course_id, xq_cn_ym(e.enrolled_at) AS ym, 1 AS enrol, 0 AS complete, 0::numeric AS seconds, 0 AS hh
            FROM enrollments e JOIN xq_rb_epoch ep ON ep.user_id = e.user_id AND e.enrolled_at >= ep.lo AND (ep.hi IS NULL OR e.enrolled_at < ep.hi)
          UNION ALL
          SELECT ep.home, e.course_id, xq_cn_ym(e.completed_at), 0, 1, 0, 0
            FROM enrollments e JOIN xq_rb_epoch ep ON ep.user_id = e.user_id AND e.completed_at >= ep.lo AND (ep.hi IS NULL OR e.completed_at < ep.hi)
          UNION ALL
          SELECT hc.school_id, hc.course_id, xq_cn_ym(hc.completed_at), 0, 0, 0, 1 FROM rpt_household_course_next hc
          UNION ALL
          SELECT g.home, g.course_id, g.ym, 0, 0, g.seconds, 0 FROM xq_rb_credit g) v
    JOIN courses c ON c.id = v.course_id JOIN rpt_scope_path p ON p.unit = v.home AND p.depth <= 1
   GROUP BY p.scope, v.ym, c.module, coalesce(c.stages[1], '');
  DROP TABLE xq_rb_credit, xq_rb_epoch;
  ALTER TABLE rpt_learning_next ADD CONSTRAINT rpt_learning_next_pkey PRIMARY KEY (scope, ym, module, stage);
END
$$;

-- Swaps the shadow rollups in for the live ones (drop and rename, constraint and index names included).
CREATE OR REPLACE FUNCTION xq_rpt_rebuild_swap() RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  t text;
BEGIN
  DROP TABLE rpt_reach, rpt_reach_hist, rpt_learning, rpt_household, rpt_household_course;
  FOREACH t IN ARRAY ARRAY['rpt_reach', 'rpt_reach_hist', 'rpt_learning', 'rpt_household', 'rpt_household_course'] LOOP
    EXECUTE format('ALTER TABLE %I RENAME TO %I', t || '_next', t);
    EXECUTE format('ALTER TABLE %I RENAME CONSTRAINT %I TO %I', t, t || '_next_pkey', t || '_pkey');
  END LOOP;
  ALTER INDEX rpt_reach_next_family_idx RENAME TO rpt_reach_family_idx;
  ALTER INDEX rpt_household_next_household_idx RENAME TO rpt_household_household_idx;
END
$$;

-- Finishes a rebuild: with the record tables SHARE-locked (writers wait), swaps the shadows in, recomputes the small
-- rollups, re-applies the writes the build's snapshot did not see, and lowers the flag.
CREATE OR REPLACE FUNCTION xq_rpt_rebuild_finish() RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  v_users uuid[];
  v_seeds uuid[];
  v_households uuid[];
BEGIN
  LOCK TABLE learning_statements, lesson_progress, enrollments, events, event_signups, guardianships IN SHARE MODE;
  PERFORM pg_advisory_xact_lock(hashtextextended('xq_rpt_reach', 0));
  PERFORM xq_rpt_rebuild_swap();
  PERFORM xq_rpt_refresh_paths();

  -- Sessions, sign-ups and check-ins: a few thousand rows, recomputed in place.
  DELETE FROM rpt_event;
  DELETE FROM rpt_sessions;
  DELETE FROM rpt_station_month;
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

  -- Statements the snapshot missed: their guardians' month bits OR-ed in (histogram moved with them), and their
  -- credited seconds recounted as all those guardians' statements minus the ones the snapshot had.
  v_users := ARRAY(SELECT DISTINCT j.user_id FROM rpt_rebuild_journal j WHERE j.kind = 'statement' AND NOT j.seen);
  IF cardinality(v_users) > 0 THEN
    PERFORM xq_rpt_rb_epochs(v_users);
    PERFORM xq_rpt_rb_reach(v_users);
    DROP TABLE IF EXISTS xq_rb_bits;
    CREATE TEMP TABLE xq_rb_bits ON COMMIT DROP AS
    SELECT n.scope, n.year, n.kind, n.entity, o.mask AS old, coalesce(o.mask, 0) | n.mask AS mask
      FROM (SELECT r.scope, r.year, r.kind, r.user_id AS entity, r.mask FROM xq_rb_reach r
            UNION ALL
            SELECT r.scope, r.year, 'family', h.household, bit_or(r.mask) FROM xq_rb_reach r JOIN rpt_household h ON h.member = r.user_id
             GROUP BY r.scope, r.year, h.household) n
      LEFT JOIN rpt_reach o ON o.scope = n.scope AND o.year = n.year AND o.kind = n.kind AND o.entity = n.entity
     WHERE coalesce(o.mask, 0) | n.mask <> coalesce(o.mask, 0);
    INSERT INTO rpt_reach AS r (scope, year, kind, entity, mask) SELECT scope, year, kind, entity, mask FROM xq_rb_bits ORDER BY 1, 2, 3, 4
    ON CONFLICT (scope, year, kind, entity) DO UPDATE SET mask = excluded.mask;
    INSERT INTO rpt_reach_hist AS h (scope, year, kind, mask, n)
    SELECT z.scope, z.year, z.kind, z.mask, sum(z.d)::int
      FROM (SELECT scope, year, kind, old AS mask, -1 AS d FROM xq_rb_bits WHERE old IS NOT NULL
            UNION ALL SELECT scope, year, kind, mask, 1 FROM xq_rb_bits) z
     GROUP BY z.scope, z.year, z.kind, z.mask HAVING sum(z.d) <> 0 ORDER BY 1, 2, 3, 4
    ON CONFLICT (scope, year, kind, mask) DO UPDATE SET n = h.n + excluded.n;

    PERFORM xq_rpt_rb_credit(v_users, true);
    ALTER TABLE xq_rb_credit RENAME TO xq_rb_credit_before;
    PERFORM xq_rpt_rb_credit(v_users, false);
    INSERT INTO rpt_learning AS x (scope, ym, module, stage, credited_seconds)
    SELECT p.scope, g.ym, c.module, coalesce(c.stages[1], ''), sum(g.seconds)
      FROM (SELECT home, ym, course_id, seconds FROM xq_rb_credit UNION ALL SELECT home, ym, course_id, -seconds FROM xq_rb_credit_before) g
      JOIN courses c ON c.id = g.course_id JOIN rpt_scope_path p ON p.unit = g.home AND p.depth <= 1
     GROUP BY p.scope, g.ym, c.module, coalesce(c.stages[1], '')
    HAVING sum(g.seconds) <> 0 ORDER BY 1, 2, 3, 4
    ON CONFLICT (scope, ym, module, stage) DO UPDATE SET credited_seconds = x.credited_seconds + excluded.credited_seconds;
    DROP TABLE xq_rb_bits, xq_rb_reach, xq_rb_credit, xq_rb_credit_before, xq_rb_epoch;
  END IF;

  -- Enrolments and completions the snapshot missed, at the home school when they happened.
  INSERT INTO rpt_learning AS x (scope, ym, module, stage, enrolments, completions)
  SELECT p.scope, v.ym, c.module, coalesce(c.stages[1], ''), sum(v.enrol)::int, sum(v.complete)::int
    FROM (SELECT j.user_id, j.course_id, xq_cn_ym(j.new_at) AS ym, xq_rpt_home(j.user_id, j.new_at) AS home, 1 AS enrol, 0 AS complete
            FROM rpt_rebuild_journal j WHERE j.kind = 'enrol' AND NOT j.seen
          UNION ALL
          SELECT j.user_id, j.course_id, xq_cn_ym(j.new_at), xq_rpt_home(j.user_id, j.new_at), 0, 1
            FROM rpt_rebuild_journal j WHERE j.kind = 'complete' AND NOT j.seen AND j.new_at IS NOT NULL
          UNION ALL
          SELECT j.user_id, j.course_id, xq_cn_ym(j.old_at), xq_rpt_home(j.user_id, j.old_at), 0, -1
            FROM rpt_rebuild_journal j WHERE j.kind = 'complete' AND NOT j.seen AND j.old_at IS NOT NULL) v
    JOIN courses c ON c.id = v.course_id JOIN rpt_scope_path p ON p.unit = v.home AND p.depth <= 1
   GROUP BY p.scope, v.ym, c.module, coalesce(c.stages[1], '')
  HAVING sum(v.enrol) <> 0 OR sum(v.complete) <> 0 ORDER BY 1, 2, 3, 4
  ON CONFLICT (scope, ym, module, stage) DO UPDATE SET enrolments = x.enrolments + excluded.enrolments, completions = x.completions + excluded.completions;

  -- Bindings the snapshot missed: households re-derived as the trigger does (merges OR the masks, splits recount).
  v_seeds := ARRAY(SELECT DISTINCT s FROM rpt_rebuild_journal j CROSS JOIN unnest(j.seeds) AS s WHERE j.kind = 'binding' AND NOT j.seen ORDER BY 1);
  IF cardinality(v_seeds) > 0 THEN
    PERFORM xq_rpt_rehouse(v_seeds);
  END IF;
  -- Completions the snapshot missed: their households' first completions recomputed.
  v_households := ARRAY(SELECT DISTINCT h.household FROM rpt_rebuild_journal j JOIN rpt_household h ON h.member = j.user_id
                         WHERE j.kind = 'complete' AND NOT j.seen ORDER BY 1);
  IF cardinality(v_households) > 0 THEN
    PERFORM xq_rpt_hh_courses('{}', v_households, NULL);
  END IF;

  DELETE FROM rpt_rebuild_journal;
  DELETE FROM rpt_rebuild_run;
END
$$;

-- The whole rebuild in the caller's transaction, the record tables SHARE-locked throughout (tests, scripts, and any
-- caller that can stop writers); rebuild.ts runs the three steps as separate transactions instead.
CREATE OR REPLACE FUNCTION xq_rpt_rebuild() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM xq_rpt_rebuild_begin();
  PERFORM xq_rpt_rebuild_build();
  PERFORM xq_rpt_rebuild_finish();
END
$$;
