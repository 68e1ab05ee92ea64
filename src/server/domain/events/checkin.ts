/** Check-in: staff scan a parent's ticket, or the parent scans the session's code that changes every minute. Idempotent. */
import { createHmac, randomUUID } from 'node:crypto';
import type { CheckinCodeOutput, CheckinOutput } from '../../../../types';
import type { AppDeps } from '../../deps';
import { AppError } from '../errors';
import { iso, maybeOne, type Sql } from '../../storage/db';
import type { Limiter } from '../attempts';
import type { Caller } from '../caller';
import { groupCode, normaliseCode } from '../codes';
import { loadEvent, requireManager, type EventRow } from './common';

const MINUTE = 60_000;
/** Check-in opens this long before the start and closes this long after the end. */
const WINDOW_MS = 60 * MINUTE;
/** What the rotating QR code encodes before the event id and code. */
export const CHECKIN_QR_PREFIX = 'xinqiao:checkin:';

interface SignupRow { id: string; event_id: string; user_id: string; status: string; checked_in_at: Date | null; display_name: string }

/** The rotating code of an event for a given minute (six digits). */
export function rotatingCode(secret: string, eventId: string, minute: number): string {
  const mac = createHmac('sha256', secret).update(`${eventId}:${minute}`).digest();
  return String(mac.readUInt32BE(0) % 1_000_000).padStart(6, '0');
}

/** The check-in service: built per request. */
export class CheckinService {
  constructor(private readonly deps: AppDeps, private readonly caller: Caller, private readonly limits: Limiter) {}

  /** Staff check a parent in by the ticket code (scanned or typed). */
  async byTicket(eventId: string, ticketCode: string): Promise<CheckinOutput> {
    const now = this.deps.clock();
    return this.deps.db.transaction(async (tx) => {
      const ev = await loadEvent(tx, eventId, this.caller.userId);
      requireManager(this.caller, ev);
      openForCheckin(ev, now);
      const code = groupCode(normaliseCode(ticketCode));
      const s = await maybeOne<SignupRow>(
        tx,
        `SELECT s.id, s.event_id, s.user_id, s.status, s.checked_in_at, u.display_name FROM event_signups s JOIN users u ON u.id = s.user_id
          WHERE s.ticket_code = $1 FOR UPDATE OF s`,
        [code],
      );
      if (!s) throw new AppError('TICKET_INVALID');
      if (s.event_id !== eventId) throw new AppError('TICKET_OTHER_EVENT');
      return this.checkIn(tx, ev, s, 'ticket', now);
    });
  }

  /**
   * A parent checks in by the session's current code (scanned from the QR code, or typed). The code belongs to the
   * session, so each guess is counted against the account, the session and the client address before it is compared.
   */
  async bySessionCode(eventId: string, input: string): Promise<CheckinOutput> {
    const now = this.deps.clock();
    const parsed = parseSessionCode(input);
    if (parsed.eventId && parsed.eventId !== eventId) throw new AppError('TICKET_OTHER_EVENT', '这是其他活动的签到码');
    const ev = await loadEvent(this.deps.db, eventId, this.caller.userId);
    return this.limits.guess('checkin', this.caller.userId, `event:${ev.id}`, (err) => err.code === 'TICKET_INVALID', async () => {
      const minute = Math.floor(now.getTime() / MINUTE);
      const current = [minute, minute - 1].some((m) => rotatingCode(ev.checkin_secret, eventId, m) === parsed.code);
      if (!current) {
        const stale = Array.from({ length: 180 }, (_, i) => minute - 2 - i).some((m) => rotatingCode(ev.checkin_secret, eventId, m) === parsed.code);
        if (stale) throw new AppError('CHECKIN_CODE_EXPIRED');
        throw new AppError('TICKET_INVALID', '签到码不正确，请扫描现场展示的签到码');
      }
      return this.deps.db.transaction(async (tx) => {
        openForCheckin(ev, now);
        const s = await maybeOne<SignupRow>(
          tx,
          `SELECT s.id, s.event_id, s.user_id, s.status, s.checked_in_at, u.display_name FROM event_signups s JOIN users u ON u.id = s.user_id
            WHERE s.event_id = $1 AND s.user_id = $2 ORDER BY s.created_at DESC LIMIT 1 FOR UPDATE OF s`,
          [eventId, this.caller.userId],
        );
        if (!s) throw new AppError('NOT_SIGNED_UP', '您没有报名该活动，请联系现场工作人员');
        return this.checkIn(tx, ev, s, 'session_code', now);
      });
    });
  }

  /** The code the session shows now (staff only), with when it changes. */
  async currentCode(eventId: string): Promise<CheckinCodeOutput> {
    const now = this.deps.clock();
    const ev = await loadEvent(this.deps.db, eventId, this.caller.userId);
    requireManager(this.caller, ev);
    openForCheckin(ev, now);
    const minute = Math.floor(now.getTime() / MINUTE);
    const code = rotatingCode(ev.checkin_secret, eventId, minute);
    return { code, qr: `${CHECKIN_QR_PREFIX}${eventId}:${code}`, expiresAt: new Date((minute + 1) * MINUTE).toISOString() };
  }

  private async checkIn(tx: Sql, ev: EventRow, s: SignupRow, method: 'ticket' | 'session_code', now: Date): Promise<CheckinOutput> {
    if (s.checked_in_at) return { result: 'already', message: '已签到', name: s.display_name, checkedInAt: iso(s.checked_in_at) };
    if (s.status !== 'confirmed') throw new AppError('TICKET_NOT_CONFIRMED');
    await tx.query('UPDATE event_signups SET checked_in_at = $2, checked_in_by = $3, checkin_method = $4 WHERE id = $1', [s.id, now, this.caller.userId, method]);
    await tx.query(
      `INSERT INTO learning_statements (id, user_id, verb, object_type, object_id, result, context, timestamp, stored_at)
       VALUES ($1, $2, 'attended', 'session', $3, $4, $5, $6, $6)`,
      [randomUUID(), s.user_id, ev.id, JSON.stringify({ completion: true }), JSON.stringify({ station: ev.station_id, school: ev.school_id, region: ev.region_id, mentalHealth: ev.mental_health }), now],
    );
    return { result: 'checked_in', message: '签到成功', name: s.display_name, checkedInAt: now.toISOString() };
  }
}

/** Refuses check-in outside the window around the session, or for a cancelled one. */
function openForCheckin(ev: EventRow, now: Date): void {
  if (ev.status === 'cancelled') throw new AppError('EVENT_CANCELLED');
  const t = now.getTime();
  if (t < new Date(ev.starts_at).getTime() - WINDOW_MS || t > new Date(ev.ends_at).getTime() + WINDOW_MS) throw new AppError('CHECKIN_CLOSED');
}

/** Reads a scanned QR (xinqiao:checkin:<event>:<code>) or six typed digits. */
function parseSessionCode(input: string): { eventId: string | null; code: string } {
  const text = input.trim();
  if (text.startsWith(CHECKIN_QR_PREFIX)) {
    const [eventId = '', code = ''] = text.slice(CHECKIN_QR_PREFIX.length).split(':');
    return { eventId, code };
  }
  return { eventId: null, code: text.replace(/\s/g, '') };
}
