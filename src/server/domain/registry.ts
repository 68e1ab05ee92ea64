/** The registry of regions, schools and stations: the denominators of every report. */
import type {
  CreateRegionInput, CreateSchoolInput, CreateStationInput, Region, RegionDetailOutput, RegionLevel, RegionSummary, School, SchoolContactOutput,
  SetSchoolContactInput, Stage, Station, StationKind,
} from '../../../types';
import type { AppDeps } from '../deps';
import { AppError } from '../http/errors';
import { maybeOne, one, type Sql } from '../storage/db';
import type { Caller } from './caller';
import { isUuid } from './identity';

interface RegionRow { id: string; code: string; name: string; level: RegionLevel; parent_id: string | null }
interface SummaryRow extends RegionRow { child_count: number; school_count: number; station_count: number }
interface SchoolRow { id: string; name: string; region_id: string; stages: Stage[] }
interface StationRow { id: string; name: string; kind: StationKind; region_id: string; school_id: string | null; address: string }

const SUMMARY_SQL = `SELECT r.id, r.code, r.name, r.level, r.parent_id,
  (SELECT count(*)::int FROM regions c WHERE c.parent_id = r.id) AS child_count,
  (SELECT count(*)::int FROM schools s WHERE s.region_id IN (SELECT id FROM subtree(r.id))) AS school_count,
  (SELECT count(*)::int FROM stations s WHERE s.region_id IN (SELECT id FROM subtree(r.id))) AS station_count
  FROM regions r`;

const PARENT_LEVEL: Record<RegionLevel, RegionLevel | null> = { province: null, city: 'province', district: 'city' };

const toRegion = (r: RegionRow): Region => ({ id: r.id, code: r.code, name: r.name, level: r.level, parentId: r.parent_id });
const toSummary = (r: SummaryRow): RegionSummary => ({ ...toRegion(r), childCount: r.child_count, schoolCount: r.school_count, stationCount: r.station_count });
const toSchool = (r: SchoolRow): School => ({ id: r.id, name: r.name, regionId: r.region_id, stages: r.stages });
const toStation = (r: StationRow): Station => ({ id: r.id, name: r.name, kind: r.kind, regionId: r.region_id, schoolId: r.school_id, address: r.address });

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
         SELECT id, code, name, level, parent_id, 0 AS depth FROM regions WHERE id = $1
         UNION ALL SELECT r.id, r.code, r.name, r.level, r.parent_id, up.depth + 1 FROM regions r JOIN up ON r.id = up.parent_id)
       SELECT * FROM up ORDER BY depth DESC`,
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
      'SELECT id, name, region_id, stages FROM schools WHERE region_id IN (SELECT id FROM subtree($1)) ORDER BY name',
      [regionId],
    );
    return rows.map(toSchool);
  }

  /** Stations in a region and everything under it. */
  async listStations(regionId: string): Promise<Station[]> {
    await this.requireRegion(regionId);
    const rows = await this.deps.db.query<StationRow>(
      'SELECT id, name, kind, region_id, school_id, address FROM stations WHERE region_id IN (SELECT id FROM subtree($1)) ORDER BY name',
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
        const parent = await maybeOne<RegionRow>(tx, 'SELECT level FROM regions WHERE id = $1', [requireId(input.parentId, '上级地区')]);
        if (!parent) throw new AppError('NOT_FOUND', '上级地区不存在');
        if (parent.level !== wanted) throw new AppError('VALIDATION_FAILED', '上级地区的层级不对：市的上级须为省，区县的上级须为市');
      }
      if (await maybeOne(tx, 'SELECT 1 FROM regions WHERE code = $1', [input.code])) throw new AppError('CONFLICT', '该行政区划代码已存在');
      const row = await one<RegionRow>(
        tx,
        'INSERT INTO regions (code, name, level, parent_id) VALUES ($1, $2, $3, $4) RETURNING id, code, name, level, parent_id',
        [input.code, input.name, input.level, input.parentId],
      );
      return toRegion(row);
    });
  }

  /** Adds a school (admin). */
  async createSchool(input: CreateSchoolInput): Promise<School> {
    this.requireAdmin();
    return this.deps.db.transaction(async (tx) => {
      await this.requireRegion(input.regionId, tx);
      if (await maybeOne(tx, 'SELECT 1 FROM schools WHERE region_id = $1 AND name = $2', [input.regionId, input.name])) {
        throw new AppError('CONFLICT', '该地区已有同名学校');
      }
      const row = await one<SchoolRow>(
        tx,
        'INSERT INTO schools (name, region_id, stages) VALUES ($1, $2, $3) RETURNING id, name, region_id, stages',
        [input.name, input.regionId, [...new Set(input.stages)]],
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

  /** Adds a station (admin); a station attached to a school must be in that school's region. */
  async createStation(input: CreateStationInput): Promise<Station> {
    this.requireAdmin();
    return this.deps.db.transaction(async (tx) => {
      await this.requireRegion(input.regionId, tx);
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
        'INSERT INTO stations (name, kind, region_id, school_id, address) VALUES ($1, $2, $3, $4, $5) RETURNING id, name, kind, region_id, school_id, address',
        [input.name, input.kind, input.regionId, input.schoolId, input.address],
      );
      return toStation(row);
    });
  }

  private requireAdmin(): void {
    if (!this.caller) throw new AppError('UNAUTHENTICATED');
    this.caller.requireAdmin();
  }

  private async requireRegion(id: string, sql: Sql = this.deps.db): Promise<void> {
    if (!(await maybeOne(sql, 'SELECT 1 FROM regions WHERE id = $1', [requireId(id, '地区')]))) throw new AppError('NOT_FOUND', '地区不存在');
  }
}
