-- 016: guardians as they are, and a guardian's rights (issue 15; PIPL art. 15, 44–47).
--
-- Relations. 祖父 / 祖母 / 外祖父 / 外祖母 join 父亲 / 母亲; 'other' is now shown as 其他监护人 and may carry a short
-- free-text note (≤ 20 characters, only with 'other'). Rows bound before keep 'other' without a note.
--
-- Withdrawing the separate notice consent. notice_consent_at goes back to null (no new notice reaches the guardian)
-- and notice_consent_withdrawn_at tells the school when; the guardian's copies are taken out of their view
-- (notice_recipients.revoked_at, with removed_reason saying why, visible to the school).
--
-- Unbinding and account closure. A guardianship records who ended it and why (revoke_reason: the school, the guardian,
-- or the guardian's account closed). Closing an account ends every binding at once; the household map of the 妇联
-- figures treats a binding ended by an account closure as still joining its household, so the figures of the past do
-- not move when someone leaves (a guardian's own unbinding, like the school's, splits the household as before).
-- users.closed_at marks a closed account (its sessions are revoked, its WeChat link released at once); purged_at
-- when the purgeClosedAccounts job removed its personal data.
--
-- Reminders. notice_reminders records each "提醒未读家长" a staff member sent (at most one per notice per 12 hours).

ALTER TABLE guardianships DROP CONSTRAINT guardianships_relation_check;
ALTER TABLE guardianships ADD CONSTRAINT guardianships_relation_check
  CHECK (relation IN ('father', 'mother', 'grandfather', 'grandmother', 'maternal_grandfather', 'maternal_grandmother', 'other'));
ALTER TABLE guardianships
  ADD COLUMN relation_note text CHECK (relation_note IS NULL OR (relation = 'other' AND char_length(relation_note) BETWEEN 1 AND 20)),
  ADD COLUMN notice_consent_withdrawn_at timestamptz,
  ADD COLUMN revoke_reason text CHECK (revoke_reason IN ('school', 'guardian', 'account_closed')),
  ADD CONSTRAINT guardianships_revoke_reason_chk CHECK (revoke_reason IS NULL OR revoked_at IS NOT NULL);
UPDATE guardianships SET revoke_reason = 'school' WHERE revoked_at IS NOT NULL;

ALTER TABLE binding_codes DROP CONSTRAINT binding_codes_relation_check;
ALTER TABLE binding_codes ADD CONSTRAINT binding_codes_relation_check
  CHECK (relation IN ('father', 'mother', 'grandfather', 'grandmother', 'maternal_grandfather', 'maternal_grandmother', 'other'));

ALTER TABLE notice_recipients
  ADD COLUMN relation_note text,
  ADD COLUMN removed_reason text CHECK (removed_reason IN ('unbound', 'consent_withdrawn', 'account_closed'));
UPDATE notice_recipients SET removed_reason = 'unbound' WHERE revoked_at IS NOT NULL;

ALTER TABLE users ADD COLUMN closed_at timestamptz, ADD COLUMN purged_at timestamptz;
CREATE INDEX users_closed_idx ON users (closed_at) WHERE closed_at IS NOT NULL AND purged_at IS NULL;

CREATE TABLE notice_reminders (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  notice_id uuid NOT NULL REFERENCES notices (id),
  sent_by uuid NOT NULL REFERENCES users (id),
  at timestamptz NOT NULL,
  recipients integer NOT NULL,
  queued integer NOT NULL
);
CREATE INDEX notice_reminders_notice_idx ON notice_reminders (notice_id, at DESC);

-- The 3-year retention job deletes old statements and quiz attempts by time.
CREATE INDEX learning_statements_stored_idx ON learning_statements (stored_at);
CREATE INDEX quiz_attempts_created_idx ON quiz_attempts (created_at);

-- 011's household walk and rebuild, with a binding ended by an account closure still an edge of its household.
CREATE OR REPLACE FUNCTION xq_rpt_components(p_seeds uuid[]) RETURNS TABLE (member uuid, household uuid)
LANGUAGE sql STABLE AS $$
  WITH RECURSIVE walk(root, node) AS (
    SELECT s, s FROM unnest(p_seeds) AS s
    UNION
    SELECT w.root, x.node FROM walk w
     CROSS JOIN LATERAL (SELECT g.user_id AS node FROM guardianships g WHERE g.student_id = w.node AND (g.revoked_at IS NULL OR g.revoke_reason = 'account_closed')
                         UNION ALL
                         SELECT g.student_id FROM guardianships g WHERE g.user_id = w.node AND (g.revoked_at IS NULL OR g.revoke_reason = 'account_closed')) x
  ), roots AS (
    SELECT DISTINCT ON (root) root, node AS household FROM walk ORDER BY root, node
  )
  SELECT DISTINCT ON (w.node) w.node, r.household FROM walk w JOIN roots r ON r.root = w.root ORDER BY w.node, r.household
$$;

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
    SELECT student_id AS a, user_id AS b FROM guardianships WHERE (revoked_at IS NULL OR revoke_reason = 'account_closed')
    UNION ALL SELECT user_id, student_id FROM guardianships WHERE (revoked_at IS NULL OR revoke_reason = 'account_closed');
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
