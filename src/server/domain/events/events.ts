/** Publishing and finding 家长学校 sessions, and each station's yearly 心理健康教育 duty. */
import { randomBytes } from 'node:crypto';
import type {
  DutyStatus, EventCancelInput, EventDetail, EventHost, EventInput, EventListOutput, EventListQuery, EventSummary, ManageOutput, MySignup, SignupStatus,
} from '../../../../types';
import type { AppDeps } from '../../deps';
import { AppError } from '../errors';
import { iso, isoOrNull, maybeOne, type Sql } from '../../storage/db';
import type { Caller } from '../caller';
import { enqueue, withdraw } from '../messages/outbox';
import { requireId } from '../registry';
import {
  EVENT_SELECT, SCHOOL_HOST_ROLES, chinaTime, federationCovers, chinaYearMonth, chinaYearStart, loadEvent, managesEvent, managesHost, requireManager, thing, toSummary,
  type EventRow,
} from './common';
import { promoteWaitlist } from './waitlist';

/** The schools of a parent's bound children and their regions (what makes a session relevant to them). */
export interface ChildContext { schools: string[]; regions: string[] }
/** A parent's latest sign-up of a session, with the place on the waitlist. */
export interface SignupRow {
  id: string; status: SignupStatus; companion: boolean; ticket_code: string; offer_expires_at: Date | null; checked_in_at: Date | null;
  created_at: Date; waitlist_position: number | null;
}

const DAY = 86_400_000;

/** The events service: built per request for a logged-in caller. */
export class EventService {
  constructor(private readonly deps: AppDeps, private readonly caller: Caller) {}

  /** Upcoming sessions for a parent: near their children's schools first, or all, or those they signed up for. */
  async list(query: EventListQuery): Promise<EventListOutput> {
    const now = this.deps.clock();
    const ctx = await this.childContext();
    const scope = query.scope ?? 'nearby';
    const where: string[] = [];
    const params: unknown[] = [this.caller.userId, now];
    if (scope === 'mine') {
      where.push('EXISTS (SELECT 1 FROM event_signups s WHERE s.event_id = e.id AND s.user_id = $1)', "e.ends_at > $2::timestamptz - interval '60 days'");
    } else {
      where.push("e.status = 'published'", 'e.ends_at > $2');
      if (scope === 'nearby') {
        params.push(ctx.schools, ctx.regions);
        where.push('(e.school_id = ANY($3::uuid[]) OR st.school_id = ANY($3::uuid[]) OR e.region_id = ANY($4::uuid[]))');
      }
    }
    if (query.mentalHealth) where.push('e.mental_health');
    if (query.q) {
      params.push(`%${query.q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`);
      const p = `$${params.length}`;
      where.push(`(e.title ILIKE ${p} OR e.topic ILIKE ${p} OR e.speaker ILIKE ${p} OR coalesce(st.name, sc.name) ILIKE ${p})`);
    }
    const rows = await this.deps.db.query<EventRow>(`${EVENT_SELECT} WHERE ${where.join(' AND ')} ORDER BY e.starts_at LIMIT 200`, params);
    const events = rows.map((r) => toSummary(r, now, relevance(r, ctx)));
    const rank = { child_school: 0, nearby: 1, other: 2 };
    if (scope !== 'mine') events.sort((a, b) => rank[a.relevance] - rank[b.relevance] || a.startsAt.localeCompare(b.startsAt));
    else events.sort((a, b) => Number(a.ended) - Number(b.ended) || a.startsAt.localeCompare(b.startsAt));
    return { events };
  }

  /** One session with the caller's sign-up and ticket. */
  async detail(id: string, sql: Sql = this.deps.db): Promise<EventDetail> {
    const now = this.deps.clock();
    const r = await loadEvent(sql, id, this.caller.userId);
    const ctx = await this.childContext(sql);
    const mine = await maybeOne<SignupRow>(
      sql,
      `SELECT s.id, s.status, s.companion, s.ticket_code, s.offer_expires_at, s.checked_in_at, s.created_at,
              CASE WHEN s.status = 'waitlisted' THEN (SELECT count(*)::int FROM event_signups w WHERE w.event_id = s.event_id AND w.status = 'waitlisted' AND w.seq <= s.seq) END AS waitlist_position
         FROM event_signups s WHERE s.event_id = $1 AND s.user_id = $2 ORDER BY s.created_at DESC LIMIT 1`,
      [id, this.caller.userId],
    );
    return composeDetail(r, now, ctx, mine, this.caller);
  }

  /** Publishes a session for a station or school the caller works for. */
  async create(input: EventInput): Promise<EventDetail> {
    const now = this.deps.clock();
    if (!managesHost(this.caller, input.host)) throw new AppError('FORBIDDEN', '只能为自己所在的站点或学校发布活动');
    checkTimes(input, now);
    return this.deps.db.transaction(async (tx) => {
      const host = await this.hostRegion(tx, input.host);
      const [row] = await tx.query<{ id: string }>(
        `INSERT INTO events (station_id, school_id, region_id, title, description, topic, mental_health, speaker, starts_at, ends_at, mode, address,
                             latitude, longitude, online_url, capacity, signup_deadline, checkin_secret, created_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $20) RETURNING id`,
        [
          input.host.type === 'station' ? input.host.id : null, input.host.type === 'school' ? input.host.id : null, host.region_id,
          input.title, input.description, input.topic, input.mentalHealth, input.speaker, new Date(input.startsAt), new Date(input.endsAt),
          input.mode, input.address, input.latitude, input.longitude, input.onlineUrl, input.capacity, new Date(input.signupDeadline),
          randomBytes(32).toString('base64url'), this.caller.userId, now,
        ],
      );
      return this.detail((row as { id: string }).id, tx);
    });
  }

  /** Edits a session that has not ended; capacity may not drop below the seats already given, and a rise promotes the waitlist. */
  async update(id: string, input: EventInput): Promise<EventDetail> {
    const now = this.deps.clock();
    return this.deps.db.transaction(async (tx) => {
      const r = await loadEvent(tx, id, this.caller.userId, true);
      requireManager(this.caller, r);
      if (r.status === 'cancelled') throw new AppError('EVENT_CANCELLED', '已取消的活动不能再修改');
      if (new Date(r.ends_at) <= now) throw new AppError('CONFLICT', '活动已结束，不能再修改');
      if (input.host.type !== hostOfRow(r).type || input.host.id !== hostOfRow(r).id) throw new AppError('CONFLICT', '不能更换活动的主办方；请复制活动后重新发布');
      checkTimes(input, now, r);
      if (input.capacity < r.seats_taken) {
        throw new AppError('CAPACITY_BELOW_SIGNUPS', `名额不能少于已确认报名占用的 ${r.seats_taken} 个座位`);
      }
      await tx.query(
        `UPDATE events SET title = $2, description = $3, topic = $4, mental_health = $5, speaker = $6, starts_at = $7, ends_at = $8, mode = $9,
                address = $10, latitude = $11, longitude = $12, online_url = $13, capacity = $14, signup_deadline = $15, updated_at = $16 WHERE id = $1`,
        [id, input.title, input.description, input.topic, input.mentalHealth, input.speaker, new Date(input.startsAt), new Date(input.endsAt), input.mode,
          input.address, input.latitude, input.longitude, input.onlineUrl, input.capacity, new Date(input.signupDeadline), now],
      );
      if (input.capacity > r.capacity) await promoteWaitlist(tx, this.deps, id, now);
      return this.detail(id, tx);
    });
  }

  /** Cancels a session; everyone signed up or waiting is told (through WeChat where they subscribed, in the app always). */
  async cancel(id: string, input: EventCancelInput): Promise<EventDetail> {
    const now = this.deps.clock();
    return this.deps.db.transaction(async (tx) => {
      const r = await loadEvent(tx, id, this.caller.userId, true);
      requireManager(this.caller, r);
      if (r.status === 'cancelled') throw new AppError('EVENT_CANCELLED', '该活动已经取消');
      if (new Date(r.ends_at) <= now) throw new AppError('CONFLICT', '活动已结束，不能取消');
      await tx.query(`UPDATE events SET status = 'cancelled', cancel_reason = $2, cancelled_at = $3, updated_at = $3 WHERE id = $1`, [id, input.reason, now]);
      const people = await tx.query<{ id: string; user_id: string }>(
        `SELECT id, user_id FROM event_signups WHERE event_id = $1 AND status IN ('confirmed', 'waitlisted', 'offered')`,
        [id],
      );
      for (const p of people) {
        await withdraw(tx, `reminder:${p.id}`);
        await enqueue(tx, {
          userId: p.user_id, template: 'event_cancelled', page: `packages/events/detail/index?id=${id}`, dedupeKey: `cancelled:${p.id}`, sendAfter: now,
          payload: { thing1: thing(r.title), time2: chinaTime(new Date(r.starts_at)), thing3: thing(input.reason || '主办方取消') },
        });
      }
      return this.detail(id, tx);
    });
  }

  /** What a staff member manages: their hosts, each station's yearly duty, and recent and upcoming sessions. */
  async manage(): Promise<ManageOutput> {
    const now = this.deps.clock();
    const { db } = this.deps;
    const stationIds = this.caller.scopesOf('station_staff');
    const schoolIds = this.caller.scopesOf(...SCHOOL_HOST_ROLES);
    const stations = await db.query<{ id: string; name: string }>('SELECT id, name FROM stations WHERE id = ANY($1::uuid[]) ORDER BY name', [stationIds]);
    const schools = await db.query<{ id: string; name: string }>('SELECT id, name FROM schools WHERE id = ANY($1::uuid[]) ORDER BY name', [schoolIds]);
    const hosts: EventHost[] = [
      ...stations.map((s) => ({ type: 'station' as const, id: s.id, name: s.name })),
      ...schools.map((s) => ({ type: 'school' as const, id: s.id, name: s.name })),
    ];
    const rows = await db.query<EventRow>(
      `${EVENT_SELECT} WHERE (e.station_id = ANY($2::uuid[]) OR e.school_id = ANY($3::uuid[])) AND e.ends_at > $4 ORDER BY e.starts_at DESC LIMIT 200`,
      [this.caller.userId, stationIds, schoolIds, new Date(now.getTime() - 365 * DAY)],
    );
    const duties = await Promise.all(stations.map((s) => stationDuty(db, s, chinaYearMonth(now).year, now)));
    return { hosts, duties, events: rows.map((r) => toSummary(r, now)) };
  }

  /** One station's duty for a year (its staff, admins, and federation staff of its region). */
  async duty(stationId: string, year?: number): Promise<DutyStatus> {
    const now = this.deps.clock();
    const station = await maybeOne<{ id: string; name: string; region_id: string }>(this.deps.db, 'SELECT id, name, region_id FROM stations WHERE id = $1', [requireId(stationId, '站点')]);
    if (!station) throw new AppError('NOT_FOUND', '站点不存在');
    const allowed = this.caller.isAdmin || this.caller.has('station_staff', station.id) || (await federationCovers(this.deps.db, this.caller, station.region_id));
    if (!allowed) throw new AppError('NOT_FOUND', '站点不存在');
    return stationDuty(this.deps.db, station, year ?? chinaYearMonth(now).year, now);
  }

  private async hostRegion(tx: Sql, host: { type: 'station' | 'school'; id: string }): Promise<{ region_id: string }> {
    const table = host.type === 'station' ? 'stations' : 'schools';
    const row = await maybeOne<{ region_id: string }>(tx, `SELECT region_id FROM ${table} WHERE id = $1`, [requireId(host.id, '主办方')]);
    if (!row) throw new AppError('NOT_FOUND', '主办方不存在');
    return row;
  }

  private async childContext(sql: Sql = this.deps.db): Promise<ChildContext> {
    return (await childContexts(sql, [this.caller.userId])).get(this.caller.userId) ?? { schools: [], regions: [] };
  }
}

/** The children's context of each of several parents (empty for a parent with no bound child), in one query. */
export async function childContexts(sql: Sql, userIds: readonly string[]): Promise<Map<string, ChildContext>> {
  const rows = await sql.query<{ user_id: string; school_id: string; region_id: string }>(
    `SELECT DISTINCT g.user_id, s.school_id, sc.region_id FROM guardianships g JOIN students s ON s.id = g.student_id JOIN schools sc ON sc.id = s.school_id
      WHERE g.user_id = ANY($1::uuid[]) AND g.revoked_at IS NULL`,
    [userIds],
  );
  const out = new Map<string, ChildContext>(userIds.map((id) => [id, { schools: [], regions: [] }]));
  for (const r of rows) {
    const ctx = out.get(r.user_id) as ChildContext;
    ctx.schools.push(r.school_id);
    if (!ctx.regions.includes(r.region_id)) ctx.regions.push(r.region_id);
  }
  return out;
}

/** One session as the caller sees it, from its row, the caller's children's context and the caller's latest sign-up. */
export function composeDetail(r: EventRow, now: Date, ctx: ChildContext, mine: SignupRow | null, caller: Caller): EventDetail {
  const signup: MySignup | null = mine
    ? {
        id: mine.id, status: mine.status, companion: mine.companion,
        ticketCode: mine.status === 'confirmed' && r.status === 'published' ? mine.ticket_code : null,
        waitlistPosition: mine.waitlist_position, offerExpiresAt: isoOrNull(mine.offer_expires_at),
        checkedInAt: isoOrNull(mine.checked_in_at), createdAt: iso(mine.created_at),
      }
    : null;
  return {
    ...toSummary(r, now, relevance(r, ctx)),
    description: r.description, speaker: r.speaker, latitude: r.latitude, longitude: r.longitude,
    onlineUrl: r.online_url, cancelReason: r.cancel_reason,
    signupOpen: r.status === 'published' && now < new Date(r.signup_deadline) && now < new Date(r.ends_at),
    signup, canManage: managesEvent(caller, r),
  };
}

function hostOfRow(r: EventRow): { type: 'station' | 'school'; id: string } {
  return r.station_id ? { type: 'station', id: r.station_id } : { type: 'school', id: r.school_id as string };
}

function relevance(r: EventRow, ctx: ChildContext): EventSummary['relevance'] {
  if ((r.school_id && ctx.schools.includes(r.school_id)) || (r.station_school_id && ctx.schools.includes(r.station_school_id))) return 'child_school';
  return ctx.regions.includes(r.region_id) ? 'nearby' : 'other';
}

/** Refuses times in the past or out of order (when they change), with a message per field. */
function checkTimes(input: EventInput, now: Date, before?: EventRow): void {
  const starts = new Date(input.startsAt);
  const ends = new Date(input.endsAt);
  const deadline = new Date(input.signupDeadline);
  const details: { path: string; message: string }[] = [];
  const changed = !before || starts.getTime() !== new Date(before.starts_at).getTime();
  if (changed && starts <= now) details.push({ path: 'body.startsAt', message: '开始时间须晚于现在' });
  if (ends <= starts) details.push({ path: 'body.endsAt', message: '结束时间须晚于开始时间' });
  if (ends.getTime() - starts.getTime() > 3 * DAY) details.push({ path: 'body.endsAt', message: '一场活动不超过 3 天' });
  if (deadline > ends) details.push({ path: 'body.signupDeadline', message: '报名截止时间不能晚于活动结束' });
  if (details.length) throw new AppError('VALIDATION_FAILED', details[0]?.message, details);
}

/** Computes a station's yearly duty: held = a 心理健康教育 session of the year, not cancelled, with at least one check-in. */
async function stationDuty(sql: Sql, station: { id: string; name: string }, year: number, now: Date): Promise<DutyStatus> {
  const from = chinaYearStart(year);
  const to = chinaYearStart(year + 1);
  const [row] = await sql.query<{ held: number; planned: number }>(
    `SELECT count(*) FILTER (WHERE EXISTS (SELECT 1 FROM event_signups s WHERE s.event_id = e.id AND s.checked_in_at IS NOT NULL))::int AS held,
            count(*) FILTER (WHERE e.starts_at > $4)::int AS planned
       FROM events e WHERE e.station_id = $1 AND e.mental_health AND e.status = 'published' AND e.starts_at >= $2 AND e.starts_at < $3`,
    [station.id, from, to, now],
  );
  const held = row?.held ?? 0;
  const daysLeft = Math.max(0, Math.ceil((to.getTime() - now.getTime()) / DAY));
  const status: DutyStatus['status'] = held > 0 ? 'done' : now >= to ? 'missed' : 'pending';
  const { year: currentYear, month } = chinaYearMonth(now);
  return {
    stationId: station.id, stationName: station.name, year, status, heldSessions: held, plannedSessions: row?.planned ?? 0, daysLeft,
    urgent: status === 'pending' && currentYear === year && month >= 10,
  };
}
