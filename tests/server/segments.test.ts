import fc from 'fast-check';
import type { Segment } from '../../types';
import { addedSeconds, clipToAllowance, coveredSeconds, mergeSegments } from '../../src/server/domain/learning/segments';

const duration = fc.integer({ min: 1, max: 3600 });
const segment = (max: number) => fc.tuple(fc.double({ min: -10, max: max + 10, noNaN: true }), fc.double({ min: 0, max: max + 10, noNaN: true })).map(([a, b]): Segment => [a, b]);
const segments = (max: number) => fc.array(segment(max), { maxLength: 40 });
const lengthOf = (s: Segment[]) => s.reduce((sum, [a, b]) => sum + Math.max(0, Math.min(b, 1e9) - Math.max(a, 0)), 0);

describe('merging played segments', () => {
  test('examples: overlaps merge, touching segments join, gaps stay gaps, out-of-range is clamped', () => {
    expect(mergeSegments([[0, 10], [5, 15]], 100)).toEqual([[0, 15]]);
    expect(mergeSegments([[10, 20], [0, 10]], 100)).toEqual([[0, 20]]);
    expect(mergeSegments([[0, 10], [10.4, 20]], 100)).toEqual([[0, 10], [10.4, 20]]);
    expect(mergeSegments([[-5, 3], [95, 130], [50, 50]], 100)).toEqual([[0, 3], [95, 100]]);
    expect(coveredSeconds(mergeSegments([[0, 10], [5, 15], [40, 45]], 100))).toBe(20);
    expect(addedSeconds([[0, 10]], [[5, 15]], 100)).toBe(5);
  });

  test('the result is sorted, disjoint and inside the lesson', () => {
    fc.assert(
      fc.property(duration.chain((d) => fc.tuple(fc.constant(d), segments(d))), ([d, input]) => {
        const merged = mergeSegments(input, d);
        for (const [i, [s, e]] of merged.entries()) {
          expect(s).toBeGreaterThanOrEqual(0);
          expect(e).toBeLessThanOrEqual(d);
          expect(e).toBeGreaterThan(s);
          if (i > 0) expect(s).toBeGreaterThan(merged[i - 1][1]);
        }
      }),
    );
  });

  test('credit never exceeds the lesson length, nor what was actually played', () => {
    fc.assert(
      fc.property(duration.chain((d) => fc.tuple(fc.constant(d), segments(d))), ([d, input]) => {
        const credited = coveredSeconds(mergeSegments(input, d));
        expect(credited).toBeLessThanOrEqual(d + 0.01);
        const clampedPlayed = input.reduce((sum, [a, b]) => sum + Math.max(0, Math.min(b, d) - Math.max(a, 0)), 0);
        expect(credited).toBeLessThanOrEqual(clampedPlayed + 0.01);
        expect(credited).toBeLessThanOrEqual(lengthOf(input) + 0.01);
      }),
    );
  });

  test('replaying statements never double-credits, and order does not matter', () => {
    fc.assert(
      fc.property(duration.chain((d) => fc.tuple(fc.constant(d), segments(d), fc.integer())), ([d, input, seed]) => {
        const once = mergeSegments(input, d);
        expect(mergeSegments([...input, ...input], d)).toEqual(once);
        expect(mergeSegments(once, d)).toEqual(once);
        const shuffled = [...input].sort((a, b) => ((a[0] * 7919 + seed) % 13) - ((b[0] * 7919 + seed) % 13));
        expect(mergeSegments(shuffled, d)).toEqual(once);
        expect(addedSeconds(once, input, d)).toBeCloseTo(0, 2);
      }),
    );
  });

  test('more played segments never reduce credit', () => {
    fc.assert(
      fc.property(duration.chain((d) => fc.tuple(fc.constant(d), segments(d), segments(d))), ([d, a, b]) => {
        expect(coveredSeconds(mergeSegments([...a, ...b], d))).toBeGreaterThanOrEqual(coveredSeconds(mergeSegments(a, d)) - 0.01);
      }),
    );
  });
});

describe('clipToAllowance: what fits in the seconds real time still allows', () => {
  test('keeps everything when the allowance covers the new seconds', () => {
    expect(clipToAllowance([[0, 10]], [[5, 30]], 100, 20)).toEqual([[5, 30]]);
  });
  test('keeps what was already covered and new seconds from the start until the allowance is spent', () => {
    expect(clipToAllowance([[10, 20]], [[0, 50]], 100, 15)).toEqual([[0, 25]]);
    expect(clipToAllowance([], [[0, 5], [50, 60], [90, 100]], 100, 12)).toEqual([[0, 5], [50, 57]]);
  });
  test('no allowance keeps only seconds already credited; a negative one is none', () => {
    expect(clipToAllowance([[0, 10]], [[0, 40]], 100, 0)).toEqual([[0, 10]]);
    expect(clipToAllowance([], [[0, 40]], 100, -30)).toEqual([]);
  });
  test('the kept seconds never add more than the allowance, for any input', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 1, max: 60 })).map(([s, l]) => [s, s + l] as [number, number]), { maxLength: 8 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 1, max: 60 })).map(([s, l]) => [s, s + l] as [number, number]), { maxLength: 8 }),
        fc.integer({ min: 0, max: 400 }),
        (before, incoming, allowance) => {
          const kept = clipToAllowance(before, incoming, 300, allowance);
          const added = addedSeconds(before, kept, 300);
          expect(added).toBeLessThanOrEqual(allowance + 1e-9);
          expect(added).toBeCloseTo(Math.min(allowance, addedSeconds(before, incoming, 300)), 5);
        },
      ),
    );
  });
});
