-- Seat counts per session, kept as counters instead of recounted from event_signups on every read and every sign-up
-- decision. seats_taken = sum of (1 + companion) over 'confirmed' and 'offered' rows; waitlist_length = the number of
-- 'waitlisted' rows (the definitions the recounts used). A separate narrow row per session rather than columns of
-- events: events has a row trigger for the report rollups on every UPDATE, and a counter row updated in every sign-up
-- batch stays small.
CREATE TABLE event_seats (
  event_id uuid PRIMARY KEY REFERENCES events (id) ON DELETE CASCADE,
  seats_taken integer NOT NULL DEFAULT 0 CHECK (seats_taken >= 0),
  waitlist_length integer NOT NULL DEFAULT 0 CHECK (waitlist_length >= 0)
);

INSERT INTO event_seats (event_id, seats_taken, waitlist_length)
SELECT e.id,
       coalesce(sum(1 + s.companion::int) FILTER (WHERE s.status IN ('confirmed', 'offered')), 0),
       count(s.id) FILTER (WHERE s.status = 'waitlisted')
  FROM events e LEFT JOIN event_signups s ON s.event_id = e.id
 GROUP BY e.id;

-- Every statement that inserts, updates or deletes sign-ups moves the counters by the difference it made, once per
-- statement (a batch of 200 sign-ups is one counter update), whatever code path wrote it, so the counters cannot drift
-- from the rows. Writers of sign-up states hold the session's events row lock (FOR UPDATE), so counter rows are updated
-- in the same order as the sign-ups they count.
CREATE FUNCTION xq_event_seats_apply() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO event_seats AS c (event_id, seats_taken, waitlist_length)
    SELECT n.event_id, sum(CASE WHEN n.status IN ('confirmed', 'offered') THEN 1 + n.companion::int ELSE 0 END), count(*) FILTER (WHERE n.status = 'waitlisted')
      FROM new_rows n GROUP BY n.event_id
    ON CONFLICT (event_id) DO UPDATE SET seats_taken = c.seats_taken + excluded.seats_taken, waitlist_length = c.waitlist_length + excluded.waitlist_length;
  ELSIF TG_OP = 'UPDATE' THEN
    WITH d AS (
      SELECT x.event_id, sum(x.seats)::int AS seats, sum(x.waiting)::int AS waiting
        FROM (
          SELECT o.event_id, -CASE WHEN o.status IN ('confirmed', 'offered') THEN 1 + o.companion::int ELSE 0 END AS seats, -(o.status = 'waitlisted')::int AS waiting
            FROM old_rows o
          UNION ALL
          SELECT n.event_id, CASE WHEN n.status IN ('confirmed', 'offered') THEN 1 + n.companion::int ELSE 0 END, (n.status = 'waitlisted')::int
            FROM new_rows n
        ) x
       GROUP BY x.event_id
      HAVING sum(x.seats) <> 0 OR sum(x.waiting) <> 0
    )
    UPDATE event_seats c SET seats_taken = c.seats_taken + d.seats, waitlist_length = c.waitlist_length + d.waiting FROM d WHERE c.event_id = d.event_id;
  ELSE
    WITH d AS (
      SELECT o.event_id, sum(CASE WHEN o.status IN ('confirmed', 'offered') THEN 1 + o.companion::int ELSE 0 END)::int AS seats,
             count(*) FILTER (WHERE o.status = 'waitlisted')::int AS waiting
        FROM old_rows o GROUP BY o.event_id
    )
    UPDATE event_seats c SET seats_taken = c.seats_taken - d.seats, waitlist_length = c.waitlist_length - d.waiting FROM d WHERE c.event_id = d.event_id;
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER event_seats_insert AFTER INSERT ON event_signups REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION xq_event_seats_apply();
CREATE TRIGGER event_seats_update AFTER UPDATE ON event_signups REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION xq_event_seats_apply();
CREATE TRIGGER event_seats_delete AFTER DELETE ON event_signups REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION xq_event_seats_apply();

-- A new session starts with its counter row (so that readers can join it and the first batch can lock it).
CREATE FUNCTION xq_event_seats_open() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO event_seats (event_id) SELECT n.id FROM new_rows n ON CONFLICT (event_id) DO NOTHING;
  RETURN NULL;
END
$$;
CREATE TRIGGER event_seats_open AFTER INSERT ON events REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION xq_event_seats_open();
