/** Small-count suppression: counts of people from 1 to 4 leave the server only as "<5". */
import type { ReportCount } from '../../../../types';

/** The smallest count shown as it is (besides zero). */
export const SUPPRESS_BELOW = 5;

/** Whether a count of people must be hidden. */
export function hidden(n: number): boolean {
  return n > 0 && n < SUPPRESS_BELOW;
}

/** A count of people as it may leave the server. */
export function count(n: number): ReportCount {
  return hidden(n) ? { value: null, suppressed: true, text: '<5' } : { value: n, suppressed: false, text: String(n) };
}

/** A ratio of two counts of people (0–1, three decimals); null when either is hidden or the denominator is zero. */
export function ratio(part: number, whole: number): number | null {
  if (whole === 0 || hidden(part) || hidden(whole)) return null;
  return Math.round((part / whole) * 1000) / 1000;
}
