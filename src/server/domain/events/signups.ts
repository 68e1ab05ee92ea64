/** Parents' sign-ups: one per guardian (optionally with the other guardian), waitlist when full, cancel, confirm an offer. */
import type { SignupInput, SignupOutput } from '../../../../types';
import type { AppDeps } from '../../deps';
import { AppError } from '../errors';
import type { Sql } from '../../storage/db';
import type { Caller } from '../caller';
import { enqueue, withdraw } from '../messages/outbox';
import { chinaTime, loadEvent, thing, type EventRow } from './common';
import { EventService } from './events';
import { promoteWaitlist } from './waitlist';

const HOUR = 3_600_000;

/** The sign-up service: built per request for a logged-in parent. */
export class SignupService {
  constructor(private readonly deps: AppDeps, private readonly caller: Caller) {}

  /** Takes a seat, or a place on the waitlist when the session is full (or others are already waiting); concurrent sign-ups are decided together (signupBatch). */
  async signup(eventId: string, input: SignupInput): Promise<SignupOutput> {
    const { seat, event } = await this.deps.signups.submit({ eventId, caller: this.caller, companion: input.companion, templates: input.acceptedTemplates });
    return { event, message: seat ? '报名成功' : `名额已满，已为您登记候补（第 ${event.signup?.waitlistPosition ?? '?'} 位）` };
  }

  /** Cancels the caller's sign-up (a seat, an offer or a place on the waitlist); a freed seat goes to the waitlist. */
  async cancel(eventId: string): Promise<SignupOutput> {
    const now = this.deps.clock();
    await this.deps.db.transaction(async (tx) => {
      const r = await loadEvent(tx, eventId, this.caller.userId, true);
      if (r.status === 'cancelled') throw new AppError('EVENT_CANCELLED');
      if (now >= new Date(r.starts_at)) throw new AppError('CONFLICT', '活动已开始，不能再取消报名');
      const [s] = await tx.query<{ id: string }>(
        `UPDATE event_signups SET status = 'cancelled', cancelled_at = $3 WHERE event_id = $1 AND user_id = $2 AND status IN ('confirmed', 'waitlisted', 'offered')
         RETURNING id`,
        [eventId, this.caller.userId, now],
      );
      if (!s) throw new AppError('NOT_SIGNED_UP');
      await withdraw(tx, `reminder:${s.id}`);
      await promoteWaitlist(tx, this.deps, eventId, now);
    });
    return { event: await new EventService(this.deps, this.caller).detail(eventId), message: '已取消报名' };
  }

  /** Confirms a waitlist offer before it expires; the seat becomes the caller's. */
  async confirmOffer(eventId: string): Promise<SignupOutput> {
    const now = this.deps.clock();
    await this.deps.db.transaction(async (tx) => {
      const r = await loadEvent(tx, eventId, this.caller.userId, true);
      if (r.status === 'cancelled') throw new AppError('EVENT_CANCELLED');
      const [s] = await tx.query<{ id: string }>(
        `UPDATE event_signups SET status = 'confirmed', confirmed_at = $3 WHERE event_id = $1 AND user_id = $2 AND status = 'offered' AND offer_expires_at > $3 RETURNING id`,
        [eventId, this.caller.userId, now],
      );
      if (!s) throw new AppError('NO_OFFER');
      await confirmMessages(tx, this.caller.userId, r, s.id, now, null, this.deps.config.events.reminderHours);
    });
    return { event: await new EventService(this.deps, this.caller).detail(eventId), message: '已确认，名额已为您保留' };
  }
}

/** Queues the confirmation (when given) and the reminder before the start, for the templates the parent subscribed to. */
export async function confirmMessages(tx: Sql, userId: string, r: EventRow, signupId: string, now: Date, result: string | null, reminderHours: number): Promise<void> {
  const starts = new Date(r.starts_at);
  const page = `packages/events/detail/index?id=${r.id}`;
  const place = thing(r.mode === 'online' ? '线上活动' : r.address || r.host_name);
  if (result) {
    await enqueue(tx, {
      userId, template: 'signup_result', page, dedupeKey: `signup:${signupId}`, sendAfter: now,
      payload: { thing1: thing(r.title), time2: chinaTime(starts), phrase3: result, thing4: place },
    });
  }
  const remindAt = new Date(Math.max(now.getTime(), starts.getTime() - reminderHours * HOUR));
  if (remindAt < starts) {
    await enqueue(tx, {
      userId, template: 'event_reminder', page, dedupeKey: `reminder:${signupId}`, sendAfter: remindAt,
      payload: { thing1: thing(r.title), time2: chinaTime(starts), thing3: place },
    });
  }
}
