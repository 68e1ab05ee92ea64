/** The export of a unit's report: the same tables as CSV (UTF-8 with BOM, formulas defused) and as an .xlsx workbook. */
import type { LearningFigures, ReportCount, ReportFigures, ReportUnitType } from '../../../../types';
import { MODULE_LABELS, STAGE_LABELS } from '../../../shared/labels';
import { anyHidden } from './pattern';
import type { ReportData } from './service';
import { SUPPRESSION_LEGEND, SUPPRESSION_NOTE } from './suppress';
import { buildXlsx, type Cell, type Sheet } from './xlsx';

const UNIT_TYPE: Record<ReportUnitType, string> = { province: '省', city: '市', district: '区县', school: '学校', station: '站点' };
const STATION_KIND = { parent_school: '家长学校', guidance_station: '家庭教育指导服务站点' } as const;

/** A rate as a number with a percent format (CSV: "46.7%"); '—' when it cannot be given. */
const pct = (r: number | null): Cell => (r === null ? '—' : { pct: r });
/** A count of people: a number, or its text ("<5", "—") when hidden. */
const num = (c: ReportCount): Cell => (c.value === null ? c.text : c.value);

/** An instant as China time (UTC+8), e.g. 2026-11-23 16:00:00. */
export function chinaTime(iso: string): string {
  return new Date(new Date(iso).getTime() + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
}

const FIGURE_HEADER = [
  '名称', '类型', '站点数', '已开展心理健康教育的站点', '覆盖率', '是否达到 60%', '覆盖家庭', '线上学习家长', '参加活动家长',
  '课程报名', '课程完成', '课程完成（户）', '完成率', '学习时长（小时）', '活动场次', '心理健康教育活动', '活动报名', '活动签到', '未到率',
];

function figureRow(name: string, type: ReportUnitType, f: ReportFigures): Cell[] {
  const p = f.participation;
  const l: LearningFigures | null = f.learning;
  return [
    name, UNIT_TYPE[type], f.coverage.stations, f.coverage.stationsHeld, pct(f.coverage.rate), f.coverage.meetsTarget ? '是' : '否',
    p ? num(p.familiesReached) : null, p ? num(p.parentsOnline) : null, p ? num(p.parentsAttended) : null,
    l ? num(l.enrolments) : null, l ? num(l.completions) : null, l ? num(l.householdCompletions) : null, l ? pct(l.completionRate) : null, l ? l.learningHours : null,
    f.sessions.sessions, f.sessions.mentalHealthSessions, num(f.sessions.signups), num(f.sessions.attended), pct(f.sessions.noShowRate),
  ];
}

/** The sheets of an export: figures (the unit and its children), learning by module × stage, monthly trend, stations at zero. */
export function reportSheets(d: ReportData): Sheet[] {
  const title = `${d.unit.name} 家庭教育心理健康工作统计（${d.period.label}）`;
  const hidden = anyHidden(d);
  const figures: Cell[][] = [
    [title],
    [`生成时间：${chinaTime(d.generatedAt)}（北京时间）`],
    [hidden.small || hidden.complementary ? `${SUPPRESSION_NOTE}。${SUPPRESSION_LEGEND}。站点一行的家庭与课程栏为空（不适用）。` : '站点一行的家庭与课程栏为空（不适用）。'],
    [],
    FIGURE_HEADER,
    figureRow(d.unit.name, d.unit.type, d.figures),
    ...d.children.map((c) => figureRow(c.unit.name, c.unit.type, c.figures)),
  ];
  const learning: Cell[][] = [
    ['模块', '学段', '课程报名', '课程完成', '课程完成（户）', '完成率', '学习时长（小时）'],
    ...d.learningCells.map((c) => [
      MODULE_LABELS[c.module], STAGE_LABELS[c.stage], num(c.enrolments), num(c.completions), num(c.householdCompletions), pct(c.completionRate), c.learningHours,
    ]),
  ];
  const trend: Cell[][] = [
    ['月份', '覆盖家庭', '线上学习家长', '参加活动家长', '课程报名', '课程完成', '活动签到', '累计开展心理健康教育的站点', '学习时长（小时）'],
    ...d.trend.map((t) => [t.month, num(t.familiesReached), num(t.parentsOnline), num(t.parentsAttended), num(t.enrolments), num(t.completions), num(t.attended), t.stationsHeldToDate, t.learningHours]),
  ];
  const atRisk: Cell[][] = [
    ['站点', '类型', '所在地区'],
    ...d.allAtRisk.map((s) => [s.name, STATION_KIND[s.kind], s.regionName]),
  ];
  return [
    { name: '汇总', rows: figures },
    { name: '课程（模块×学段）', rows: learning },
    { name: '月度趋势', rows: trend },
    { name: '尚未开展的站点', rows: atRisk },
  ];
}

/** Quotes a CSV field and defuses spreadsheet formulas. */
function csvField(value: Cell): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'object') return `${Math.round(value.pct * 1000) / 10}%`;
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The export as CSV: each sheet a section under its name, separated by a blank line; UTF-8 with a BOM so Excel reads it. */
export function reportCsv(d: ReportData): string {
  const lines = reportSheets(d).flatMap((s, i) => [...(i > 0 ? [''] : []), ...(i > 0 ? [csvField(`【${s.name}】`)] : []), ...s.rows.map((r) => r.map(csvField).join(','))]);
  return `\ufeff${lines.join('\r\n')}\r\n`;
}

/** The export as an .xlsx workbook. */
export function reportXlsx(d: ReportData): Buffer {
  return buildXlsx(reportSheets(d));
}

/** The download's file name. */
export function exportFilename(d: ReportData, ext: 'csv' | 'xlsx'): string {
  return `${d.unit.name}-统计-${d.period.key.replace('..', '至')}.${ext}`;
}
