/** 妇联 reporting: the contract of the dashboard, the at-risk stations, exports and period closes. Types only. */
import type { PolicyModule, RegionLevel, Stage, StationKind } from './domain';

/**
 * A count of people (families, parents, enrolments, completions, sign-ups, check-ins). Counts from 1 to 4 never leave
 * the server: they arrive as `{ value: null, suppressed: true, text: '<5', reason: 'small' }`. Some other counts are
 * hidden too (`text: '—', reason: 'complementary'`) so that no hidden count can be derived from visible ones.
 * `text` is what pages and exports show. Rates computed from a suppressed count are null.
 * Counts of stations and sessions are institutional, not personal, and are plain numbers.
 */
export interface ReportCount {
  value: number | null;
  suppressed: boolean;
  text: string;
  /**
   * Why it is hidden: 'small' (1 to 4, text "<5") or 'complementary' (text "—": hidden as well so that a small count
   * cannot be worked out by adding or subtracting visible numbers; its value may be anything, 0 or large); null when shown.
   */
  reason: 'small' | 'complementary' | null;
}

/** What a report is about: a region, or (at the bottom of the drill-down) a school or a station. */
export type ReportUnitType = RegionLevel | 'school' | 'station';

/** A unit of the drill-down. */
export interface ReportUnit {
  id: string;
  name: string;
  type: ReportUnitType;
  /** The region above it (null for a province). */
  parentId: string | null;
}

/**
 * A reporting period: a calendar year (`2025`), a month (`2025-03`) or a month range in one year (`2025-01..2025-06`),
 * in China time. It may not start after the current month.
 */
export interface ReportPeriod {
  /** The period as written in requests. */
  key: string;
  /** First and last month, `YYYY-MM`. */
  from: string;
  to: string;
  /** A label for pages and exports, e.g. 2025年 or 2025年1月—6月. */
  label: string;
}

/** Stations that held a 心理健康教育 session with parents checked in, against the target share of stations. */
export interface CoverageFigures {
  /** Registered stations in the unit open at some time in the period (the denominator, stations with no activity included). */
  stations: number;
  /** Stations that held at least one such session in the period. */
  stationsHeld: number;
  /** stationsHeld ÷ stations (0–1), null without stations. */
  rate: number | null;
  /** The Shanxi target: 0.6 of stations each year. */
  target: number;
  meetsTarget: boolean;
}

/** Families and parents reached in the period, each counted once. */
export interface ParticipationFigures {
  /**
   * Households with at least one guardian who studied online or attended a session. A household is a connected set of
   * guardians and children over active bindings: guardians of the same child, and a guardian's several children, are one.
   */
  familiesReached: ReportCount;
  /** Parents with at least one lesson record. */
  parentsOnline: ReportCount;
  /** Parents who checked in at a session. */
  parentsAttended: ReportCount;
}

/** Courses of one module and stage (or the total of all). */
export interface LearningFigures {
  enrolments: ReportCount;
  /** Completions by parents (two guardians who both finish a course are two). */
  completions: ReportCount;
  /** Completions by households: a household completes a course when any of its guardians does, counted once, in the month of the first. */
  householdCompletions: ReportCount;
  /** completions ÷ enrolments of the period (0–1), null when either is suppressed or there are no enrolments. */
  completionRate: number | null;
  /** Unique credited learning time, in hours with one decimal. */
  learningHours: number;
}

/** One cell of the module × stage table. */
export interface LearningCell extends LearningFigures {
  module: PolicyModule;
  stage: Stage;
}

/** Sessions published by hosts in the unit, and their sign-ups against attendance. */
export interface SessionFigures {
  sessions: number;
  mentalHealthSessions: number;
  /** Sessions with at least one parent checked in. */
  held: number;
  mentalHealthHeld: number;
  /** Confirmed sign-ups. */
  signups: ReportCount;
  /** Check-ins. */
  attended: ReportCount;
  /** (signups − attended) ÷ signups, null when either is suppressed or there are no sign-ups. */
  noShowRate: number | null;
}

/** The figures of a unit for a period. Families and learning belong to regions and schools (null for a station). */
export interface ReportFigures {
  coverage: CoverageFigures;
  participation: ParticipationFigures | null;
  learning: LearningFigures | null;
  sessions: SessionFigures;
}

/** A station with no 心理健康教育 session held in the period. */
export interface AtRiskStation {
  id: string;
  name: string;
  kind: StationKind;
  regionId: string;
  regionName: string;
}

/** One month of the trend. */
export interface TrendPoint {
  /** `YYYY-MM`. */
  month: string;
  familiesReached: ReportCount;
  parentsOnline: ReportCount;
  parentsAttended: ReportCount;
  enrolments: ReportCount;
  completions: ReportCount;
  attended: ReportCount;
  /** Stations of the unit that had held a 心理健康教育 session from the start of the year to the end of this month. */
  stationsHeldToDate: number;
  /** Stations of the unit open at some time from the start of the year to the end of this month (the denominator of stationsHeldToDate). */
  stationsToDate: number;
  /** Learning hours credited in the month. */
  learningHours: number;
}

/** A line of the restatement list: a figure of a closed period that changed since it was closed. */
export interface Restatement {
  /** Which unit and figure, e.g. 小店区 / 覆盖家庭. */
  unit: string;
  figure: string;
  closed: string;
  now: string;
}

/** The close of a period for a region. */
export interface ReportClosure {
  id: string;
  regionId: string;
  period: ReportPeriod;
  closedAt: string;
  closedBy: string;
  /** SHA-256 (hex) of the frozen figures' canonical JSON. */
  sha256: string;
  /** Figures whose live value differs from the frozen one (empty when nothing changed). */
  restatements: Restatement[];
}

/** GET /api/reports/dashboard query. */
export interface ReportQuery {
  /** A region, school or station id; the caller's own region when omitted. */
  unitId?: string;
  /** See ReportPeriod; the current year when omitted. */
  period?: string;
}

/** A child of the unit in the drill-down, with its figures. */
export interface ReportChild {
  unit: ReportUnit;
  figures: ReportFigures;
}

/** GET /api/reports/dashboard. */
export interface ReportDashboardOutput {
  unit: ReportUnit;
  /** The units above, from the caller's top region down to the unit's parent. */
  breadcrumbs: ReportUnit[];
  period: ReportPeriod;
  figures: ReportFigures;
  /** Learning by module × stage (empty for a station). */
  learningCells: LearningCell[];
  /** Sub-regions; in a district, its schools and stations. */
  children: ReportChild[];
  /** Stations under the unit still at zero for the period (the first 200; `atRiskTotal` counts all). */
  atRisk: AtRiskStation[];
  atRiskTotal: number;
  /** One point per month of the period. */
  trend: TrendPoint[];
  /** The close of this region and period, if it was closed. */
  closure: ReportClosure | null;
  /** When the figures were read. */
  generatedAt: string;
}

/** GET /api/reports/export query. */
export interface ReportExportQuery {
  unitId?: string;
  period?: string;
  format: 'csv' | 'xlsx';
}

/** POST /api/reports/closures body. */
export interface ReportCloseInput {
  regionId: string;
  period: string;
}

/** GET /api/reports/closures query. */
export interface ReportClosureListQuery {
  regionId?: string;
}

/** GET /api/reports/closures. */
export interface ReportClosureListOutput {
  closures: ReportClosure[];
}

/** GET /api/reports/scope: the regions the caller may report on. */
export interface ReportScopeOutput {
  regions: ReportUnit[];
}
