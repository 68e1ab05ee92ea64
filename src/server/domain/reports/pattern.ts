/**
 * Complementary suppression of a dashboard. Counts from 1 to 4 show as "<5"; further cells are hidden as "—" so that no
 * hidden count can be worked out by adding or subtracting visible ones, in any table of any dashboard or export. The
 * pattern is decided once per province and year from the data, over the whole registry tree (every unit's year, months
 * and module × stage cells, protect.ts), and every table renders from it: a cell is hidden in its parent's drill-down,
 * in its own dashboard, in the trend, in exports and in other users' views alike.
 */
import type { LearningCell, ReportCount, ReportDashboardOutput, ReportUnit, ReportUnitType } from '../../../../types';
import type { Sql } from '../../storage/db';
import { readFigures, type RawFigures, type UnitFigures } from './figures';
import { parsePeriod, type Period } from './period';
import { protect, type HiddenReason } from './protect';
import { count, HIDDEN_TEXT, SMALL_TEXT } from './suppress';

/** The counts of people that are suppressed, where they are published, and how they add up. */
const COUNTS = [
  { key: 'familiesReached', stations: false, ms: false, distinct: true },
  { key: 'parentsOnline', stations: false, ms: false, distinct: true },
  { key: 'parentsAttended', stations: false, ms: false, distinct: true },
  { key: 'enrolments', stations: false, ms: true, distinct: false },
  { key: 'completions', stations: false, ms: true, distinct: false },
  { key: 'householdCompletions', stations: false, ms: true, distinct: false },
  { key: 'signups', stations: true, ms: false, distinct: false },
  { key: 'attended', stations: true, ms: false, distinct: false },
] as const;

/** A count of people the pattern covers. */
export type CountKey = (typeof COUNTS)[number]['key'];
type MsKey = 'enrolments' | 'completions' | 'householdCompletions';

const MODULES = ['mh_education', 'mh_aid', 'mh_care', 'abnormal_awareness', 'parent_child'] as const;
const STAGES = ['preschool', 'primary', 'junior', 'senior', 'vocational'] as const;
const MS_KEYS = MODULES.flatMap((m) => STAGES.map((s) => `${m}|${s}`));

/** The hidden cells of a province and year: for each unit and count, its year ('Y'), months (ym) and module × stage cells. */
export interface SuppressionPattern {
  year: number;
  /** The months of the year so far (ym). */
  months: number[];
  reason(unitId: string, key: CountKey, column: 'Y' | number | string): HiddenReason | null;
}

interface Row { id: string; name: string; type: ReportUnitType; parent_id: string | null }

/** Decides the pattern of the province that holds a unit (a region, school or station), for a year. */
export async function suppressionPattern(sql: Sql, unitId: string, year: number, now: Date): Promise<SuppressionPattern> {
  const [top] = await sql.query<{ id: string }>(
    `WITH RECURSIVE up AS (
       SELECT id, parent_id FROM regions WHERE id = (SELECT coalesce(
         (SELECT id FROM regions WHERE id = $1), (SELECT region_id FROM schools WHERE id = $1), (SELECT region_id FROM stations WHERE id = $1)))
       UNION ALL SELECT r.id, r.parent_id FROM regions r JOIN up ON r.id = up.parent_id)
     SELECT id FROM up WHERE parent_id IS NULL`,
    [unitId],
  );
  const period = parsePeriod(String(year), now);
  if (!top) return { year, months: period.months, reason: () => null };
  const rows = await sql.query<Row>(
    `SELECT id, name, level AS type, parent_id FROM regions WHERE id IN (SELECT id FROM subtree($1))
     UNION ALL SELECT id, name, 'school', region_id FROM schools WHERE region_id IN (SELECT id FROM subtree($1))
     UNION ALL SELECT id, name, 'station', region_id FROM stations WHERE region_id IN (SELECT id FROM subtree($1))`,
    [top.id],
  );
  const units: ReportUnit[] = rows.map((r) => ({ id: r.id, name: r.name, type: r.type, parentId: r.parent_id }));
  const figures = await readFigures(sql, units, period);
  const hiddenCells = new Map<string, HiddenReason>();
  for (const spec of COUNTS) {
    const members = units.filter((u) => spec.stations || u.type !== 'station');
    const index = new Map(members.map((u, i) => [u.id, i]));
    const parents = members.map((u) => (u.parentId === null ? -1 : index.get(u.parentId) ?? -1));
    const columns: (string | number)[] = ['Y', ...period.months, ...(spec.ms ? MS_KEYS : [])];
    const values = members.map((u) => {
      const f = figures.get(u.id) as UnitFigures;
      return columns.map((col) => {
        if (col === 'Y') return f.raw[spec.key];
        if (typeof col === 'number') return (f.months.get(col) as RawFigures)[spec.key];
        return f.cells.get(col)?.[spec.key as MsKey] ?? 0;
      });
    });
    const out = protect({ parents, months: period.months.length, ms: spec.ms ? MS_KEYS.length : 0, values, distinct: spec.distinct });
    out.forEach((row, i) => row.forEach((reason, c) => {
      if (reason) hiddenCells.set(`${(members[i] as ReportUnit).id}|${spec.key}|${columns[c]}`, reason);
    }));
  }
  return { year, months: period.months, reason: (id, key, column) => hiddenCells.get(`${id}|${key}|${column}`) ?? null };
}

const smallCount: ReportCount = { value: null, suppressed: true, text: SMALL_TEXT, reason: 'small' };
const hiddenCount: ReportCount = { value: null, suppressed: true, text: HIDDEN_TEXT, reason: 'complementary' };

/** Where a period's counts come from: the year's cells, one month's, or (a range of months) derived from its months. */
type Column = { kind: 'cell'; column: 'Y' | number | string } | { kind: 'range'; months: number[] };

function columnOf(period: Period, pattern: SuppressionPattern): Column {
  const yearMonths = pattern.months;
  if (period.fromYm === period.year * 100 + 1 && period.months.length === yearMonths.length) return { kind: 'cell', column: 'Y' };
  if (period.months.length === 1 && period.fromYm === period.toYm) return { kind: 'cell', column: period.fromYm };
  return { kind: 'range', months: period.months };
}

/**
 * A count as the pattern shows it. A range of months (not the whole year) is shown only when none of its months is
 * hidden for that unit and count: then it follows from the visible months and tells nothing new.
 */
function shownCount(c: ReportCount, pattern: SuppressionPattern, unitId: string, key: CountKey, col: Column): ReportCount {
  if (c.suppressed) return c.reason === 'small' ? smallCount : hiddenCount;
  const reason = col.kind === 'cell'
    ? pattern.reason(unitId, key, col.column)
    : col.months.some((ym) => pattern.reason(unitId, key, ym) !== null) ? 'complementary' : null;
  if (reason === 'small') return smallCount;
  return reason ? hiddenCount : c;
}

/** A module × stage cell: published for the whole year only (the table of a month or a range shows learning hours). */
function shownCell(cell: LearningCell, pattern: SuppressionPattern, unitId: string, col: Column): LearningCell {
  const one = (key: MsKey, c: ReportCount): ReportCount => {
    if (col.kind !== 'cell' || col.column !== 'Y') return c.suppressed && c.reason === 'small' ? smallCount : hiddenCount;
    return shownCount(c, pattern, unitId, key, { kind: 'cell', column: `${cell.module}|${cell.stage}` });
  };
  const enrolments = one('enrolments', cell.enrolments);
  const completions = one('completions', cell.completions);
  return {
    ...cell, enrolments, completions, householdCompletions: one('householdCompletions', cell.householdCompletions),
    completionRate: enrolments.suppressed || completions.suppressed ? null : cell.completionRate,
  };
}

/** Applies the pattern to a finished dashboard (figures of the unit and its children, module × stage, trend), in place. */
export function applySuppression<T extends ReportDashboardOutput>(d: T, pattern: SuppressionPattern, period: Period): T {
  const col = columnOf(period, pattern);
  const figures = (unitId: string, f: ReportDashboardOutput['figures']) => {
    const s = (key: CountKey, c: ReportCount) => shownCount(c, pattern, unitId, key, col);
    if (f.participation) {
      f.participation = {
        familiesReached: s('familiesReached', f.participation.familiesReached), parentsOnline: s('parentsOnline', f.participation.parentsOnline),
        parentsAttended: s('parentsAttended', f.participation.parentsAttended),
      };
    }
    if (f.learning) {
      const l = f.learning;
      const enrolments = s('enrolments', l.enrolments);
      const completions = s('completions', l.completions);
      f.learning = {
        ...l, enrolments, completions, householdCompletions: s('householdCompletions', l.householdCompletions),
        completionRate: enrolments.suppressed || completions.suppressed ? null : l.completionRate,
      };
    }
    const signups = s('signups', f.sessions.signups);
    const attended = s('attended', f.sessions.attended);
    f.sessions = { ...f.sessions, signups, attended, noShowRate: signups.suppressed || attended.suppressed ? null : f.sessions.noShowRate };
  };
  figures(d.unit.id, d.figures);
  for (const c of d.children) figures(c.unit.id, c.figures);
  d.learningCells = d.learningCells.map((cell) => shownCell(cell, pattern, d.unit.id, col));
  d.trend = d.trend.map((p) => {
    const ym = Number(p.month.slice(0, 4)) * 100 + Number(p.month.slice(5));
    const m: Column = { kind: 'cell', column: ym };
    const s = (key: CountKey, c: ReportCount) => shownCount(c, pattern, d.unit.id, key, m);
    return {
      ...p, familiesReached: s('familiesReached', p.familiesReached), parentsOnline: s('parentsOnline', p.parentsOnline),
      parentsAttended: s('parentsAttended', p.parentsAttended), enrolments: s('enrolments', p.enrolments), completions: s('completions', p.completions),
      attended: s('attended', p.attended),
    };
  });
  return d;
}

/** The text a count of a unit has under the pattern for a period (for restatements of closed periods). */
export function shownText(pattern: SuppressionPattern, period: Period, unitId: string, key: CountKey, n: number): string {
  const c = shownCount(count(n), pattern, unitId, key, columnOf(period, pattern));
  return c.text;
}

/** Whether a figure key is a count of people the pattern covers. */
export function isCountKey(key: string): key is CountKey {
  return COUNTS.some((c) => c.key === key);
}

/** Whether anything in a dashboard is hidden (small or complementary), for the note on pages and exports. */
export function anyHidden(d: ReportDashboardOutput): { small: boolean; complementary: boolean } {
  const all: ReportCount[] = [];
  const push = (f: ReportDashboardOutput['figures']) => {
    if (f.participation) all.push(f.participation.familiesReached, f.participation.parentsOnline, f.participation.parentsAttended);
    if (f.learning) all.push(f.learning.enrolments, f.learning.completions, f.learning.householdCompletions);
    all.push(f.sessions.signups, f.sessions.attended);
  };
  push(d.figures);
  d.children.forEach((c) => push(c.figures));
  d.learningCells.forEach((c) => all.push(c.enrolments, c.completions, c.householdCompletions));
  d.trend.forEach((p) => all.push(p.familiesReached, p.parentsOnline, p.parentsAttended, p.enrolments, p.completions, p.attended));
  return { small: all.some((c) => c.reason === 'small'), complementary: all.some((c) => c.reason === 'complementary') };
}

