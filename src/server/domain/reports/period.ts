/** Reporting periods: a year, a month or a month range within one year, in China time. */
import type { ReportPeriod } from '../../../../types';
import { AppError } from '../errors';
import { chinaYearMonth } from '../events/common';

/** A parsed period: months as year * 100 + month, the bit mask of its months, and whether it is over. */
export interface Period extends ReportPeriod {
  year: number;
  fromYm: number;
  toYm: number;
  /** Months of the period that have begun (the current year stops at the current month). */
  months: number[];
  /** Bits of the months (bit 0 = January), as kept by the reach rollup. */
  mask: number;
  /** Whether the whole period is in the past (it can then be closed). */
  ended: boolean;
}

const PATTERN = /^(\d{4})(?:-(\d{2})(?:\.\.(\d{4})-(\d{2}))?)?$/;

function invalid(message: string): never {
  throw new AppError('VALIDATION_FAILED', message, [{ path: 'period', message }]);
}

/** `YYYY-MM` of a month number (year * 100 + month). */
export function monthKey(ym: number): string {
  return `${Math.floor(ym / 100)}-${String(ym % 100).padStart(2, '0')}`;
}

/** Parses a period (the current year when absent); refuses malformed, cross-year and future periods with a Chinese message. */
export function parsePeriod(input: string | undefined, now: Date): Period {
  const current = chinaYearMonth(now);
  const currentYm = current.year * 100 + current.month;
  const text = (input ?? String(current.year)).trim();
  const m = PATTERN.exec(text);
  if (!m) invalid('统计期间格式不正确，应为 2025、2025-03 或 2025-01..2025-06');
  const year = Number(m[1]);
  const fromMonth = m[2] ? Number(m[2]) : 1;
  const toYear = m[3] ? Number(m[3]) : year;
  const toMonth = m[4] ? Number(m[4]) : m[2] ? fromMonth : 12;
  if (fromMonth < 1 || fromMonth > 12 || toMonth < 1 || toMonth > 12) invalid('月份应在 1 到 12 之间');
  if (toYear !== year) invalid('统计期间须在同一年内');
  if (toMonth < fromMonth) invalid('统计期间的结束月份不能早于开始月份');
  if (year < 2000) invalid('统计期间不能早于 2000 年');
  const fromYm = year * 100 + fromMonth;
  const toYm = year * 100 + toMonth;
  if (fromYm > currentYm || (m[2] && toYm > currentYm)) invalid('统计期间不能晚于本月');
  const months: number[] = [];
  for (let ym = fromYm; ym <= Math.min(toYm, currentYm); ym += 1) months.push(ym);
  const mask = months.reduce((acc, ym) => acc | (1 << ((ym % 100) - 1)), 0);
  const key = m[2] ? (fromYm === toYm ? monthKey(fromYm) : `${monthKey(fromYm)}..${monthKey(toYm)}`) : String(year);
  const label = !m[2] ? `${year}年` : fromYm === toYm ? `${year}年${fromMonth}月` : `${year}年${fromMonth}月—${toMonth}月`;
  return { key, from: monthKey(fromYm), to: monthKey(toYm), label, year, fromYm, toYm, months, mask, ended: toYm < currentYm };
}
