/** Checks on the seat counters of sessions (event_seats, migration 020) for the tests. */
import type { Database } from '../../src/server/storage/db';

/** Each session's counters beside a recount of its sign-ups; the rows where they differ. */
export async function seatDrift(db: Database): Promise<unknown[]> {
  return db.query(
    `SELECT e.id, n.seats_taken, n.waitlist_length, r.seats, r.waiting
       FROM events e LEFT JOIN event_seats n ON n.event_id = e.id
       LEFT JOIN LATERAL (
         SELECT coalesce(sum(1 + s.companion::int) FILTER (WHERE s.status IN ('confirmed', 'offered')), 0)::int AS seats,
                count(*) FILTER (WHERE s.status = 'waitlisted')::int AS waiting
           FROM event_signups s WHERE s.event_id = e.id) r ON true
      WHERE n.event_id IS NULL OR n.seats_taken <> r.seats OR n.waitlist_length <> r.waiting`,
  );
}
