/**
 * Group commit of sign-ups: the sign-ups that arrive while a batch is being decided wait and are decided together in
 * the next one, in one transaction that locks each session's row once, counts its seats once, and inserts every
 * sign-up in one statement in arrival order. A rush for one session is then a few round trips per batch instead of
 * several per parent under the row lock. Every request still gets its own answer; a batch that fails is retried request
 * by request, so one bad request never fails another.
 */
import type { EventDetail, MessageTemplate } from '../../../../types';
import type { Config } from '../../env';
import { AppError } from '../errors';
import { Batcher, type BatchOutcome } from '../../storage/batcher';
import type { Database, Sql } from '../../storage/db';
import type { Caller } from '../caller';
import { randomCode } from '../codes';
import { isUuid } from '../identity';
import { recordGrants } from '../messages/outbox';
import type { EventRow } from './common';
import { childContexts, composeDetail } from './events';
import { confirmMessages } from './signups';

/** The most sign-ups one batch decides. */
const MAX_BATCH = 200;

/** One parent's sign-up for one session. */
export interface SignupRequest {
  eventId: string;
  caller: Caller;
  companion: boolean;
  templates: readonly MessageTemplate[];
}

/** What a sign-up got: a seat (else a place on the waitlist) and the session as the parent sees it right after the decision. */
export interface SignupDecision {
  seat: boolean;
  event: EventDetail;
}

/** The sign-up queue of a database: two batches in flight per process (one commits while the next waits for the lock). */
export type SignupQueue = Batcher<SignupRequest, SignupDecision>;

/** Builds the sign-up queue on a database, a clock and the configuration (privacy version, reminder lead time). */
export function createSignupQueue(db: Database, clock: () => Date, config: Pick<Config, 'privacyVersion' | 'events'>): SignupQueue {
  const reminderHours = () => config.events.reminderHours;
  return new Batcher<SignupRequest, SignupDecision>(
    async (requests) => {
      try {
        return await db.transaction((tx) => signupBatch(tx, requests, clock(), config.privacyVersion, reminderHours()));
      } catch (err) {
        if (requests.length === 1) return [{ ok: false, error: err }];
      }
      const outcomes: BatchOutcome<SignupDecision>[] = [];
      for (const request of requests) {
        try {
          const [outcome] = await db.transaction((tx) => signupBatch(tx, [request], clock(), config.privacyVersion, reminderHours()));
          outcomes.push(outcome ?? { ok: false, error: new Error('no outcome') });
        } catch (error) {
          outcomes.push({ ok: false, error });
        }
      }
      return outcomes;
    },
    { maxBatch: MAX_BATCH, maxInFlight: 2 },
  );
}

/** A batch met a sign-up that a concurrent batch had just written for the same parent: decided again request by request. */
class ConcurrentSignup extends Error {}

/** The session rows of a batch, locked: each session's events row and its seat counters (event_seats, migration 020). */
const LOCKED_EVENTS = `SELECT e.*, coalesce(st.name, sc.name) AS host_name, st.school_id AS station_school_id, n.seats_taken, n.waitlist_length, NULL AS my_signup
  FROM events e JOIN event_seats n ON n.event_id = e.id LEFT JOIN stations st ON st.id = e.station_id LEFT JOIN schools sc ON sc.id = e.school_id
 WHERE e.id = ANY($1::uuid[]) ORDER BY e.id FOR UPDATE OF e, n`;

/**
 * Decides several sign-ups in one open transaction, in the order given. The checks come in the order a single sign-up
 * always made them (privacy consent, the session exists, not cancelled, still open, the caller is a parent, not signed up
 * yet); a refusal is that request's outcome alone. What depends only on the parents (consent, children, their current
 * sign-ups) is read before any session is locked; then one statement locks each session's row and its counter row (in id
 * order, so two batches never wait on each other crosswise) and reads the seats taken and the waitlist's length from the
 * counters; each request takes a seat when nobody waits and enough seats are free, else joins the end of the waitlist.
 * Rows are inserted in one statement in the same order, so the waitlist's arrival order (seq) is the order of decision,
 * and the statement's trigger moves the counters. Under the lock that is two round trips and the commit (plus the
 * messages of parents who subscribed). A parent signed up meanwhile by a concurrent batch (a double tap that reached
 * another instance) makes the insert skip their row (the unique index of active sign-ups): the batch is then undone and
 * decided again request by request, where that parent is answered ALREADY_SIGNED_UP.
 */
export async function signupBatch(tx: Sql, requests: SignupRequest[], now: Date, privacyVersion: string, reminderHours: number): Promise<BatchOutcome<SignupDecision>[]> {
  const userIds = [...new Set(requests.map((r) => r.caller.userId))];
  const consented = new Set(
    (await tx.query<{ user_id: string }>('SELECT user_id FROM privacy_consents WHERE user_id = ANY($1::uuid[]) AND version = $2', [userIds, privacyVersion])).map((c) => c.user_id),
  );
  const eventIds = [...new Set(requests.map((r) => r.eventId).filter(isUuid))].sort();
  const children = await childContexts(tx, userIds);
  const active = new Set(
    (await tx.query<{ k: string }>(
      `SELECT event_id || ' ' || user_id AS k FROM event_signups WHERE event_id = ANY($1::uuid[]) AND user_id = ANY($2::uuid[]) AND status IN ('confirmed', 'waitlisted', 'offered')`,
      [eventIds, userIds],
    )).map((a) => a.k),
  );
  const events = new Map((await tx.query<EventRow>(LOCKED_EVENTS, [eventIds])).map((e) => [e.id, e]));
  const outcomes: BatchOutcome<SignupDecision>[] = [];
  const accepted: { request: SignupRequest; index: number; seat: boolean; ticket: string; row: EventRow }[] = [];
  for (const request of requests) {
    const userId = request.caller.userId;
    const r = events.get(request.eventId);
    const k = `${request.eventId} ${userId}`;
    let error: AppError | null = null;
    if (!consented.has(userId)) error = new AppError('PRIVACY_CONSENT_REQUIRED');
    else if (!r) error = new AppError('NOT_FOUND', '活动不存在');
    else if (r.status === 'cancelled') error = new AppError('EVENT_CANCELLED');
    else if (now >= new Date(r.signup_deadline) || now >= new Date(r.ends_at)) error = new AppError('SIGNUP_CLOSED');
    else if (!children.get(userId)?.schools.length) error = new AppError('PARENTS_ONLY');
    else if (active.has(k)) error = new AppError('ALREADY_SIGNED_UP');
    if (error || !r) {
      outcomes.push({ ok: false, error });
      continue;
    }
    const need = request.companion ? 2 : 1;
    const seat = r.waitlist_length === 0 && r.seats_taken + need <= r.capacity;
    if (seat) r.seats_taken += need;
    else r.waitlist_length += 1;
    active.add(k);
    accepted.push({ request, index: outcomes.length, seat, ticket: randomCode(12), row: { ...r, my_signup: seat ? 'confirmed' : 'waitlisted' } });
    outcomes.push({ ok: false, error: new Error('not written') });
  }
  if (accepted.length === 0) return outcomes;
  await recordGrants(tx, accepted.map((a) => ({ userId: a.request.caller.userId, templates: a.request.templates })), now);
  const rows = await tx.query<{ id: string; k: string }>(
    `INSERT INTO event_signups (event_id, user_id, companion, status, ticket_code, created_at, waitlisted_at, confirmed_at)
     SELECT t.event_id, t.user_id, t.companion, CASE WHEN t.seat THEN 'confirmed' ELSE 'waitlisted' END, t.ticket, $6,
            CASE WHEN t.seat THEN NULL ELSE $6::timestamptz END, CASE WHEN t.seat THEN $6::timestamptz END
       FROM unnest($1::uuid[], $2::uuid[], $3::boolean[], $4::boolean[], $5::text[]) WITH ORDINALITY AS t(event_id, user_id, companion, seat, ticket, n)
      ORDER BY t.n
     ON CONFLICT (event_id, user_id) WHERE status IN ('confirmed', 'waitlisted', 'offered') DO NOTHING
     RETURNING id, event_id || ' ' || user_id AS k`,
    [
      accepted.map((a) => a.request.eventId), accepted.map((a) => a.request.caller.userId), accepted.map((a) => a.request.companion),
      accepted.map((a) => a.seat), accepted.map((a) => a.ticket), now,
    ],
  );
  if (rows.length < accepted.length) {
    if (requests.length > 1) throw new ConcurrentSignup();
    return [{ ok: false, error: new AppError('ALREADY_SIGNED_UP') }];
  }
  const ids = new Map(rows.map((row) => [row.k, row.id]));
  const seated = accepted.filter((a) => a.seat);
  const granted = new Set(
    seated.length === 0 ? [] : (await tx.query<{ user_id: string }>(
      `SELECT DISTINCT user_id FROM message_grants WHERE user_id = ANY($1::uuid[]) AND template IN ('signup_result', 'event_reminder') AND used_at IS NULL`,
      [seated.map((a) => a.request.caller.userId)],
    )).map((g) => g.user_id),
  );
  for (const a of accepted) {
    const userId = a.request.caller.userId;
    const signupId = ids.get(`${a.request.eventId} ${userId}`) as string;
    if (a.seat && granted.has(userId)) await confirmMessages(tx, userId, a.row, signupId, now, '报名成功', reminderHours);
    const mine = {
      id: signupId, status: a.row.my_signup ?? 'waitlisted', companion: a.request.companion, ticket_code: a.ticket, offer_expires_at: null, checked_in_at: null,
      created_at: now, waitlist_position: a.seat ? null : a.row.waitlist_length,
    };
    const ctx = children.get(userId) ?? { schools: [], regions: [] };
    outcomes[a.index] = { ok: true, value: { seat: a.seat, event: composeDetail(a.row, now, ctx, mine, a.request.caller) } };
  }
  return outcomes;
}

