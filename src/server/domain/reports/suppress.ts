/**
 * Small-count suppression: counts of people from 1 to 4 leave the server only as "<5". Complementary suppression (the
 * cells hidden as "—" so that a "<5" cannot be subtracted back) is decided by pattern.ts with protect.ts.
 */
import type { ReportCount } from '../../../../types';

/** The smallest count shown as it is (besides zero). */
export const SUPPRESS_BELOW = 5;

/** The text of a small count and of a complementary (secondary) hidden cell. */
export const SMALL_TEXT = '<5';
export const HIDDEN_TEXT = '—';

/** What the page and exports say whenever something is hidden. */
export const SUPPRESSION_NOTE = '部分数字为保护隐私已隐藏';
export const SUPPRESSION_LEGEND = '“<5”：1 至 4 人；“—”：为防止由合计、下级或各月相减推算出少于 5 的人数而一并隐藏';

/** Whether a count of people is small (1 to 4) and must be hidden. */
export function hidden(n: number): boolean {
  return n > 0 && n < SUPPRESS_BELOW;
}

/** A count of people as it may leave the server before complementary suppression (applySuppression decides the rest). */
export function count(n: number): ReportCount {
  return hidden(n) ? { value: null, suppressed: true, text: SMALL_TEXT, reason: 'small' } : { value: n, suppressed: false, text: String(n), reason: null };
}

/** A ratio of two counts of people (0–1, three decimals); null when either is hidden or the denominator is zero. */
export function ratio(part: number, whole: number): number | null {
  if (whole === 0 || hidden(part) || hidden(whole)) return null;
  return Math.round((part / whole) * 1000) / 1000;
}
