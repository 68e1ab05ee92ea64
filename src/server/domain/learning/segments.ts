/** Unique played segments (the xAPI video profile's idea): credit comes from what was played, not from the position. */
import type { Segment } from '../../../../types';

/** Rounds segments to centiseconds, clamps them to [0, duration], drops empty ones, sorts and merges overlapping or touching ones (never bridging a gap). */
export function mergeSegments(segments: readonly Segment[], duration: number): Segment[] {
  const clean = segments
    .filter(([s, e]) => Number.isFinite(s) && Number.isFinite(e))
    .map(([s, e]): Segment => [round(Math.max(0, Math.min(s, duration))), round(Math.max(0, Math.min(e, duration)))])
    .filter(([s, e]) => e > s)
    .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const out: Segment[] = [];
  for (const [s, e] of clean) {
    const last = out[out.length - 1];
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else out.push([s, e]);
  }
  return out;
}

/** The total length of merged segments. */
export function coveredSeconds(merged: readonly Segment[]): number {
  return round(merged.reduce((sum, [s, e]) => sum + (e - s), 0));
}

/** How many seconds new segments add beyond what was already merged. */
export function addedSeconds(before: readonly Segment[], incoming: readonly Segment[], duration: number): number {
  return round(coveredSeconds(mergeSegments([...before, ...incoming], duration)) - coveredSeconds(mergeSegments(before, duration)));
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
