/** The waitlist: freed seats are offered to the first waiting parents in order; an offer not confirmed in time passes on. */
import type { AppDeps } from '../../deps';
import type { Sql } from '../../storage/db';
import { enqueue } from '../messages/outbox';
import { CN_OFFSET_MS, chinaTime, thing } from './common';

const HOUR = 3_600_000;
/** Offer deadlines never fall in China's night: 22:00 (inclusive) to 08:00. */
const NIGHT_STARTS_HOUR = 22;
const NIGHT_ENDS_HOUR = 8;
/** A deadline that would fall at night moves to this hour (China time) of the next morning: two daytime hours to answer. */
const MORNING_DEADLINE_HOUR = 10;

/** When a waitlist offer made at `now` expires: `hours` later, moved to 10:00 China time when that falls between 22:00 and 08:00, never after the event starts. */
export function offerDeadline(now: Date, hours: number, startsAt: Date): Date {
  let deadline = now.getTime() + hours * HOUR;
  const local = new Date(deadline + CN_OFFSET_MS);
  const hour = local.getUTCHours();
  if (hour >= NIGHT_STARTS_HOUR || hour < NIGHT_ENDS_HOUR) {
    const morning = new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() + (hour >= NIGHT_STARTS_HOUR ? 1 : 0), MORNING_DEADLINE_HOUR));
    deadline = morning.getTime() - CN_OFFSET_MS;
  }
  return new Date(Math.min(deadline, startsAt.getTime()));
}

/** Offers free seats of an event to the waitlist in order (strictly first come: a family of two waits for two seats). Call with the event row locked. */
export async function promoteWaitlist(tx: Sql, deps: AppDeps, eventId: string, now: Date): Promise<number> {
  const [ev] = await tx.query<{ capacity: number; starts_at: Date; title: string; status: string; taken: number }>(
    `SELECT e.capacity, e.starts_at, e.title, e.status, coalesce(n.seats_taken, 0) AS taken
       FROM events e LEFT JOIN event_seats n ON n.event_id = e.id WHERE e.id = $1`,
    [eventId],
  );
  if (!ev || ev.status !== 'published' || new Date(ev.starts_at) <= now) return 0;
  const expires = offerDeadline(now, deps.config.events.offerHours, new Date(ev.starts_at));
  let free = ev.capacity - ev.taken;
  let offered = 0;
  const queue = await tx.query<{ id: string; user_id: string; companion: boolean }>(
    `SELECT id, user_id, companion FROM event_signups WHERE event_id = $1 AND status = 'waitlisted' ORDER BY seq`,
    [eventId],
  );
  for (const w of queue) {
    const need = w.companion ? 2 : 1;
    if (need > free) break;
    free -= need;
    offered++;
    await tx.query(`UPDATE event_signups SET status = 'offered', offered_at = $2, offer_expires_at = $3 WHERE id = $1`, [w.id, now, expires]);
    await enqueue(tx, {
      userId: w.user_id, template: 'signup_result', page: `packages/events/detail/index?id=${eventId}`, dedupeKey: `offer:${w.id}`, sendAfter: now,
      payload: { thing1: thing(ev.title), time2: chinaTime(new Date(ev.starts_at)), phrase3: '候补成功', thing4: thing(`请于${chinaTime(expires)}前确认`) },
    });
  }
  return offered;
}

/** Expires offers not confirmed in time and offers the seats to the next in line; returns the number expired. */
export async function expireOffers(deps: AppDeps, now: Date): Promise<number> {
  const due = await deps.db.query<{ event_id: string }>(
    `SELECT DISTINCT event_id FROM event_signups WHERE status = 'offered' AND offer_expires_at <= $1`,
    [now],
  );
  let expired = 0;
  for (const { event_id: eventId } of due) {
    expired += await deps.db.transaction(async (tx) => {
      await tx.query('SELECT id FROM events WHERE id = $1 FOR UPDATE', [eventId]);
      const rows = await tx.query(
        `UPDATE event_signups SET status = 'expired' WHERE event_id = $1 AND status = 'offered' AND offer_expires_at <= $2 RETURNING id`,
        [eventId, now],
      );
      await promoteWaitlist(tx, deps, eventId, now);
      return rows.length;
    });
  }
  return expired;
}
