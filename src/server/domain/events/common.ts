/** Shared pieces of the 家长学校 sessions part: rows, mapping, permissions, China-time helpers. */
import type { EventHost, EventSummary, SignupStatus } from '../../../../types';
import { AppError } from '../errors';
import { iso, maybeOne, type Sql } from '../../storage/db';
import type { Caller } from '../caller';
import { requireId } from '../registry';

/** An events row with its host and seat counts. */
export interface EventRow {
  id: string; station_id: string | null; school_id: string | null; region_id: string; title: string; description: string; topic: string;
  mental_health: boolean; speaker: string; starts_at: Date; ends_at: Date; mode: 'onsite' | 'online'; address: string;
  latitude: number | null; longitude: number | null; online_url: string | null; capacity: number; signup_deadline: Date;
  status: 'published' | 'cancelled'; cancel_reason: string | null; checkin_secret: string;
  host_name: string; station_school_id: string | null; seats_taken: number; waitlist_length: number; my_signup: SignupStatus | null;
}

/**
 * The select list of an event with host name, seats taken, waitlist length (the counters of event_seats, migration 020)
 * and the caller's ($1) latest sign-up state.
 */
export const EVENT_SELECT = `SELECT e.*, coalesce(st.name, sc.name) AS host_name, st.school_id AS station_school_id,
  coalesce(n.seats_taken, 0) AS seats_taken, coalesce(n.waitlist_length, 0) AS waitlist_length,
  (SELECT s.status FROM event_signups s WHERE s.event_id = e.id AND s.user_id = $1 ORDER BY s.created_at DESC LIMIT 1) AS my_signup
  FROM events e LEFT JOIN event_seats n ON n.event_id = e.id LEFT JOIN stations st ON st.id = e.station_id LEFT JOIN schools sc ON sc.id = e.school_id`;

/** School roles that may publish and run sessions of their school. */
export const SCHOOL_HOST_ROLES = ['school_leader', 'school_psychologist'] as const;

/** The host of an event row. */
export function hostOf(r: EventRow): EventHost {
  return r.station_id ? { type: 'station', id: r.station_id, name: r.host_name } : { type: 'school', id: r.school_id as string, name: r.host_name };
}

/** Maps a row to the list shape; relevance is computed by the caller's context. */
export function toSummary(r: EventRow, now: Date, relevance: EventSummary['relevance'] = 'other'): EventSummary {
  return {
    id: r.id, title: r.title, topic: r.topic, mentalHealth: r.mental_health, host: hostOf(r),
    startsAt: iso(r.starts_at), endsAt: iso(r.ends_at), mode: r.mode, address: r.address,
    capacity: r.capacity, seatsTaken: r.seats_taken, waitlistLength: r.waitlist_length, signupDeadline: iso(r.signup_deadline),
    status: r.status, ended: new Date(r.ends_at) <= now, relevance, mySignup: r.my_signup,
  };
}

/** Loads one event as the caller sees it (optionally locking the events row); NOT_FOUND when there is none. */
export async function loadEvent(sql: Sql, id: string, userId: string, lock = false): Promise<EventRow> {
  requireId(id, '活动');
  if (lock) await sql.query('SELECT id FROM events WHERE id = $1 FOR UPDATE', [id]);
  const row = await maybeOne<EventRow>(sql, `${EVENT_SELECT} WHERE e.id = $2`, [userId, id]);
  if (!row) throw new AppError('NOT_FOUND', '活动不存在');
  return row;
}

/** Whether the caller may manage a host (publish, edit, check in, see the roster). */
export function managesHost(caller: Caller, host: { type: 'station' | 'school'; id: string }): boolean {
  if (caller.isAdmin) return true;
  if (host.type === 'station') return caller.has('station_staff', host.id);
  return SCHOOL_HOST_ROLES.some((role) => caller.has(role, host.id));
}

/** Whether the caller may manage an event. */
export function managesEvent(caller: Caller, r: EventRow): boolean {
  return managesHost(caller, hostOf(r));
}

/** Throws FORBIDDEN unless the caller manages the event. */
export function requireManager(caller: Caller, r: EventRow): void {
  if (!managesEvent(caller, r)) throw new AppError('FORBIDDEN', '只有主办站点或学校的工作人员可以管理该活动');
}

/** Whether the caller is 妇联 staff of a region that contains the given region. */
export async function federationCovers(sql: Sql, caller: Caller, regionId: string): Promise<boolean> {
  const scopes = caller.scopesOf('federation_staff');
  if (scopes.length === 0) return false;
  return Boolean(await maybeOne(sql, 'SELECT 1 FROM unnest($1::uuid[]) f(id) WHERE $2 IN (SELECT id FROM subtree(f.id))', [scopes, regionId]));
}

/** China Standard Time is UTC+8 all year. */
export const CN_OFFSET_MS = 8 * 3_600_000;

/** The start of a calendar year in China time, as an instant. */
export function chinaYearStart(year: number): Date {
  return new Date(Date.UTC(year, 0, 1) - CN_OFFSET_MS);
}

/** The calendar year and month (1–12) of an instant in China time. */
export function chinaYearMonth(at: Date): { year: number; month: number } {
  const d = new Date(at.getTime() + CN_OFFSET_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1 };
}

/** A time as people read it in China: 12月1日 19:00. */
export function chinaTime(at: Date): string {
  const d = new Date(at.getTime() + CN_OFFSET_MS);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}年${d.getUTCMonth() + 1}月${d.getUTCDate()}日 ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

/** Cuts a value to WeChat's 20-character limit for `thing` fields. */
export function thing(value: string): string {
  const chars = [...value];
  return chars.length <= 20 ? value : chars.slice(0, 19).join('') + '…';
}
