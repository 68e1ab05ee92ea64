import { initialTracker, takeSegments, trackStop, trackTime, type TrackerState } from '../../src/packages/course/lib/tracker';

/** Feeds time updates into a tracker. */
function feed(state: TrackerState, times: number[]): TrackerState {
  return times.reduce((s, t) => trackTime(s, t), state);
}

/** 0, 0.25, 0.5 … up to `to` (a player's timeupdate cadence). */
function ticks(from: number, to: number, step = 0.25): number[] {
  const out: number[] = [];
  for (let t = from; t <= to + 1e-9; t += step) out.push(Math.round(t * 100) / 100);
  return out;
}

describe('played-segments tracker', () => {
  it('extends one segment while time advances in small steps', () => {
    const state = feed(initialTracker(), ticks(0, 10));
    expect(takeSegments(state).segments).toEqual([[0, 10]]);
  });

  it('treats a forward jump of more than 2 s as a seek: the skipped span earns nothing', () => {
    const state = feed(initialTracker(), [...ticks(0, 5), ...ticks(60, 65)]);
    expect(takeSegments(trackStop(state)).segments).toEqual([
      [0, 5],
      [60, 65],
    ]);
  });

  it('accepts steps up to the threshold as playback (a slow timeupdate, 2× speed)', () => {
    const state = feed(initialTracker(), [0, 1, 2, 4, 6, 7.5]);
    expect(takeSegments(state).segments).toEqual([[0, 7.5]]);
  });

  it('treats a jump back as a seek and keeps both segments', () => {
    const state = feed(initialTracker(), [...ticks(0, 30), ...ticks(10, 20)]);
    expect(takeSegments(trackStop(state)).segments).toEqual([
      [0, 30],
      [10, 20],
    ]);
  });

  it('ignores a slightly older update that arrives out of order', () => {
    const state = feed(initialTracker(), [0, 0.25, 0.5, 0.75, 0.6, 1, 1.25]);
    expect(takeSegments(state).segments).toEqual([[0, 1.25]]);
  });

  it('closes the segment on pause; resuming after the pause starts a new one without bridging the gap', () => {
    let state = feed(initialTracker(), ticks(0, 4));
    state = trackStop(state);
    expect(state.open).toBeNull();
    // Resumed one second further on (e.g. the position moved while paused): no credit for 4–5.
    state = feed(state, ticks(5, 6));
    expect(takeSegments(state).segments).toEqual([
      [0, 4],
      [5, 6],
    ]);
  });

  it('reports only what was played since the last report, and goes on from there', () => {
    let state = feed(initialTracker(), ticks(0, 15));
    const first = takeSegments(state);
    expect(first.segments).toEqual([[0, 15]]);
    state = feed(first.state, ticks(15.25, 30));
    const second = takeSegments(state);
    expect(second.segments).toEqual([[15, 30]]);
    expect(takeSegments(second.state).segments).toEqual([]);
  });

  it('never reports empty segments (a pause right after a seek, a lone update)', () => {
    let state = trackTime(initialTracker(), 42);
    state = trackStop(state);
    expect(takeSegments(state).segments).toEqual([]);
    expect(takeSegments(trackStop(initialTracker())).segments).toEqual([]);
  });

  it('ignores nonsense times', () => {
    const state = feed(initialTracker(), [0, 1, Number.NaN, -3, 2]);
    expect(takeSegments(state).segments).toEqual([[0, 2]]);
  });
});
