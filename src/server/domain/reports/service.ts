/** 妇联 reporting: the dashboard of a unit and period, its export, and period closes — for federation staff of the region and admins. */
import { createHash } from 'node:crypto';
import type {
  AtRiskStation, ReportClosure, ReportClosureListOutput, ReportCloseInput, ReportDashboardOutput, ReportQuery, ReportScopeOutput, ReportUnit,
  ReportUnitType, Restatement,
} from '../../../../types';
import type { AppDeps } from '../../deps';
import { AppError } from '../errors';
import { iso, maybeOne, type Sql } from '../../storage/db';
import type { Caller } from '../caller';
import { federationCovers } from '../events/common';
import { requireId } from '../registry';
import { learningCells, publicFigures, readFigures, trend, type RawFigures } from './figures';
import { applySuppression, suppressionPattern } from './pattern';
import { parsePeriod, type Period } from './period';
import { hidden } from './suppress';

/** How many at-risk stations the dashboard lists (the export lists all). */
export const AT_RISK_LIMIT = 200;

const OUT_OF_SCOPE = '地区不存在或不在您的管辖范围内';

interface UnitRow { id: string; name: string; type: ReportUnitType; parent_id: string | null; code: string }

/** The labels of the figures kept in a closed period, and whether each counts people (suppressed below 5). */
export const FIGURE_LABELS: Record<keyof RawFigures, { label: string; people: boolean }> = {
  stations: { label: '站点数', people: false },
  stationsHeld: { label: '已开展心理健康教育的站点', people: false },
  familiesReached: { label: '覆盖家庭', people: true },
  parentsOnline: { label: '线上学习家长', people: true },
  parentsAttended: { label: '参加活动家长', people: true },
  enrolments: { label: '课程报名', people: true },
  completions: { label: '课程完成', people: true },
  householdCompletions: { label: '课程完成（户）', people: true },
  learningSeconds: { label: '学习时长（秒）', people: false },
  sessions: { label: '活动场次', people: false },
  mentalHealthSessions: { label: '心理健康教育活动场次', people: false },
  held: { label: '有家长签到的活动场次', people: false },
  mentalHealthHeld: { label: '有家长签到的心理健康教育活动场次', people: false },
  signups: { label: '活动报名', people: true },
  attended: { label: '活动签到', people: true },
};

/** A figure as it may leave the server. */
function shown(key: keyof RawFigures, n: number): string {
  return FIGURE_LABELS[key].people && hidden(n) ? '<5' : String(Math.round(n * 100) / 100);
}

const UNIT_SQL = `SELECT id, name, level AS type, parent_id, code FROM regions WHERE id = $1
  UNION ALL SELECT id, name, 'school', region_id, '' FROM schools WHERE id = $1
  UNION ALL SELECT id, name, 'station', region_id, '' FROM stations WHERE id = $1`;

const toUnit = (r: UnitRow): ReportUnit => ({ id: r.id, name: r.name, type: r.type, parentId: r.parent_id });

interface ClosureRow { id: string; region_id: string; from_ym: number; to_ym: number; figures: { units?: Record<string, RawFigures> }; sha256: string; closed_at: Date; closed_by: string }

/** Everything the dashboard and the export show. */
export interface ReportData extends ReportDashboardOutput {
  /** All at-risk stations (the dashboard shows the first AT_RISK_LIMIT). */
  allAtRisk: AtRiskStation[];
}

/** The reporting service: built per request. */
export class ReportService {
  constructor(private readonly deps: AppDeps, private readonly caller: Caller) {}

  /** Federation staff (their regions) and admins (every province) only. */
  private topRegions(): string[] | 'all' {
    if (this.caller.isAdmin) return 'all';
    const scopes = this.caller.scopesOf('federation_staff');
    if (scopes.length === 0) throw new AppError('REPORTS_FORBIDDEN');
    return scopes;
  }

  /** The regions the caller may report on (admins: the provinces). */
  async scope(): Promise<ReportScopeOutput> {
    const top = this.topRegions();
    const rows = await this.deps.db.query<UnitRow>(
      top === 'all'
        ? `SELECT id, name, level AS type, parent_id, code FROM regions WHERE parent_id IS NULL ORDER BY code`
        : `SELECT id, name, level AS type, parent_id, code FROM regions WHERE id = ANY($1::uuid[]) ORDER BY code`,
      top === 'all' ? [] : [top],
    );
    return { regions: rows.map(toUnit) };
  }

  /** Resolves the unit the caller asked for (their first region when absent); NOT_FOUND for unknown and out-of-scope ids alike. */
  private async unit(unitId: string | undefined, sql: Sql = this.deps.db): Promise<UnitRow> {
    const top = this.topRegions();
    if (!unitId) {
      const { regions } = await this.scope();
      const first = regions[0];
      if (!first) throw new AppError('NOT_FOUND', OUT_OF_SCOPE);
      return (await maybeOne<UnitRow>(sql, UNIT_SQL, [first.id])) as UnitRow;
    }
    const row = await maybeOne<UnitRow>(sql, UNIT_SQL, [requireId(unitId, '地区')]);
    if (!row) throw new AppError('NOT_FOUND', OUT_OF_SCOPE);
    const region = row.type === 'school' || row.type === 'station' ? (row.parent_id as string) : row.id;
    if (top !== 'all' && !(await federationCovers(sql, this.caller, region))) throw new AppError('NOT_FOUND', OUT_OF_SCOPE);
    return row;
  }

  /** The units above a unit, from the caller's top region down. */
  private async breadcrumbs(row: UnitRow): Promise<ReportUnit[]> {
    const top = this.topRegions();
    const up = await this.deps.db.query<UnitRow & { depth: number }>(
      `WITH RECURSIVE up AS (
         SELECT id, name, level AS type, parent_id, code, 1 AS depth FROM regions WHERE id = $1
         UNION ALL SELECT r.id, r.name, r.level, r.parent_id, r.code, up.depth + 1 FROM regions r JOIN up ON r.id = up.parent_id)
       SELECT * FROM up ORDER BY depth DESC`,
      [row.parent_id],
    );
    const units = up.map(toUnit);
    if (top === 'all') return units;
    const start = units.findIndex((u) => top.includes(u.id));
    return start < 0 ? [] : units.slice(start);
  }

  /** The children of a unit in the drill-down: sub-regions, then the schools and stations registered directly in it. */
  private async children(row: UnitRow, sql: Sql = this.deps.db): Promise<ReportUnit[]> {
    if (row.type === 'school' || row.type === 'station') return [];
    const rows = await sql.query<UnitRow>(
      `SELECT id, name, level AS type, parent_id, code FROM regions WHERE parent_id = $1
       UNION ALL SELECT id, name, 'school', region_id, '1' || name FROM schools WHERE region_id = $1
       UNION ALL SELECT id, name, 'station', region_id, '2' || name FROM stations WHERE region_id = $1
       ORDER BY code`,
      [row.id],
    );
    return rows.map(toUnit);
  }

  /** The dashboard (and export) data of a unit and period. */
  async data(query: ReportQuery): Promise<ReportData> {
    const now = this.deps.clock();
    const period = parsePeriod(query.period, now);
    const row = await this.unit(query.unitId);
    const unit = toUnit(row);
    const [breadcrumbs, children] = await Promise.all([this.breadcrumbs(row), this.children(row)]);
    const figures = await readFigures(this.deps.db, [unit, ...children], period);
    const mine = figures.get(unit.id) as NonNullable<ReturnType<typeof figures.get>>;
    const allAtRisk = await this.stations(mine.atRiskStationIds);
    const closure = isRegionType(unit.type) ? await this.closureOf(unit.id, period, figures) : null;
    const pattern = await suppressionPattern(this.deps.db, unit.id, period.year, now);
    return applySuppression({
      unit, breadcrumbs, period: { key: period.key, from: period.from, to: period.to, label: period.label },
      figures: publicFigures(unit, mine.raw), learningCells: learningCells(mine),
      children: children.map((c) => ({ unit: c, figures: publicFigures(c, (figures.get(c.id) as typeof mine).raw) })),
      atRisk: allAtRisk.slice(0, AT_RISK_LIMIT), atRiskTotal: allAtRisk.length, trend: trend(mine), closure, generatedAt: now.toISOString(), allAtRisk,
    }, pattern, period);
  }

  /** The dashboard of a unit and period. */
  async dashboard(query: ReportQuery): Promise<ReportDashboardOutput> {
    const { allAtRisk: _all, ...out } = await this.data(query);
    return out;
  }

  private async stations(ids: string[]): Promise<AtRiskStation[]> {
    if (ids.length === 0) return [];
    const rows = await this.deps.db.query<{ id: string; name: string; kind: AtRiskStation['kind']; region_id: string; region_name: string }>(
      `SELECT st.id, st.name, st.kind, st.region_id, r.name AS region_name FROM stations st JOIN regions r ON r.id = st.region_id
        WHERE st.id = ANY($1::uuid[]) ORDER BY r.code, st.name`,
      [ids],
    );
    return rows.map((r) => ({ id: r.id, name: r.name, kind: r.kind, regionId: r.region_id, regionName: r.region_name }));
  }

  /** Closes a region's period: freezes its figures and its children's as canonical JSON with a SHA-256. */
  async close(input: ReportCloseInput): Promise<ReportClosure> {
    const now = this.deps.clock();
    const period = parsePeriod(input.period, now);
    if (!period.ended) throw new AppError('VALIDATION_FAILED', '统计期间尚未结束，不能关账', [{ path: 'period', message: '统计期间尚未结束，不能关账' }]);
    return this.deps.db.transaction(async (tx) => {
      const row = await this.unit(input.regionId, tx);
      if (!isRegionType(row.type)) throw new AppError('VALIDATION_FAILED', '只能按地区关账', [{ path: 'regionId', message: '只能按地区关账' }]);
      const done = await maybeOne(tx, 'SELECT 1 FROM report_closures WHERE region_id = $1 AND from_ym = $2 AND to_ym = $3', [row.id, period.fromYm, period.toYm]);
      if (done) throw new AppError('PERIOD_ALREADY_CLOSED');
      const unit = toUnit(row);
      const units = [unit, ...(await this.children(row, tx))];
      const figures = await readFigures(tx, units, period);
      const frozen = Object.fromEntries(units.map((u) => [u.id, { ...(figures.get(u.id)?.raw as RawFigures) }]));
      const canonical = canonicalJson({ regionId: unit.id, period: period.key, units: frozen });
      const sha256 = createHash('sha256').update(canonical).digest('hex');
      const [saved] = await tx.query<ClosureRow>(
        `INSERT INTO report_closures (region_id, from_ym, to_ym, figures, canonical, sha256, closed_by, closed_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id, region_id, from_ym, to_ym, figures, sha256, closed_at, closed_by`,
        [unit.id, period.fromYm, period.toYm, canonical, canonical, sha256, this.caller.userId, now],
      );
      return this.toClosure(saved as ClosureRow, period, []);
    });
  }

  /** The closes of a region (the caller's first region when absent), each with its restatements. */
  async closures(regionId: string | undefined): Promise<ReportClosureListOutput> {
    const row = await this.unit(regionId);
    const rows = await this.deps.db.query<ClosureRow>(
      'SELECT id, region_id, from_ym, to_ym, figures, sha256, closed_at, closed_by FROM report_closures WHERE region_id = $1 ORDER BY from_ym DESC, to_ym DESC',
      [row.id],
    );
    const closures: ReportClosure[] = [];
    for (const r of rows) {
      const period = parsePeriod(periodKey(r.from_ym, r.to_ym), this.deps.clock());
      const units = await this.unitsOf(Object.keys(r.figures.units ?? {}));
      const live = await readFigures(this.deps.db, units, period);
      closures.push(this.toClosure(r, period, restatements(r, units, live)));
    }
    return { closures };
  }

  private async unitsOf(ids: string[]): Promise<ReportUnit[]> {
    const out: ReportUnit[] = [];
    for (const id of ids) {
      const row = await maybeOne<UnitRow>(this.deps.db, UNIT_SQL, [id]);
      if (row) out.push(toUnit(row));
    }
    return out;
  }

  private async closureOf(regionId: string, period: Period, live: Awaited<ReturnType<typeof readFigures>>): Promise<ReportClosure | null> {
    const r = await maybeOne<ClosureRow>(
      this.deps.db,
      'SELECT id, region_id, from_ym, to_ym, figures, sha256, closed_at, closed_by FROM report_closures WHERE region_id = $1 AND from_ym = $2 AND to_ym = $3',
      [regionId, period.fromYm, period.toYm],
    );
    if (!r) return null;
    const units = [...live.values()].map((f) => f.unit);
    return this.toClosure(r, period, restatements(r, units, live));
  }

  private toClosure(r: ClosureRow, period: Period, list: Restatement[]): ReportClosure {
    return {
      id: r.id, regionId: r.region_id, period: { key: period.key, from: period.from, to: period.to, label: period.label },
      closedAt: iso(r.closed_at), closedBy: r.closed_by, sha256: r.sha256, restatements: list,
    };
  }
}

function isRegionType(t: ReportUnitType): boolean {
  return t === 'province' || t === 'city' || t === 'district';
}

function periodKey(fromYm: number, toYm: number): string {
  const y = Math.floor(fromYm / 100);
  const mm = (ym: number) => String(ym % 100).padStart(2, '0');
  if (fromYm % 100 === 1 && toYm % 100 === 12) return String(y);
  return fromYm === toYm ? `${y}-${mm(fromYm)}` : `${y}-${mm(fromYm)}..${y}-${mm(toYm)}`;
}

/** JSON with object keys sorted at every level: the same figures always give the same text and hash. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The figures of a closed period whose live value differs from the frozen one. */
function restatements(r: ClosureRow, units: ReportUnit[], live: Awaited<ReturnType<typeof readFigures>>): Restatement[] {
  const frozen = r.figures.units ?? {};
  const out: Restatement[] = [];
  for (const u of units) {
    const before = frozen[u.id];
    const now = live.get(u.id)?.raw;
    if (!before || !now) continue;
    for (const key of Object.keys(FIGURE_LABELS) as (keyof RawFigures)[]) {
      if (!(key in before)) continue;
      const closed = shown(key, before[key] ?? 0);
      const current = shown(key, now[key]);
      if (closed !== current) out.push({ unit: u.name, figure: FIGURE_LABELS[key].label, closed, now: current });
    }
  }
  return out;
}
