/** Reads a period's figures for a set of units from the rollup tables only (never the records), in four queries. */
import type {
  LearningCell, LearningFigures, PolicyModule, ReportFigures, ReportUnit, SessionFigures, Stage, TrendPoint,
} from '../../../../types';
import type { Sql } from '../../storage/db';
import { monthKey, type Period } from './period';
import { count, ratio } from './suppress';

/** The Shanxi target: 60% of stations hold a 心理健康教育 session for parents each year. */
export const COVERAGE_TARGET = 0.6;

/** The raw (unsuppressed) figures of a unit: they never leave the server as they are. */
export interface RawFigures {
  stations: number;
  stationsHeld: number;
  familiesReached: number;
  parentsOnline: number;
  parentsAttended: number;
  enrolments: number;
  completions: number;
  householdCompletions: number;
  learningSeconds: number;
  sessions: number;
  mentalHealthSessions: number;
  held: number;
  mentalHealthHeld: number;
  signups: number;
  attended: number;
}

/** Everything read for one unit: the period's totals, the month-by-month figures and the module × stage cells. */
export interface UnitFigures {
  unit: ReportUnit;
  raw: RawFigures;
  months: Map<number, RawFigures>;
  cells: Map<string, Cell>;
  /** Stations under the unit with no 心理健康教育 session held in the period. */
  atRiskStationIds: string[];
}

interface Cell { enrolments: number; completions: number; householdCompletions: number; seconds: number }

const KIND_FIELD = { family: 'familiesReached', online: 'parentsOnline', attended: 'parentsAttended' } as const;

function zero(): RawFigures {
  return {
    stations: 0, stationsHeld: 0, familiesReached: 0, parentsOnline: 0, parentsAttended: 0, enrolments: 0, completions: 0, householdCompletions: 0, learningSeconds: 0,
    sessions: 0, mentalHealthSessions: 0, held: 0, mentalHealthHeld: 0, signups: 0, attended: 0,
  };
}

const isRegion = (u: ReportUnit) => u.type === 'province' || u.type === 'city' || u.type === 'district';

/**
 * Reads the figures of units for a period (regions sum their subtree's counters; schools and stations read their own).
 * A station counts in the coverage of a period (and of each month's year to date) only if it was open at some time in it.
 */
export async function readFigures(sql: Sql, units: ReportUnit[], period: Period): Promise<Map<string, UnitFigures>> {
  const regions = units.filter(isRegion).map((u) => u.id);
  const leaves = units.filter((u) => !isRegion(u)).map((u) => u.id);
  const ids = units.map((u) => u.id);
  const yearStart = period.year * 100 + 1;
  const lastMonth = period.months[period.months.length - 1] ?? period.fromYm;
  const out = new Map<string, UnitFigures>();
  for (const unit of units) {
    const months = new Map<number, RawFigures>(period.months.map((ym) => [ym, zero()]));
    out.set(unit.id, { unit, raw: zero(), months, cells: new Map(), atRiskStationIds: [] });
  }
  const scopes = `WITH m(root, scope) AS (
      SELECT r.id, s.id FROM unnest($1::uuid[]) AS r(id) CROSS JOIN LATERAL subtree(r.id) AS s
      UNION ALL SELECT u.id, u.id FROM unnest($2::uuid[]) AS u(id))`;
  const [learning, sessions, reach, coverage] = await Promise.all([
    sql.query<{ root: string; ym: number; module: PolicyModule; stage: Stage; enrolments: number; completions: number; household_completions: number; seconds: number }>(
      `${scopes} SELECT m.root, x.ym, x.module, x.stage, sum(x.enrolments)::int AS enrolments, sum(x.completions)::int AS completions,
              sum(x.household_completions)::int AS household_completions, sum(x.credited_seconds)::float8 AS seconds
         FROM m JOIN rpt_learning x ON x.scope = m.scope WHERE x.ym BETWEEN $3 AND $4 GROUP BY m.root, x.ym, x.module, x.stage`,
      [regions, leaves, period.fromYm, lastMonth],
    ),
    sql.query<{ root: string; ym: number; sessions: number; mh_sessions: number; held: number; mh_held: number; signups: number; attended: number }>(
      `${scopes} SELECT m.root, x.ym, sum(x.sessions)::int AS sessions, sum(x.mh_sessions)::int AS mh_sessions, sum(x.held)::int AS held,
              sum(x.mh_held)::int AS mh_held, sum(x.signups)::int AS signups, sum(x.attended)::int AS attended
         FROM m JOIN rpt_sessions x ON x.scope = m.scope WHERE x.ym BETWEEN $3 AND $4 GROUP BY m.root, x.ym`,
      [regions, leaves, period.fromYm, lastMonth],
    ),
    sql.query<{ scope: string; kind: keyof typeof KIND_FIELD; mask: number; n: number }>(
      'SELECT scope, kind, mask, n FROM rpt_reach_hist WHERE scope = ANY($1::uuid[]) AND year = $2 AND n <> 0',
      [ids, period.year],
    ),
    sql.query<{ root: string; station_id: string; months: number[]; opened_ym: number | null; closed_ym: number | null }>(
      `SELECT p.scope AS root, p.unit AS station_id, coalesce(array_agg(sm.ym) FILTER (WHERE sm.ym IS NOT NULL), '{}') AS months,
              (extract(year FROM st.opened_on) * 100 + extract(month FROM st.opened_on))::int AS opened_ym,
              (extract(year FROM st.closed_on) * 100 + extract(month FROM st.closed_on))::int AS closed_ym
         FROM rpt_scope_path p JOIN stations st ON st.id = p.unit
         LEFT JOIN rpt_station_month sm ON sm.station_id = p.unit AND sm.ym BETWEEN $2 AND $3 AND sm.mh_held > 0
        WHERE p.scope = ANY($1::uuid[]) GROUP BY p.scope, p.unit, st.opened_on, st.closed_on ORDER BY p.unit`,
      [ids, yearStart, lastMonth],
    ),
  ]);

  for (const r of learning) {
    const u = out.get(r.root) as UnitFigures;
    const month = u.months.get(r.ym);
    for (const f of [u.raw, month]) {
      if (!f) continue;
      f.enrolments += r.enrolments;
      f.completions += r.completions;
      f.householdCompletions += r.household_completions;
      f.learningSeconds += r.seconds;
    }
    const key = `${r.module}|${r.stage}`;
    const cell = u.cells.get(key) ?? { enrolments: 0, completions: 0, householdCompletions: 0, seconds: 0 };
    cell.enrolments += r.enrolments;
    cell.completions += r.completions;
    cell.householdCompletions += r.household_completions;
    cell.seconds += r.seconds;
    u.cells.set(key, cell);
  }
  for (const r of sessions) {
    const u = out.get(r.root) as UnitFigures;
    for (const f of [u.raw, u.months.get(r.ym)]) {
      if (!f) continue;
      f.sessions += r.sessions;
      f.mentalHealthSessions += r.mh_sessions;
      f.held += r.held;
      f.mentalHealthHeld += r.mh_held;
      f.signups += r.signups;
      f.attended += r.attended;
    }
  }
  for (const r of reach) {
    const u = out.get(r.scope) as UnitFigures;
    const field = KIND_FIELD[r.kind];
    if ((r.mask & period.mask) !== 0) u.raw[field] += r.n;
    for (const [ym, f] of u.months) if ((r.mask & (1 << ((ym % 100) - 1))) !== 0) f[field] += r.n;
  }
  for (const r of coverage) {
    const u = out.get(r.root) as UnitFigures;
    const months = r.months.map(Number);
    const openIn = (from: number, to: number) => (r.opened_ym === null || r.opened_ym <= to) && (r.closed_ym === null || r.closed_ym >= from);
    if (openIn(period.fromYm, lastMonth)) {
      u.raw.stations += 1;
      if (months.some((ym) => ym >= period.fromYm)) u.raw.stationsHeld += 1;
      else u.atRiskStationIds.push(r.station_id);
    }
    for (const [ym, f] of u.months) {
      if (!openIn(yearStart, ym)) continue;
      f.stations += 1;
      if (months.some((m) => m <= ym)) f.stationsHeld += 1;
    }
  }
  return out;
}

const hours = (seconds: number) => Math.round(seconds / 360) / 10;

function learningFigures(enrolments: number, completions: number, householdCompletions: number, seconds: number): LearningFigures {
  return {
    enrolments: count(enrolments), completions: count(completions), householdCompletions: count(householdCompletions),
    completionRate: ratio(completions, enrolments), learningHours: hours(seconds),
  };
}

/** The figures of a unit as they leave the server: people counts suppressed below 5. */
export function publicFigures(unit: ReportUnit, raw: RawFigures): ReportFigures {
  const rate = raw.stations === 0 ? null : Math.round((raw.stationsHeld / raw.stations) * 1000) / 1000;
  const sessions: SessionFigures = {
    sessions: raw.sessions, mentalHealthSessions: raw.mentalHealthSessions, held: raw.held, mentalHealthHeld: raw.mentalHealthHeld,
    signups: count(raw.signups), attended: count(raw.attended),
    noShowRate: raw.signups === 0 || ratio(raw.attended, raw.signups) === null ? null : Math.round(((raw.signups - raw.attended) / raw.signups) * 1000) / 1000,
  };
  const station = unit.type === 'station';
  return {
    coverage: { stations: raw.stations, stationsHeld: raw.stationsHeld, rate, target: COVERAGE_TARGET, meetsTarget: rate !== null && rate >= COVERAGE_TARGET },
    participation: station ? null : { familiesReached: count(raw.familiesReached), parentsOnline: count(raw.parentsOnline), parentsAttended: count(raw.parentsAttended) },
    learning: station ? null : learningFigures(raw.enrolments, raw.completions, raw.householdCompletions, raw.learningSeconds),
    sessions,
  };
}

const MODULES: PolicyModule[] = ['mh_education', 'mh_aid', 'mh_care', 'abnormal_awareness', 'parent_child'];
const STAGES: Stage[] = ['preschool', 'primary', 'junior', 'senior', 'vocational'];

/** The module × stage table of a unit (every combination, in catalogue order). */
export function learningCells(u: UnitFigures): LearningCell[] {
  if (u.unit.type === 'station') return [];
  return MODULES.flatMap((module) => STAGES.map((stage) => {
    const c = u.cells.get(`${module}|${stage}`) ?? { enrolments: 0, completions: 0, householdCompletions: 0, seconds: 0 };
    return { module, stage, ...learningFigures(c.enrolments, c.completions, c.householdCompletions, c.seconds) };
  }));
}

/** The monthly trend of a unit. */
export function trend(u: UnitFigures): TrendPoint[] {
  return [...u.months.entries()].map(([ym, f]) => ({
    month: monthKey(ym), familiesReached: count(f.familiesReached), parentsOnline: count(f.parentsOnline), parentsAttended: count(f.parentsAttended),
    enrolments: count(f.enrolments), completions: count(f.completions), attended: count(f.attended), stationsHeldToDate: f.stationsHeld,
    stationsToDate: f.stations, learningHours: hours(f.learningSeconds),
  }));
}
