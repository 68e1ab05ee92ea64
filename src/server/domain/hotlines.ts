/** Local help: each region may set its own help hotline, inherited down the region tree; 12356 is the national default. */
import type { Hotline, HotlineAuditEntry, HotlineOutput, RegionHotlineOutput, SetHotlineInput } from '../../../types';
import type { AppDeps } from '../deps';
import { AppError } from './errors';
import { HELP_HOTLINE } from '../../shared/labels';
import { iso, maybeOne, type Sql } from '../storage/db';
import type { Caller } from './caller';
import { regionWithin, requireId } from './registry';

/** The national line: what a guest sees and where no region sets its own. */
export const NATIONAL_HOTLINE: Hotline = { number: HELP_HOTLINE.number, label: HELP_HOTLINE.name, hours: '24小时', regionId: null, regionName: null };

const OUT_OF_SCOPE = '地区不存在';

interface HotlineRow { number: string; label: string; hours: string; region_id: string; region_name: string }
interface AuditRow { id: string; at: Date; actor_name: string; action: 'set' | 'cleared'; before: SetHotlineInput | null; after: SetHotlineInput | null }

const toHotline = (r: HotlineRow): Hotline => ({ number: r.number, label: r.label, hours: r.hours, regionId: r.region_id, regionName: r.region_name });

/** The nearest hotline for people in a region: its own, else the closest ancestor's, else the national default. */
export async function nearestHotline(sql: Sql, regionId: string): Promise<Hotline> {
  const row = await maybeOne<HotlineRow>(
    sql,
    `WITH RECURSIVE up AS (
       SELECT id, parent_id, name, 0 AS depth FROM regions WHERE id = $1
       UNION ALL SELECT r.id, r.parent_id, r.name, up.depth + 1 FROM regions r JOIN up ON r.id = up.parent_id)
     SELECT h.number, h.label, h.hours, up.id AS region_id, up.name AS region_name
       FROM up JOIN region_hotlines h ON h.region_id = up.id ORDER BY up.depth LIMIT 1`,
    [regionId],
  );
  return row ? toHotline(row) : NATIONAL_HOTLINE;
}

/** The hotline service: built per request (the caller may be a guest). */
export class HotlineService {
  constructor(private readonly deps: AppDeps, private readonly caller: Caller | null) {}

  /**
   * The nearest hotlines for the caller: a parent by their children's schools' regions (one entry per distinct line);
   * staff by their school's, station's or region's; a guest or an administrator the national default.
   */
  async forViewer(): Promise<HotlineOutput> {
    const origins = this.caller ? await this.originRegions(this.caller) : [];
    const hotlines: Hotline[] = [];
    for (const regionId of origins) {
      const line = await nearestHotline(this.deps.db, regionId);
      if (!hotlines.some((h) => h.number === line.number)) hotlines.push(line);
    }
    return { hotlines: hotlines.length ? hotlines : [NATIONAL_HOTLINE], national: NATIONAL_HOTLINE };
  }

  /** A region's own setting, what its people see and the change history (admins; 妇联 staff of the region or above it). */
  async get(regionId: string): Promise<RegionHotlineOutput> {
    const region = await this.requireMayEdit(this.deps.db, regionId);
    return this.describe(this.deps.db, region);
  }

  /** Sets a region's own hotline (or, with null, clears it so the region inherits again); audited in the same transaction. */
  async set(regionId: string, input: SetHotlineInput | null): Promise<RegionHotlineOutput> {
    const caller = this.requireCaller();
    const now = this.deps.clock();
    return this.deps.db.transaction(async (tx) => {
      const region = await this.requireMayEdit(tx, regionId);
      const before = await maybeOne<SetHotlineInput>(tx, 'SELECT number, label, hours FROM region_hotlines WHERE region_id = $1 FOR UPDATE', [region.id]);
      const same = before && input && before.number === input.number && before.label === input.label && before.hours === input.hours;
      if (!same && (before || input)) {
        if (input) {
          await tx.query(
            `INSERT INTO region_hotlines (region_id, number, label, hours, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (region_id) DO UPDATE SET number = excluded.number, label = excluded.label, hours = excluded.hours,
               updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
            [region.id, input.number, input.label, input.hours, caller.userId, now],
          );
        } else {
          await tx.query('DELETE FROM region_hotlines WHERE region_id = $1', [region.id]);
        }
        await tx.query(
          'INSERT INTO hotline_audit (at, actor_id, region_id, action, before, after) VALUES ($1, $2, $3, $4, $5, $6)',
          [now, caller.userId, region.id, input ? 'set' : 'cleared', before ? JSON.stringify(before) : null, input ? JSON.stringify(input) : null],
        );
      }
      return this.describe(tx, region);
    });
  }

  private async describe(sql: Sql, region: { id: string; name: string }): Promise<RegionHotlineOutput> {
    const own = await maybeOne<SetHotlineInput>(sql, 'SELECT number, label, hours FROM region_hotlines WHERE region_id = $1', [region.id]);
    const rows = await sql.query<AuditRow>(
      `SELECT a.id, a.at, u.display_name AS actor_name, a.action, a.before, a.after
         FROM hotline_audit a JOIN users u ON u.id = a.actor_id WHERE a.region_id = $1 ORDER BY a.id DESC LIMIT 50`,
      [region.id],
    );
    const history: HotlineAuditEntry[] = rows.map((r) => ({ id: String(r.id), at: iso(r.at), actorName: r.actor_name, action: r.action, before: r.before, after: r.after }));
    return { regionId: region.id, regionName: region.name, own, effective: await nearestHotline(sql, region.id), history };
  }

  private requireCaller(): Caller {
    if (!this.caller) throw new AppError('UNAUTHENTICATED');
    return this.caller;
  }

  /** Admins edit any region; 妇联 staff their region and below (another region answers as if it did not exist); anyone else is refused. */
  private async requireMayEdit(sql: Sql, regionId: string): Promise<{ id: string; name: string }> {
    const caller = this.requireCaller();
    const scopes = caller.scopesOf('federation_staff');
    if (!caller.isAdmin && scopes.length === 0) throw new AppError('FORBIDDEN', '只有平台管理员和本地区的妇联工作人员可以设置心理援助热线');
    const region = await maybeOne<{ id: string; name: string }>(sql, 'SELECT id, name FROM regions WHERE id = $1', [requireId(regionId, '地区')]);
    if (!region) throw new AppError('NOT_FOUND', OUT_OF_SCOPE);
    if (caller.isAdmin) return region;
    for (const own of scopes) if (await regionWithin(sql, region.id, own)) return region;
    throw new AppError('NOT_FOUND', OUT_OF_SCOPE);
  }

  /** The regions the caller's hotline is resolved from, nearest first. */
  private async originRegions(caller: Caller): Promise<string[]> {
    const children = await this.deps.db.query<{ region_id: string }>(
      `SELECT sc.region_id, min(g.created_at) AS first FROM guardianships g JOIN students s ON s.id = g.student_id JOIN schools sc ON sc.id = s.school_id
        WHERE g.user_id = $1 AND g.revoked_at IS NULL GROUP BY sc.region_id ORDER BY first, sc.region_id`,
      [caller.userId],
    );
    if (children.length) return children.map((r) => r.region_id);
    const schools = caller.scopesOf('school_psychologist', 'head_teacher', 'school_leader');
    const stations = caller.scopesOf('station_staff');
    const staff = await this.deps.db.query<{ region_id: string }>(
      `SELECT region_id FROM schools WHERE id = ANY($1::uuid[])
       UNION SELECT region_id FROM stations WHERE id = ANY($2::uuid[])
       UNION SELECT id FROM regions WHERE id = ANY($3::uuid[])`,
      [schools, stations, caller.scopesOf('federation_staff')],
    );
    return staff.map((r) => r.region_id);
  }
}
