/**
 * The played-segments tracker of the lesson player, as pure functions over a small state.
 * Time updates within a couple of seconds of the last one extend the open segment; a bigger jump (forwards or
 * backwards) is a seek: the open segment closes and a new one starts where playback resumed. Credit then comes from
 * the segments really played (the server merges them), not from the player's position.
 */
import type { Segment } from '../../../../types';

/** A forward jump above this many seconds between two time updates is a seek, not playback. */
export const SEEK_THRESHOLD_SECONDS = 2;
/** A step back of at most this many seconds is an out-of-order update and is ignored (a bigger one is a seek back). */
export const JITTER_SECONDS = 0.5;

/** The tracker's state. */
export interface TrackerState {
  /** The segment being played: where it started and the last time seen; null when stopped. */
  open: { start: number; last: number } | null;
  /** Segments closed since the last report. */
  closed: Segment[];
}

/** A tracker that has seen nothing yet. */
export function initialTracker(): TrackerState {
  return { open: null, closed: [] };
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

function closeOpen(state: TrackerState): Segment[] {
  const { open } = state;
  if (!open || open.last <= open.start) return state.closed;
  return [...state.closed, [round(open.start), round(open.last)]];
}

/** A time update of the player at `time` seconds. */
export function trackTime(state: TrackerState, time: number, threshold: number = SEEK_THRESHOLD_SECONDS): TrackerState {
  if (!Number.isFinite(time) || time < 0) return state;
  const { open } = state;
  if (!open) return { open: { start: time, last: time }, closed: state.closed };
  const delta = time - open.last;
  if (delta <= 0 && delta >= -JITTER_SECONDS) return state;
  if (delta > 0 && delta <= threshold) return { open: { start: open.start, last: time }, closed: state.closed };
  // A seek: keep what was played before it and start a new segment where playback resumed.
  return { open: { start: time, last: time }, closed: closeOpen(state) };
}

/** Playback stopped (pause, end, an error, leaving the page): the open segment closes. */
export function trackStop(state: TrackerState): TrackerState {
  return { open: null, closed: closeOpen(state) };
}

/** Takes the segments played since the last report; playback goes on from where it is. */
export function takeSegments(state: TrackerState): { segments: Segment[]; state: TrackerState } {
  const segments = closeOpen(state);
  const open = state.open ? { start: state.open.last, last: state.open.last } : null;
  return { segments, state: { open, closed: [] } };
}
