/** The registry of regions, schools and stations: the denominators of every report. */
import type {
  CreateRegionInput, CreateSchoolInput, CreateStationInput, Region, RegionDetailOutput, RegionLevel, RegionSummary, RegistryAuditEntry, RegistryAuditOutput,
  School, SchoolContactOutput, SetOpenDatesInput, SetSchoolContactInput, Stage, Station, StationKind,
  UpdateRegionInput, UpdateSchoolInput, UpdateStationInput,
} from '../../../types';
import type { AppDeps } from '../deps';
import { AppError } from './errors';
import { iso, maybeOne, one, type Sql } from '../storage/db';
import type { Caller } from './caller';
import { isUuid } from './identity';

interface OpenDates { opened_on: string | null; closed_on: string | null }
interface RegionRow extends OpenDates { id: string; code: string; name: string; level: RegionLevel; parent_id: string | null }
interface SummaryRow extends RegionRow { child_count: number; school_count: number; station_count: number }
interface SchoolRow extends OpenDates { id: string; name: string; region_id: string; stages: Stage[] }
interface StationRow extends OpenDates { id: string; name: string; kind: StationKind; region_id: string; school_id: string | null; address: string }
interface AuditRow {
  id: string; at: Date; actor_id: string; actor_name: string; entity_type: 'region' | 'school' | 'station' | 'class'; entity_id: string; action: string;
  before: Record<string, string | null>; after: Record<string, string | null>;
}

/** The open / close dates as text (`YYYY-MM-DD`), so no driver turns them into instants. */
const DATES_SQL = `to_char(opened_on, 'YYYY-MM-DD') AS opened_on, to_char(closed_on, 'YYYY-MM-DD') AS closed_on`;
const SCHOOL_SQL = `id, name, region_id, stages, ${DATES_SQL}`;
const STATION_SQL = `id, name, kind, region_id, school_id, address, ${DATES_SQL}`;
const REGION_SQL = `id, code, name, level, parent_id, ${DATES_SQL}`;

const SUMMARY_SQL = `SELECT r.id, r.code, r.name, r.level, r.parent_id,
  to_char(r.opened_on, 'YYYY-MM-DD') AS opened_on, to_char(r.closed_on, 'YYYY-MM-DD') AS closed_on,
  (SELECT count(*)::int FROM regions c WHERE c.parent_id = r.id) AS child_count,
  (SELECT count(*)::int FROM schools s WHERE s.region_id IN (SELECT id FROM subtree(r.id))) AS school_count,
  (SELECT count(*)::int FROM stations s WHERE s.region_id IN (SELECT id FROM subtree(r.id))) AS station_count
  FROM regions r`;

const PARENT_LEVEL: Record<RegionLevel, RegionLevel | null> = { province: null, city: 'province', district: 'city' };

const toRegion = (r: RegionRow): Region => ({
  id: r.id, code: r.code, name: r.name, level: r.level, parentId: r.parent_id, openedOn: r.opened_on, closedOn: r.closed_on,
});
const toSummary = (r: SummaryRow): RegionSummary => ({ ...toRegion(r), childCount: r.child_count, schoolCount: r.school_count, stationCount: r.station_count });
const toSchool = (r: SchoolRow): School => ({ id: r.id, name: r.name, regionId: r.region_id, stages: r.stages, openedOn: r.opened_on, closedOn: r.closed_on });
const toStation = (r: StationRow): Station => ({
  id: r.id, name: r.name, kind: r.kind, regionId: r.region_id, schoolId: r.school_id, address: r.address, openedOn: r.opened_on, closedOn: r.closed_on,
});
const toAudit = (r: AuditRow): RegistryAuditEntry => ({
  id: String(r.id), at: iso(r.at), actorId: r.actor_id, actorName: r.actor_name, entityType: r.entity_type, entityId: r.entity_id, action: r.action,
  before: r.before, after: r.after,
});

/** The China-time calendar date (`YYYY-MM-DD`) of an instant. */
function chinaDate(at: Date): string {
  return new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}

/** Refuses a closed region (or one with a close date set) as the parent of a new region, school or station. */
function refuseClosedParent(region: RegionRow, what: '地区' | '学校' | '站点'): void {
  if (region.closed_on) throw new AppError('CONFLICT', `地区“${region.name}”已停办（停办日期 ${region.closed_on}），不能在其下新增${what}`);
}

/**
 * Refuses a close date (or none) later than that of a closed region above the unit: a region closes only once everything
 * under it is closed by its date, and nothing under it may reopen or outlive it. The ancestors are locked FOR SHARE, so a
 * region being closed at the same time waits for this change, or this change waits for it and sees its date.
 */
async function refuseOutlivingAncestor(tx: Sql, regionId: string, closedOn: string | null): Promise<void> {
  // No ORDER BY: PostgreSQL sorts before it locks, so a sort would use the dates from before a concurrent close.
  const ancestors = await tx.query<{ name: string; closed_on: string | null }>(
    `SELECT name, to_char(closed_on, 'YYYY-MM-DD') AS closed_on FROM regions
      WHERE id IN (WITH RECURSIVE up AS (SELECT id, parent_id FROM regions WHERE id = $1
                   UNION ALL SELECT r.id, r.parent_id FROM regions r JOIN up ON r.id = up.parent_id) SELECT id FROM up)
      FOR SHARE`,
    [regionId],
  );
  const closed = ancestors.filter((a) => a.closed_on).sort((a, b) => (a.closed_on as string).localeCompare(b.closed_on as string))[0];
  if (closed?.closed_on && (closedOn === null || closedOn > closed.closed_on)) {
    throw new AppError('CONFLICT', `上级地区“${closed.name}”已停办（停办日期 ${closed.closed_on}），本单位的停办日期不能晚于该日期`);
  }
}

/** Throws NOT_FOUND for a malformed id, so it never reaches SQL. */
export function requireId(id: string, what = '内容'): string {
  if (!isUuid(id)) throw new AppError('NOT_FOUND', `${what}不存在`);
  return id;
}

/** Whether region `inner` is `outer` or lies under it. */
export async function regionWithin(sql: Sql, inner: string, outer: string): Promise<boolean> {
  return Boolean(await maybeOne(sql, 'SELECT 1 FROM subtree($1) WHERE id = $2', [outer, inner]));
}

/** The registry service: built per request. */
export class RegistryService {
  constructor(private readonly deps: AppDeps, private readonly caller: Caller | null) {}

  /** Top-level regions, or the children of a region, with counts of what lies under each. */
  async listRegions(parentId: string | undefined): Promise<RegionSummary[]> {
    const rows = parentId
      ? await this.deps.db.query<SummaryRow>(`${SUMMARY_SQL} WHERE r.parent_id = $1 ORDER BY r.code`, [requireId(parentId, '地区')])
      : await this.deps.db.query<SummaryRow>(`${SUMMARY_SQL} WHERE r.parent_id IS NULL ORDER BY r.code`);
    return rows.map(toSummary);
  }

  /** One region with its ancestors, children, schools and stations. */
  async getRegion(id: string): Promise<RegionDetailOutput> {
    const { db } = this.deps;
    const row = await maybeOne<SummaryRow>(db, `${SUMMARY_SQL} WHERE r.id = $1`, [requireId(id, '地区')]);
    if (!row) throw new AppError('NOT_FOUND', '地区不存在');
    const path = await db.query<RegionRow & { depth: number }>(
      `WITH RECURSIVE up AS (
         SELECT id, code, name, level, parent_id, opened_on, closed_on, 0 AS depth FROM regions WHERE id = $1
         UNION ALL SELECT r.id, r.code, r.name, r.level, r.parent_id, r.opened_on, r.closed_on, up.depth + 1 FROM regions r JOIN up ON r.id = up.parent_id)
       SELECT id, code, name, level, parent_id, ${DATES_SQL}, depth FROM up ORDER BY depth DESC`,
      [id],
    );
    const children = await db.query<SummaryRow>(`${SUMMARY_SQL} WHERE r.parent_id = $1 ORDER BY r.code`, [id]);
    return {
      region: toSummary(row),
      path: path.map(toRegion),
      children: children.map(toSummary),
      schools: await this.listSchools(id),
      stations: await this.listStations(id),
    };
  }

  /** Schools in a region and everything under it. */
  async listSchools(regionId: string): Promise<School[]> {
    await this.requireRegion(regionId);
    const rows = await this.deps.db.query<SchoolRow>(
      `SELECT ${SCHOOL_SQL} FROM schools WHERE region_id IN (SELECT id FROM subtree($1)) ORDER BY name`,
      [regionId],
    );
    return rows.map(toSchool);
  }

  /** Stations in a region and everything under it. */
  async listStations(regionId: string): Promise<Station[]> {
    await this.requireRegion(regionId);
    const rows = await this.deps.db.query<StationRow>(
      `SELECT ${STATION_SQL} FROM stations WHERE region_id IN (SELECT id FROM subtree($1)) ORDER BY name`,
      [regionId],
    );
    return rows.map(toStation);
  }

  /** Adds a region (admin). A province has no parent; a city's parent is a province; a district's a city. */
  async createRegion(input: CreateRegionInput): Promise<Region> {
    this.requireAdmin();
    return this.deps.db.transaction(async (tx) => {
      const wanted = PARENT_LEVEL[input.level];
      if (wanted === null && input.parentId) throw new AppError('VALIDATION_FAILED', '省级地区不能有上级地区');
      if (wanted !== null) {
        if (!input.parentId) throw new AppError('VALIDATION_FAILED', '请选择上级地区');
        const parent = await maybeOne<RegionRow>(tx, `SELECT ${REGION_SQL} FROM regions WHERE id = $1 FOR SHARE`, [requireId(input.parentId, '上级地区')]);
        if (!parent) throw new AppError('NOT_FOUND', '上级地区不存在');
        refuseClosedParent(parent, '地区');
        if (parent.level !== wanted) throw new AppError('VALIDATION_FAILED', '上级地区的层级不对：市的上级须为省，区县的上级须为市');
      }
      if (await maybeOne(tx, 'SELECT 1 FROM regions WHERE code = $1', [input.code])) throw new AppError('CONFLICT', '该行政区划代码已存在');
      const row = await one<RegionRow>(
        tx,
        `INSERT INTO regions (code, name, level, parent_id) VALUES ($1, $2, $3, $4) RETURNING ${REGION_SQL}`,
        [input.code, input.name, input.level, input.parentId],
      );
      return toRegion(row);
    });
  }

  /** Adds a school (admin), open from today (China date) until its dates are edited. */
  async createSchool(input: CreateSchoolInput): Promise<School> {
    this.requireAdmin();
    return this.deps.db.transaction(async (tx) => {
      refuseClosedParent(await this.requireRegion(input.regionId, tx, true), '学校');
      if (await maybeOne(tx, 'SELECT 1 FROM schools WHERE region_id = $1 AND name = $2', [input.regionId, input.name])) {
        throw new AppError('CONFLICT', '该地区已有同名学校');
      }
      const row = await one<SchoolRow>(
        tx,
        `INSERT INTO schools (name, region_id, stages, opened_on) VALUES ($1, $2, $3, $4) RETURNING ${SCHOOL_SQL}`,
        [input.name, input.regionId, [...new Set(input.stages)], chinaDate(this.deps.clock())],
      );
      return toSchool(row);
    });
  }

  /** Sets or clears how parents reach a school's psychology teacher (admin). */
  async setSchoolContact(schoolId: string, input: SetSchoolContactInput): Promise<SchoolContactOutput> {
    this.requireAdmin();
    const c = input.contact;
    const row = await maybeOne<{ id: string }>(
      this.deps.db,
      'UPDATE schools SET psych_contact_name = $2, psych_contact_phone = $3, psych_contact_hours = $4 WHERE id = $1 RETURNING id',
      [requireId(schoolId, '学校'), c?.name ?? null, c?.phone ?? null, c?.officeHours ?? ''],
    );
    if (!row) throw new AppError('NOT_FOUND', '学校不存在');
    return { schoolId: row.id, contact: c };
  }

  /** Adds a station (admin), open from today (China date); a station attached to a school must be in that school's region. */
  async createStation(input: CreateStationInput): Promise<Station> {
    this.requireAdmin();
    return this.deps.db.transaction(async (tx) => {
      refuseClosedParent(await this.requireRegion(input.regionId, tx, true), '站点');
      if (input.schoolId) {
        const school = await maybeOne<SchoolRow>(tx, 'SELECT region_id FROM schools WHERE id = $1', [requireId(input.schoolId, '学校')]);
        if (!school) throw new AppError('NOT_FOUND', '学校不存在');
        if (!(await regionWithin(tx, school.region_id, input.regionId))) throw new AppError('VALIDATION_FAILED', '站点所属学校不在该地区');
      }
      if (await maybeOne(tx, 'SELECT 1 FROM stations WHERE region_id = $1 AND name = $2', [input.regionId, input.name])) {
        throw new AppError('CONFLICT', '该地区已有同名站点');
      }
      const row = await one<StationRow>(
        tx,
        `INSERT INTO stations (name, kind, region_id, school_id, address, opened_on) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${STATION_SQL}`,
        [input.name, input.kind, input.regionId, input.schoolId, input.address, chinaDate(this.deps.clock())],
      );
      return toStation(row);
    });
  }

  /**
   * Sets a region's open / close dates (admin, audited). Closing is refused while a region, school or station under it
   * is still open at the close date (not closed, or closed later).
   */
  async setRegionDates(regionId: string, input: SetOpenDatesInput): Promise<Region> {
    const id = requireId(regionId, '地区');
    return toRegion(await this.setDates<RegionRow>('region', id, input, async (tx) => {
      if (input.closedOn === null) return;
      const open = await one<{ regions: number; schools: number; stations: number }>(
        tx,
        `SELECT (SELECT count(*)::int FROM subtree($1) t JOIN regions r ON r.id = t.id WHERE r.id <> $1 AND (r.closed_on IS NULL OR r.closed_on > $2)) AS regions,
                (SELECT count(*)::int FROM schools s WHERE s.region_id IN (SELECT id FROM subtree($1)) AND (s.closed_on IS NULL OR s.closed_on > $2)) AS schools,
                (SELECT count(*)::int FROM stations s WHERE s.region_id IN (SELECT id FROM subtree($1)) AND (s.closed_on IS NULL OR s.closed_on > $2)) AS stations`,
        [id, input.closedOn],
      );
      const left = [open.regions && `下级地区 ${open.regions} 个`, open.schools && `学校 ${open.schools} 所`, open.stations && `站点 ${open.stations} 个`].filter(Boolean);
      if (left.length) {
        throw new AppError('CONFLICT', `该地区下还有到 ${input.closedOn} 仍未停办的${left.join('、')}，请先为它们设置不晚于该日期的停办日期，再停办该地区`);
      }
    }));
  }

  /** Sets a school's open / close dates (admin); the change is written to the registry audit trail in the same transaction. */
  async setSchoolDates(schoolId: string, input: SetOpenDatesInput): Promise<School> {
    return toSchool(await this.setDates('school', requireId(schoolId, '学校'), input));
  }

  /** Sets a station's open / close dates (admin, audited): the station counts in a period's coverage only while open. */
  async setStationDates(stationId: string, input: SetOpenDatesInput): Promise<Station> {
    return toStation(await this.setDates('station', requireId(stationId, '站点'), input));
  }

  private async setDates<R extends RegionRow | SchoolRow | StationRow>(
    type: 'region' | 'school' | 'station', id: string, input: SetOpenDatesInput, check?: (tx: Sql) => Promise<void>,
  ): Promise<R> {
    this.requireAdmin();
    const table = { region: 'regions', school: 'schools', station: 'stations' }[type];
    const columns = { region: REGION_SQL, school: SCHOOL_SQL, station: STATION_SQL }[type];
    return this.deps.db.transaction(async (tx) => {
      const parent = type === 'region' ? 'parent_id' : 'region_id';
      const before = await maybeOne<OpenDates & { parent: string | null }>(tx, `SELECT ${DATES_SQL}, ${parent} AS parent FROM ${table} WHERE id = $1 FOR UPDATE`, [id]);
      if (!before) throw new AppError('NOT_FOUND', { region: '地区不存在', school: '学校不存在', station: '站点不存在' }[type]);
      if (before.parent) await refuseOutlivingAncestor(tx, before.parent, input.closedOn);
      if (check) await check(tx);
      const row = await one<R>(tx, `UPDATE ${table} SET opened_on = $2, closed_on = $3 WHERE id = $1 RETURNING ${columns}`, [id, input.openedOn, input.closedOn]);
      if (before.opened_on !== row.opened_on || before.closed_on !== row.closed_on) {
        await tx.query(
          `INSERT INTO registry_audit (at, actor_id, entity_type, entity_id, action, before, after) VALUES ($1, $2, $3, $4, 'open_dates', $5, $6)`,
          [
            this.deps.clock(), (this.caller as Caller).userId, type, id,
            JSON.stringify({ openedOn: before.opened_on, closedOn: before.closed_on }), JSON.stringify({ openedOn: row.opened_on, closedOn: row.closed_on }),
          ],
        );
      }
      return row;
    });
  }

  /** Renames a region (admin; audited). */
  async updateRegion(id: string, input: UpdateRegionInput): Promise<Region> {
    this.requireAdmin();
    return this.deps.db.transaction(async (tx) => {
      const before = await maybeOne<RegionRow>(tx, `SELECT ${REGION_SQL} FROM regions WHERE id = $1 FOR UPDATE`, [requireId(id, '地区')]);
      if (!before) throw new AppError('NOT_FOUND', '地区不存在');
      if (before.name !== input.name) {
        await tx.query('UPDATE regions SET name = $2 WHERE id = $1', [id, input.name]);
        await this.audit(tx, 'region', id, 'edited', { name: before.name }, { name: input.name });
      }
      return toRegion({ ...before, name: input.name });
    });
  }

  /** Edits a school's name and stages (admin; audited). */
  async updateSchool(id: string, input: UpdateSchoolInput): Promise<School> {
    this.requireAdmin();
    return this.deps.db.transaction(async (tx) => {
      const before = await maybeOne<SchoolRow>(tx, `SELECT ${SCHOOL_SQL} FROM schools WHERE id = $1 FOR UPDATE`, [requireId(id, '学校')]);
      if (!before) throw new AppError('NOT_FOUND', '学校不存在');
      if (input.name !== before.name && (await maybeOne(tx, 'SELECT 1 FROM schools WHERE region_id = $1 AND name = $2', [before.region_id, input.name]))) {
        throw new AppError('CONFLICT', '该地区已有同名学校');
      }
      const stages = [...new Set(input.stages)];
      const row = await one<SchoolRow>(tx, `UPDATE schools SET name = $2, stages = $3 WHERE id = $1 RETURNING ${SCHOOL_SQL}`, [id, input.name, stages]);
      if (before.name !== row.name || before.stages.join() !== row.stages.join()) {
        await this.audit(tx, 'school', id, 'edited', { name: before.name, stages: before.stages.join(',') }, { name: row.name, stages: row.stages.join(',') });
      }
      return toSchool(row);
    });
  }

  /** Edits a station's name, kind and address (admin; audited). */
  async updateStation(id: string, input: UpdateStationInput): Promise<Station> {
    this.requireAdmin();
    return this.deps.db.transaction(async (tx) => {
      const before = await maybeOne<StationRow>(tx, `SELECT ${STATION_SQL} FROM stations WHERE id = $1 FOR UPDATE`, [requireId(id, '站点')]);
      if (!before) throw new AppError('NOT_FOUND', '站点不存在');
      if (input.name !== before.name && (await maybeOne(tx, 'SELECT 1 FROM stations WHERE region_id = $1 AND name = $2', [before.region_id, input.name]))) {
        throw new AppError('CONFLICT', '该地区已有同名站点');
      }
      const row = await one<StationRow>(tx, `UPDATE stations SET name = $2, kind = $3, address = $4 WHERE id = $1 RETURNING ${STATION_SQL}`, [id, input.name, input.kind, input.address]);
      if (before.name !== row.name || before.kind !== row.kind || before.address !== row.address) {
        await this.audit(tx, 'station', id, 'edited', { name: before.name, kind: before.kind, address: before.address }, { name: row.name, kind: row.kind, address: row.address });
      }
      return toStation(row);
    });
  }

  private async audit(tx: Sql, type: 'region' | 'school' | 'station', id: string, action: string, before: Record<string, string | null>, after: Record<string, string | null>): Promise<void> {
    await tx.query(
      'INSERT INTO registry_audit (at, actor_id, entity_type, entity_id, action, before, after) VALUES ($1, $2, $3, $4, $5, $6, $7)',
      [this.deps.clock(), (this.caller as Caller).userId, type, id, action, JSON.stringify(before), JSON.stringify(after)],
    );
  }

  /** The registry audit trail (admin): the edits of one school or station, or all, newest first (at most 200). */
  async auditTrail(entityId: string | undefined): Promise<RegistryAuditOutput> {
    this.requireAdmin();
    const rows = await this.deps.db.query<AuditRow>(
      `SELECT a.id, a.at, a.actor_id, u.display_name AS actor_name, a.entity_type, a.entity_id, a.action, a.before, a.after
         FROM registry_audit a JOIN users u ON u.id = a.actor_id WHERE $1::uuid IS NULL OR a.entity_id = $1 ORDER BY a.id DESC LIMIT 200`,
      [entityId ?? null],
    );
    return { entries: rows.map(toAudit) };
  }

  private requireAdmin(): void {
    if (!this.caller) throw new AppError('UNAUTHENTICATED');
    this.caller.requireAdmin();
  }

  /** The region (NOT_FOUND if none); `lock` takes a share lock, so a concurrent close waits for (and sees) what this adds under it. */
  private async requireRegion(id: string, sql: Sql = this.deps.db, lock = false): Promise<RegionRow> {
    const row = await maybeOne<RegionRow>(sql, `SELECT ${REGION_SQL} FROM regions WHERE id = $1${lock ? ' FOR SHARE' : ''}`, [requireId(id, '地区')]);
    if (!row) throw new AppError('NOT_FOUND', '地区不存在');
    return row;
  }
}
