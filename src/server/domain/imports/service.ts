/**
 * Bulk import: a dry run gives every row's outcome (new / changed / unchanged / error at a cell) and writes nothing; the import
 * plans again inside one transaction and writes everything or nothing. Rows are matched on natural keys (region code, school or
 * station name within its region, a pupil's 学号), so importing the same file twice changes nothing the second time.
 */
import type {
  GuardianRelation, ImportCommitOutput, ImportCounts, ImportInput, ImportKind, ImportPreviewOutput, ImportRowResult, RegionLevel, Stage, StationKind,
} from '../../../../types';
import type { AppDeps } from '../../deps';
import { AppError } from '../errors';
import type { Sql } from '../../storage/db';
import { RELATION_LABELS, STAGE_LABELS, STATION_KIND_LABELS } from '../../../shared/labels';
import type { Caller } from '../caller';
import { appendAudit } from '../notices/audit';
import { keyedHash } from '../notices/crypto';
import { requireId } from '../registry';
import { locateColumns, RowReader } from './columns';
import { readUpload, type Sheet } from './files';

/** A planned import: the rows' outcomes and how to write the changes. */
interface Plan {
  rows: ImportRowResult[];
  /** What else the import does (in Chinese), shown with the counts. */
  notes: string[];
  apply(tx: Sql): Promise<void>;
}

type AuditValues = Record<string, string | null>;
interface AuditRecord { type: 'region' | 'school' | 'station'; id: string; action: 'import_created' | 'import_updated'; before: AuditValues; after: AuditValues }

interface RegionRow { id: string; code: string; name: string; level: RegionLevel; parent_id: string | null; closed_on: string | null }
interface SchoolRow { id: string; name: string; region_id: string; stages: Stage[]; opened_on: string | null; closed_on: string | null }
interface StationRow { id: string; name: string; kind: StationKind; region_id: string; school_id: string | null; address: string; opened_on: string | null; closed_on: string | null }
interface PupilRow { id: string; school_no: string; name: string; grade: string; class_name: string; stage: Stage }
interface ContactRow { student_id: string; slot: number; relation: string | null; phone_hash: string }

const DATES_SQL = `to_char(opened_on, 'YYYY-MM-DD') AS opened_on, to_char(closed_on, 'YYYY-MM-DD') AS closed_on`;
const PARENT_LEVEL: Record<RegionLevel, RegionLevel | null> = { province: null, city: 'province', district: 'city' };
const LEVELS: Record<string, RegionLevel> = { 省: 'province', 省级: 'province', 市: 'city', 市级: 'city', 区县: 'district', 区: 'district', 县: 'district', 县区: 'district' };
const LEVEL_NAMES: Record<RegionLevel, string> = { province: '省', city: '市', district: '区县' };
const reverse = <V extends string>(labels: Record<V, string>, extra: Record<string, V> = {}): Record<string, V> =>
  ({ ...Object.fromEntries(Object.entries(labels).map(([k, v]) => [(v as string).replace(/\s/g, ''), k])), ...extra }) as Record<string, V>;
const STAGES = reverse<Stage>(STAGE_LABELS, { 幼儿园: 'preschool', 中职: 'vocational', 高校: 'vocational', 大学: 'vocational' });
const KINDS = reverse<StationKind>(STATION_KIND_LABELS, { 家庭教育指导服务站: 'guidance_station', 指导服务站点: 'guidance_station', 指导站: 'guidance_station' });
const RELATIONS = reverse<GuardianRelation>(RELATION_LABELS, { 其他: 'other', 爸爸: 'father', 妈妈: 'mother' });
const STAGE_HINT = Object.values(STAGE_LABELS).join('、');

/** China-time calendar date of an instant. */
function chinaDate(at: Date): string {
  return new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}

/** Why a row cannot add a region, school or station under a closed region (or one with a close date set). */
function closedRegion(region: RegionRow, what: '地区' | '学校' | '站点'): string {
  return `地区“${region.name}”已停办（停办日期 ${region.closed_on}），不能在其下新增${what}`;
}

/** Fails the close-date cell when it is later than (or clears) the close date of a closed region above the unit. */
function refuseOutliving(r: RowReader, closed: RegionRow | null, closedOn: string | null): void {
  if (closed?.closed_on && (closedOn === null || closedOn > closed.closed_on)) {
    r.fail('closed', `上级地区“${closed.name}”已停办（停办日期 ${closed.closed_on}），本单位的停办日期不能晚于该日期`);
  }
}

/** 138****5678 */
function maskPhone(phone: string): string {
  return `${phone.slice(0, 3)}****${phone.slice(-4)}`;
}

/** Remembers the first row of each key, and fails a later row that repeats it. */
class Duplicates {
  private readonly seen = new Map<string, number>();

  constructor(private readonly what: string) {}

  /** Whether the key was new; fails the row at the column otherwise. */
  check(r: RowReader, column: string, key: string): boolean {
    const first = this.seen.get(key);
    if (first !== undefined) {
      r.fail(column, `与第 ${first} 行的${this.what}重复`);
      return false;
    }
    this.seen.set(key, r.row);
    return true;
  }
}

function result(r: RowReader, label: string, changes: string[] | null): ImportRowResult {
  if (r.errors.length) return { row: r.row, outcome: 'error', label, changes: [], errors: r.errors };
  if (changes === null) return { row: r.row, outcome: 'new', label, changes: [], errors: [] };
  return { row: r.row, outcome: changes.length ? 'changed' : 'unchanged', label, changes, errors: [] };
}

function count(rows: ImportRowResult[]): ImportCounts {
  const counts: ImportCounts = { new: 0, changed: 0, unchanged: 0, error: 0 };
  for (const r of rows) counts[r.outcome] += 1;
  return counts;
}

/** Runs a bulk statement over parallel arrays in slices, so no statement carries more than a few thousand rows. */
async function inSlices(columns: unknown[][], size: number, run: (slice: unknown[][]) => Promise<void>): Promise<void> {
  const n = columns[0]?.length ?? 0;
  for (let i = 0; i < n; i += size) await run(columns.map((c) => c.slice(i, i + size)));
}

/** The import service: built per request. */
export class ImportService {
  constructor(private readonly deps: AppDeps, private readonly caller: Caller) {}

  /** The dry run: every row's outcome, rows with errors first; nothing is written. */
  async preview(input: ImportInput): Promise<ImportPreviewOutput> {
    await this.authorize(this.deps.db, input);
    const sheet = await readUpload(input.fileName, input.dataBase64);
    const plan = await this.plan(this.deps.db, input, sheet);
    const rows = [...plan.rows].sort((a, b) => Number(b.outcome === 'error') - Number(a.outcome === 'error') || a.row - b.row);
    return { kind: input.kind, total: rows.length, counts: count(rows), notes: plan.notes, rows };
  }

  /** The import in one transaction: planned again on the locked state and refused as a whole when any row has an error. */
  async commit(input: ImportInput): Promise<ImportCommitOutput> {
    await this.authorize(this.deps.db, input);
    const sheet = await readUpload(input.fileName, input.dataBase64);
    return this.deps.db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [input.kind === 'pupils' ? `xq-import:pupils:${input.schoolId}` : 'xq-import:registry']);
      // A region closed at the same moment either waits for the import (and sees its new units) or is seen closed by it.
      if (input.kind !== 'pupils') await tx.query('SELECT id FROM regions FOR SHARE');
      const plan = await this.plan(tx, input, sheet);
      const counts = count(plan.rows);
      if (counts.error > 0) {
        throw new AppError('VALIDATION_FAILED', `有 ${counts.error} 行有错误，没有导入任何数据；请按检查结果修改文件后重新导入`);
      }
      await plan.apply(tx);
      return { kind: input.kind, total: plan.rows.length, counts, notes: plan.notes };
    });
  }

  /** Pupils: the school's leader or psychology teacher (a stranger is told the school does not exist). Registry: admins, or 妇联 staff. */
  private async authorize(sql: Sql, input: ImportInput): Promise<void> {
    if (input.kind === 'pupils') {
      if (!input.schoolId) throw new AppError('VALIDATION_FAILED', '请选择学校', [{ path: 'body.schoolId', message: '请选择学校' }]);
      const schoolId = requireId(input.schoolId, '学校');
      const roles = (['school_leader', 'school_psychologist', 'head_teacher'] as const).filter((r) => this.caller.has(r, schoolId));
      if (roles.length === 0) throw new AppError('NOT_FOUND', '学校不存在');
      if (!roles.includes('school_leader') && !roles.includes('school_psychologist')) throw new AppError('FORBIDDEN', '只有学校领导或心理教师可以导入学生名单');
      const found = await sql.query('SELECT 1 FROM schools WHERE id = $1', [schoolId]);
      if (found.length === 0) throw new AppError('NOT_FOUND', '学校不存在');
      return;
    }
    if (input.schoolId !== null) throw new AppError('VALIDATION_FAILED', '导入名录时不选择学校', [{ path: 'body.schoolId', message: '应为 null' }]);
    if (!this.caller.isAdmin && this.caller.scopesOf('federation_staff').length === 0) {
      throw new AppError('FORBIDDEN', '只有平台管理员和妇联工作人员可以导入地区、学校和站点');
    }
  }

  private plan(sql: Sql, input: ImportInput, sheet: Sheet): Promise<Plan> {
    switch (input.kind) {
      case 'regions': return this.planRegions(sql, sheet);
      case 'schools': return this.planSchools(sql, sheet);
      case 'stations': return this.planStations(sql, sheet);
      case 'pupils': return this.planPupils(sql, input.schoolId as string, sheet);
    }
  }

  private readers(kind: ImportKind, sheet: Sheet): RowReader[] {
    const columns = locateColumns(kind, sheet);
    return sheet.rows.map((row) => new RowReader(kind, columns, row));
  }

  /** The regions, and which of them the caller may change: all for an admin; for 妇联 staff, those under their regions. */
  private async registryScope(sql: Sql) {
    const regions = await sql.query<RegionRow>(`SELECT id, code, name, level, parent_id, to_char(closed_on, 'YYYY-MM-DD') AS closed_on FROM regions`);
    const byCode = new Map(regions.map((r) => [r.code, r]));
    const byId = new Map(regions.map((r) => [r.id, r]));
    const roots = new Set(this.caller.scopesOf('federation_staff'));
    const within = new Set<string>();
    if (!this.caller.isAdmin) {
      const children = new Map<string, string[]>();
      for (const r of regions) if (r.parent_id) children.set(r.parent_id, [...(children.get(r.parent_id) ?? []), r.id]);
      const queue = [...roots].filter((id) => byId.has(id));
      while (queue.length) {
        const id = queue.pop() as string;
        if (within.has(id)) continue;
        within.add(id);
        queue.push(...(children.get(id) ?? []));
      }
    }
    const admin = this.caller.isAdmin;
    return {
      byCode, byId, admin,
      /** Whether schools and stations of a region, or regions under it, are the caller's to change. */
      covers: (regionId: string) => admin || within.has(regionId),
      /** Whether the region itself is the caller's to rename (妇联 staff do not rename the region they are staff of). */
      owns: (regionId: string) => admin || (within.has(regionId) && !roots.has(regionId)),
      /** The region, or the region above it, that closes first: nothing under it may close later. */
      closedAbove: (regionId: string): RegionRow | null => {
        let first: RegionRow | null = null;
        for (let r = byId.get(regionId); r; r = r.parent_id ? byId.get(r.parent_id) : undefined) {
          if (r.closed_on && (!first || r.closed_on < (first.closed_on as string))) first = r;
        }
        return first;
      },
    };
  }

  /** The registry region a row names by its code, checked against the caller's scope. */
  private regionOf(r: RowReader, scope: Awaited<ReturnType<ImportService['registryScope']>>): RegionRow | null {
    const code = r.text('region', 6);
    if (!code) return null;
    const region = scope.byCode.get(code);
    if (!region) {
      r.fail('region', `地区代码“${code}”没有登记（请先导入或新增该地区）`);
      return null;
    }
    if (!scope.covers(region.id)) {
      r.fail('region', `地区“${region.name}”不在您负责的地区内`);
      return null;
    }
    return region;
  }

  private async writeAudit(tx: Sql, records: AuditRecord[]): Promise<void> {
    const cols = [records.map((a) => a.type), records.map((a) => a.id), records.map((a) => a.action), records.map((a) => JSON.stringify(a.before)), records.map((a) => JSON.stringify(a.after))];
    await inSlices(cols, 2000, async ([types, ids, actions, befores, afters]) => {
      await tx.query(
        `INSERT INTO registry_audit (at, actor_id, entity_type, entity_id, action, before, after)
         SELECT $1, $2, t.ty, t.id, t.a, t.b::jsonb, t.af::jsonb FROM unnest($3::text[], $4::uuid[], $5::text[], $6::text[], $7::text[]) WITH ORDINALITY AS t(ty, id, a, b, af, n) ORDER BY t.n`,
        [this.deps.clock(), this.caller.userId, types, ids, actions, befores, afters],
      );
    });
  }

  private async planRegions(sql: Sql, sheet: Sheet): Promise<Plan> {
    const scope = await this.registryScope(sql);
    const readers = this.readers('regions', sheet);
    const dups = new Duplicates('行政区划代码');
    const pending = new Map<string, { level: RegionLevel }>();
    const failed = new Map<string, number>();
    const creates: { code: string; name: string; level: RegionLevel; parent: string }[] = [];
    const renames: { region: RegionRow; name: string }[] = [];
    const rows = readers.map((r) => {
      let code = r.text('code', 6);
      if (code && !/^\d{6}$/.test(code)) {
        r.fail('code', '行政区划代码为 6 位数字');
        code = '';
      }
      const name = r.text('name', 40);
      const level = r.choice('level', LEVELS, '省、市、区县');
      let parent = r.text('parent', 6);
      if (parent && !/^\d{6}$/.test(parent)) {
        r.fail('parent', '上级代码为 6 位数字');
        parent = '';
      }
      if (code) dups.check(r, 'code', code);
      const label = `${code} ${name}`.trim();
      if (r.errors.length || !level) {
        if (code) failed.set(code, r.row);
        return result(r, label, []);
      }
      const existing = scope.byCode.get(code);
      if (existing) {
        const parentCode = existing.parent_id ? scope.byId.get(existing.parent_id)?.code ?? '' : '';
        if (existing.level !== level) r.fail('level', `层级与已登记的不同（已登记为${LEVEL_NAMES[existing.level]}），导入不能更改层级`);
        else if (parent !== parentCode) r.fail('parent', `上级代码与已登记的不同（已登记为“${parentCode || '无'}”），导入不能更改上级`);
        else if (!scope.owns(existing.id)) r.fail('code', `地区“${existing.name}”不在您负责的地区内，不能修改`);
        if (!r.errors.length && name !== existing.name) renames.push({ region: existing, name });
        return result(r, label, name !== existing.name ? ['名称'] : []);
      }
      const wanted = PARENT_LEVEL[level];
      if (wanted === null) {
        if (parent) r.fail('parent', '省级地区不填上级代码');
        else if (!scope.admin) r.fail('level', '只有平台管理员可以新增省级地区');
      } else if (!parent) {
        r.fail('parent', `请填写上级代码（${LEVEL_NAMES[level]}的上级须为${LEVEL_NAMES[wanted]}）`);
      } else {
        const known = scope.byCode.get(parent);
        const up = known ?? pending.get(parent);
        if (!up) r.fail('parent', failed.has(parent) ? `上级代码所在的第 ${failed.get(parent)} 行有错误` : `上级代码“${parent}”没有登记（也可以写在本表前面的行中）`);
        else if (up.level !== wanted) r.fail('parent', `上级层级不对：${LEVEL_NAMES[level]}的上级须为${LEVEL_NAMES[wanted]}`);
        else if (known && !scope.covers(known.id)) r.fail('parent', `上级地区“${known.name}”不在您负责的地区内`);
        else if (known?.closed_on) r.fail('parent', closedRegion(known, '地区'));
      }
      if (r.errors.length) {
        failed.set(code, r.row);
        return result(r, label, []);
      }
      pending.set(code, { level });
      creates.push({ code, name, level, parent });
      return result(r, label, null);
    });
    return {
      rows, notes: [],
      apply: async (tx) => {
        const ids = new Map([...scope.byCode].map(([code, r]) => [code, r.id]));
        const audit: AuditRecord[] = [];
        for (const c of creates) {
          const [row] = await tx.query<{ id: string }>('INSERT INTO regions (code, name, level, parent_id) VALUES ($1, $2, $3, $4) RETURNING id', [c.code, c.name, c.level, c.parent ? ids.get(c.parent) : null]);
          ids.set(c.code, (row as { id: string }).id);
          audit.push({ type: 'region', id: (row as { id: string }).id, action: 'import_created', before: {}, after: { code: c.code, name: c.name, level: c.level, parentCode: c.parent || null } });
        }
        for (const u of renames) {
          await tx.query('UPDATE regions SET name = $2 WHERE id = $1', [u.region.id, u.name]);
          audit.push({ type: 'region', id: u.region.id, action: 'import_updated', before: { name: u.region.name }, after: { name: u.name } });
        }
        await this.writeAudit(tx, audit);
      },
    };
  }

  /** Reads the two date cells against what is registered; errors when the close date is before the open date. */
  private dates(r: RowReader, existing: { opened_on: string | null; closed_on: string | null } | undefined, changes: string[]): { opened: string | null; closed: string | null } {
    const openedCell = r.date('opened');
    const closedCell = r.date('closed');
    const opened = openedCell || (existing ? existing.opened_on : chinaDate(this.deps.clock()));
    const closed = closedCell || (existing ? existing.closed_on : null);
    if (opened && closed && closed < opened) r.fail('closed', '停办日期不能早于开办日期');
    if (existing && openedCell && openedCell !== existing.opened_on) changes.push('开办日期');
    if (existing && closedCell && closedCell !== existing.closed_on) changes.push('停办日期');
    return { opened, closed };
  }

  private async planSchools(sql: Sql, sheet: Sheet): Promise<Plan> {
    const scope = await this.registryScope(sql);
    const schools = await sql.query<SchoolRow>(`SELECT id, name, region_id, stages, ${DATES_SQL} FROM schools`);
    const byKey = new Map(schools.map((s) => [`${s.region_id}|${s.name}`, s]));
    const readers = this.readers('schools', sheet);
    const dups = new Duplicates('学校（同一地区同名）');
    const creates: { name: string; regionId: string; stages: Stage[]; opened: string | null; closed: string | null }[] = [];
    const updates: { school: SchoolRow; stages: Stage[]; opened: string | null; closed: string | null; changes: string[] }[] = [];
    const rows = readers.map((r) => {
      const name = r.text('name', 60, 2);
      const region = this.regionOf(r, scope);
      const stagesText = r.text('stages', 60);
      const stages = [...new Set(stagesText.split(/[、,，;；\s]+/).filter(Boolean).map((s) => {
        const stage = STAGES[s];
        if (!stage) r.fail('stages', `学段“${s}”无法识别，应为：${STAGE_HINT}`);
        return stage;
      }))].filter((s): s is Stage => Boolean(s));
      if (name && region) dups.check(r, 'name', `${region.id}|${name}`);
      const existing = region ? byKey.get(`${region.id}|${name}`) : undefined;
      const changes: string[] = [];
      if (existing && [...stages].sort().join() !== [...existing.stages].sort().join()) changes.unshift('学段');
      const { opened, closed } = this.dates(r, existing, changes);
      if (!existing && region?.closed_on) r.fail('region', closedRegion(region, '学校'));
      if (existing && region) refuseOutliving(r, scope.closedAbove(region.id), closed);
      const label = region ? `${name}（${region.name}）` : name;
      if (r.errors.length || !region) return result(r, label, []);
      if (existing) {
        if (changes.length) updates.push({ school: existing, stages, opened, closed, changes });
        return result(r, label, changes);
      }
      creates.push({ name, regionId: region.id, stages, opened, closed });
      return result(r, label, null);
    });
    return {
      rows, notes: [],
      apply: async (tx) => {
        const audit: AuditRecord[] = [];
        await inSlices([creates.map((c) => c.name), creates.map((c) => c.regionId), creates.map((c) => c.stages.join(',')), creates.map((c) => c.opened), creates.map((c) => c.closed)], 2000, async (cols) => {
          const made = await tx.query<{ id: string; name: string; stages: Stage[]; opened_on: string | null; closed_on: string | null }>(
            `INSERT INTO schools (name, region_id, stages, opened_on, closed_on)
             SELECT t.n, t.r, string_to_array(t.s, ','), t.o::date, t.c::date FROM unnest($1::text[], $2::uuid[], $3::text[], $4::text[], $5::text[]) WITH ORDINALITY AS t(n, r, s, o, c, i) ORDER BY t.i
             RETURNING id, name, stages, ${DATES_SQL}`,
            cols,
          );
          for (const m of made) audit.push({ type: 'school', id: m.id, action: 'import_created', before: {}, after: { name: m.name, stages: m.stages.join(','), openedOn: m.opened_on, closedOn: m.closed_on } });
        });
        await inSlices([updates.map((u) => u.school.id), updates.map((u) => u.stages.join(',')), updates.map((u) => u.opened), updates.map((u) => u.closed)], 2000, async (cols) => {
          await tx.query(
            `UPDATE schools s SET stages = string_to_array(t.st, ','), opened_on = t.o::date, closed_on = t.c::date
               FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[]) AS t(id, st, o, c) WHERE s.id = t.id`,
            cols,
          );
        });
        for (const u of updates) {
          audit.push({
            type: 'school', id: u.school.id, action: 'import_updated',
            before: { stages: u.school.stages.join(','), openedOn: u.school.opened_on, closedOn: u.school.closed_on },
            after: { stages: u.stages.join(','), openedOn: u.opened, closedOn: u.closed },
          });
        }
        await this.writeAudit(tx, audit);
      },
    };
  }

  private async planStations(sql: Sql, sheet: Sheet): Promise<Plan> {
    const scope = await this.registryScope(sql);
    const stations = await sql.query<StationRow>(`SELECT id, name, kind, region_id, school_id, address, ${DATES_SQL} FROM stations`);
    const schools = await sql.query<{ id: string; name: string; region_id: string }>('SELECT id, name, region_id FROM schools');
    const byKey = new Map(stations.map((s) => [`${s.region_id}|${s.name}`, s]));
    const schoolByKey = new Map(schools.map((s) => [`${s.region_id}|${s.name}`, s]));
    const schoolName = new Map(schools.map((s) => [s.id, s.name]));
    const readers = this.readers('stations', sheet);
    const dups = new Duplicates('站点（同一地区同名）');
    type Values = { kind: StationKind; schoolId: string | null; address: string; opened: string | null; closed: string | null };
    const creates: (Values & { name: string; regionId: string })[] = [];
    const updates: (Values & { station: StationRow })[] = [];
    const rows = readers.map((r) => {
      const name = r.text('name', 60, 2);
      const kind = r.choice('kind', KINDS, Object.values(STATION_KIND_LABELS).join('、'));
      const region = this.regionOf(r, scope);
      const schoolText = r.text('school', 60);
      let schoolId: string | null = null;
      if (schoolText && region) {
        const school = schoolByKey.get(`${region.id}|${schoolText}`);
        if (!school) r.fail('school', `所属学校“${schoolText}”不在地区“${region.name}”的学校名录中`);
        else schoolId = school.id;
      }
      const address = r.text('address', 120);
      if (name && region) dups.check(r, 'name', `${region.id}|${name}`);
      const existing = region ? byKey.get(`${region.id}|${name}`) : undefined;
      const changes: string[] = [];
      if (existing) {
        if (kind && kind !== existing.kind) changes.push('类型');
        if (schoolId !== existing.school_id) changes.push('所属学校');
        if (address !== existing.address) changes.push('地址');
      }
      const { opened, closed } = this.dates(r, existing, changes);
      if (!existing && region?.closed_on) r.fail('region', closedRegion(region, '站点'));
      if (existing && region) refuseOutliving(r, scope.closedAbove(region.id), closed);
      const label = region ? `${name}（${region.name}）` : name;
      if (r.errors.length || !region || !kind) return result(r, label, []);
      if (existing) {
        if (changes.length) updates.push({ station: existing, kind, schoolId, address, opened, closed });
        return result(r, label, changes);
      }
      creates.push({ name, regionId: region.id, kind, schoolId, address, opened, closed });
      return result(r, label, null);
    });
    const describe = (v: { kind: StationKind; schoolId: string | null; address: string; opened: string | null; closed: string | null }): AuditValues => ({
      kind: v.kind, school: v.schoolId ? schoolName.get(v.schoolId) ?? v.schoolId : null, address: v.address, openedOn: v.opened, closedOn: v.closed,
    });
    return {
      rows, notes: [],
      apply: async (tx) => {
        const audit: AuditRecord[] = [];
        const cols = [creates.map((c) => c.name), creates.map((c) => c.kind), creates.map((c) => c.regionId), creates.map((c) => c.schoolId), creates.map((c) => c.address), creates.map((c) => c.opened), creates.map((c) => c.closed)];
        let at = 0;
        await inSlices(cols, 2000, async (slice) => {
          const made = await tx.query<{ id: string }>(
            `INSERT INTO stations (name, kind, region_id, school_id, address, opened_on, closed_on)
             SELECT t.n, t.k, t.r, t.s, t.a, t.o::date, t.c::date FROM unnest($1::text[], $2::text[], $3::uuid[], $4::uuid[], $5::text[], $6::text[], $7::text[]) WITH ORDINALITY AS t(n, k, r, s, a, o, c, i)
             ORDER BY t.i RETURNING id`,
            slice,
          );
          for (const m of made) {
            const c = creates[at++] as (typeof creates)[number];
            audit.push({ type: 'station', id: m.id, action: 'import_created', before: {}, after: { name: c.name, ...describe(c) } });
          }
        });
        const ucols = [updates.map((u) => u.station.id), updates.map((u) => u.kind), updates.map((u) => u.schoolId), updates.map((u) => u.address), updates.map((u) => u.opened), updates.map((u) => u.closed)];
        await inSlices(ucols, 2000, async (slice) => {
          await tx.query(
            `UPDATE stations s SET kind = t.k, school_id = t.sc, address = t.a, opened_on = t.o::date, closed_on = t.c::date
               FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::text[], $5::text[], $6::text[]) AS t(id, k, sc, a, o, c) WHERE s.id = t.id`,
            slice,
          );
        });
        for (const u of updates) {
          const s = u.station;
          audit.push({ type: 'station', id: s.id, action: 'import_updated', before: describe({ kind: s.kind, schoolId: s.school_id, address: s.address, opened: s.opened_on, closed: s.closed_on }), after: describe(u) });
        }
        await this.writeAudit(tx, audit);
      },
    };
  }

  private async planPupils(sql: Sql, schoolId: string, sheet: Sheet): Promise<Plan> {
    const key = this.deps.config.notices.hmacKey;
    const pupils = await sql.query<PupilRow>('SELECT id, school_no, name, grade, class_name, stage FROM students WHERE school_id = $1 AND school_no IS NOT NULL', [schoolId]);
    const contacts = await sql.query<ContactRow>(
      'SELECT c.student_id, c.slot, c.relation, c.phone_hash FROM guardian_contacts c JOIN students s ON s.id = c.student_id WHERE s.school_id = $1',
      [schoolId],
    );
    const classes = await sql.query<{ grade: string; name: string }>('SELECT grade, name FROM classes WHERE school_id = $1 AND closed_at IS NULL', [schoolId]);
    const openClasses = new Set(classes.map((c) => `${c.grade}|${c.name}`));
    const newClasses = new Map<string, string>();
    const byNo = new Map(pupils.map((p) => [p.school_no, p]));
    const contactOf = new Map(contacts.map((c) => [`${c.student_id}|${c.slot}`, c]));
    const readers = this.readers('pupils', sheet);
    const dups = new Duplicates('学号');
    const phoneHashes = new Map<string, string>();
    const hashPhone = (phone: string) => {
      let h = phoneHashes.get(phone);
      if (!h) phoneHashes.set(phone, (h = keyedHash(key, 'phone', phone)));
      return h;
    };
    type Slot = { slot: 1 | 2; relation: GuardianRelation | null; phone: string };
    const creates: { no: string; name: string; grade: string; className: string; stage: Stage; slots: Slot[] }[] = [];
    const updates: { pupil: PupilRow; name: string; grade: string; className: string; stage: Stage }[] = [];
    const contactWrites: (Slot & { studentId: string | null; no: string })[] = [];
    const rows = readers.map((r) => {
      let no = r.text('no', 32);
      if (no && !/^[A-Za-z0-9_-]+$/.test(no)) {
        r.fail('no', '学号只能包含字母、数字、短横线和下划线');
        no = '';
      }
      const name = r.text('name', 20);
      const grade = r.text('grade', 20);
      const className = r.text('class', 20);
      const stage = r.choice('stage', STAGES, STAGE_HINT);
      const slots: Slot[] = [];
      for (const slot of [1, 2] as const) {
        const relation = r.choice(`rel${slot}`, RELATIONS, Object.values(RELATION_LABELS).join('、'));
        const phone = r.mobile(`phone${slot}`);
        if (r.raw(`rel${slot}`) && !r.raw(`phone${slot}`)) r.fail(`phone${slot}`, `填写了监护人${slot}关系，请同时填写手机号`);
        if (phone) slots.push({ slot, relation, phone });
      }
      if (slots.length === 2 && slots[0]?.phone === slots[1]?.phone) r.fail('phone2', '两位监护人的手机号相同');
      if (no) dups.check(r, 'no', no);
      const label = `${no} ${name}`.trim();
      if (r.errors.length || !stage) return result(r, label, []);
      const placeInClass = () => {
        if (!openClasses.has(`${grade}|${className}`)) newClasses.set(`${grade}|${className}`, className.startsWith(grade) ? className : `${grade}${className}`);
      };
      const existing = byNo.get(no);
      if (!existing) {
        placeInClass();
        creates.push({ no, name, grade, className, stage, slots });
        for (const s of slots) contactWrites.push({ ...s, studentId: null, no });
        return result(r, label, null);
      }
      const changes: string[] = [];
      if (name !== existing.name) changes.push('姓名');
      if (grade !== existing.grade) changes.push('年级');
      if (className !== existing.class_name) changes.push('班级');
      if (stage !== existing.stage) changes.push('学段');
      if (changes.length) updates.push({ pupil: existing, name, grade, className, stage });
      if (changes.includes('年级') || changes.includes('班级')) placeInClass();
      for (const s of slots) {
        const had = contactOf.get(`${existing.id}|${s.slot}`);
        const phoneChanged = !had || had.phone_hash !== hashPhone(s.phone);
        const relationChanged = !had || (had.relation ?? null) !== s.relation;
        if (phoneChanged) changes.push(`监护人${s.slot}手机号`);
        if (relationChanged && (had || s.relation)) changes.push(`监护人${s.slot}关系`);
        if (phoneChanged || relationChanged) contactWrites.push({ ...s, studentId: existing.id, no });
      }
      return result(r, label, changes);
    });
    const opened = [...newClasses.values()];
    const notes = opened.length ? [`将新建 ${opened.length} 个班级：${opened.slice(0, 10).join('、')}${opened.length > 10 ? ' 等' : ''}（学生按年级和班级归入本校的班级）`] : [];
    return {
      rows, notes,
      apply: async (tx) => {
        const now = this.deps.clock();
        const ids = new Map<string, string>();
        await inSlices([creates.map((c) => c.no), creates.map((c) => c.name), creates.map((c) => c.grade), creates.map((c) => c.className), creates.map((c) => c.stage)], 5000, async (cols) => {
          const made = await tx.query<{ id: string; school_no: string }>(
            `INSERT INTO students (school_id, school_no, name, grade, class_name, stage, created_at)
             SELECT $1, t.no, t.n, t.g, t.c, t.st, $2 FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[]) AS t(no, n, g, c, st) RETURNING id, school_no`,
            [schoolId, now, ...cols],
          );
          for (const m of made) ids.set(m.school_no, m.id);
        });
        await inSlices([updates.map((u) => u.pupil.id), updates.map((u) => u.name), updates.map((u) => u.grade), updates.map((u) => u.className), updates.map((u) => u.stage)], 5000, async (cols) => {
          await tx.query(
            `UPDATE students s SET name = t.n, grade = t.g, class_name = t.c, stage = t.st
               FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[]) AS t(id, n, g, c, st) WHERE s.id = t.id`,
            cols,
          );
        });
        const studentIds = contactWrites.map((w) => w.studentId ?? ids.get(w.no) ?? null);
        if (studentIds.some((id) => id === null)) throw new Error('imported pupil missing');
        const ccols = [studentIds, contactWrites.map((w) => w.slot), contactWrites.map((w) => w.relation), contactWrites.map((w) => hashPhone(w.phone)), contactWrites.map((w) => maskPhone(w.phone))];
        await inSlices(ccols, 5000, async (cols) => {
          await tx.query(
            `INSERT INTO guardian_contacts (student_id, slot, relation, phone_hash, phone_masked, updated_by, updated_at)
             SELECT t.s, t.sl, t.r, t.h, t.m, $1, $2 FROM unnest($3::uuid[], $4::int[], $5::text[], $6::text[], $7::text[]) AS t(s, sl, r, h, m)
             ON CONFLICT (student_id, slot) DO UPDATE SET relation = EXCLUDED.relation, phone_hash = EXCLUDED.phone_hash, phone_masked = EXCLUDED.phone_masked,
               updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at`,
            [this.caller.userId, now, ...cols],
          );
        });
        const counts = count(rows);
        await appendAudit(tx, key, now, {
          actorId: this.caller.userId, action: 'pupils_imported', subjectId: schoolId,
          details: { new: counts.new, changed: counts.changed, unchanged: counts.unchanged, contacts: contactWrites.length },
        });
      },
    };
  }
}
