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

/**
 * The part of `incoming` that may be credited when only `allowance` new seconds are left: what `before` already covers is
 * kept as it is, and new seconds are kept from the start of the lesson onwards until the allowance is spent.
 */
export function clipToAllowance(before: readonly Segment[], incoming: readonly Segment[], duration: number, allowance: number): Segment[] {
  const merged = mergeSegments(incoming, duration);
  const known = mergeSegments(before, duration);
  const kept: Segment[] = [];
  let left = Math.max(0, Math.floor(allowance * 100) / 100);
  for (const [s, e] of merged) {
    let cursor = s;
    for (const [ks, ke] of known) {
      if (ke <= cursor || ks >= e) continue;
      if (ks > cursor) left = keep(kept, cursor, ks, left);
      kept.push([Math.max(cursor, ks), Math.min(e, ke)]);
      cursor = Math.min(e, ke);
    }
    if (cursor < e) left = keep(kept, cursor, e, left);
  }
  return mergeSegments(kept, duration);
}

/** Keeps [s, e) of new seconds, cut to what is left of the allowance; returns what is left after it. */
function keep(kept: Segment[], s: number, e: number, left: number): number {
  const take = Math.min(e - s, left);
  if (take > 0) kept.push([s, round(s + take)]);
  return round(left - Math.max(0, take));
}
