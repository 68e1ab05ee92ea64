import fc from 'fast-check';
import type { Segment } from '../../types';
import { coveredSeconds, mergeSegments } from '../../src/server/domain/learning/segments';
import type { Database } from '../../src/server/storage/db';
import { freshDb } from '../helpers/db';

// The database merges segments during ingestion (xq_merge_segments, migration 003); segments.ts is the reference.
let db: Database;
beforeAll(async () => {
  db = await freshDb();
});
afterAll(() => db.close());

const duration = fc.integer({ min: 1, max: 3600 });
/** Any double in range, or an exact half-centisecond (a rounding tie), or an exact boundary. */
const time = (max: number) => fc.oneof(
  fc.double({ min: 0, max: max + 10, noNaN: true }),
  fc.integer({ min: 0, max: (max + 10) * 200 }).map((k) => k / 200),
  fc.constantFrom(0, max, max + 2, 1e-7, 0.005, 0.015, 1.005, 2.675),
);
const segments = (max: number) => fc.array(fc.tuple(time(max), time(max)).map(([a, b]): Segment => (a <= b ? [a, b] : [b, a])), { maxLength: 40 });

async function sqlMerge(input: Segment[], d: number): Promise<{ merged: Segment[]; covered: number }> {
  const [row] = await db.query<{ merged: Segment[]; covered: number }>(
    'SELECT m AS merged, xq_covered_seconds(m) AS covered FROM (SELECT xq_merge_segments($1::jsonb, $2) AS m) x',
    [JSON.stringify(input), d],
  );
  return row;
}

describe('the SQL segment merge equals the TypeScript reference', () => {
  test('examples', async () => {
    expect(await sqlMerge([[0, 10], [5, 15], [40, 45]], 100)).toEqual({ merged: [[0, 15], [40, 45]], covered: 20 });
    expect(await sqlMerge([[-5, 3], [95, 130], [50, 50]], 100)).toEqual({ merged: [[0, 3], [95, 100]], covered: 8 });
    expect(await sqlMerge([[1.005, 2.675], [0.005, 0.015]], 100)).toEqual({ merged: mergeSegments([[1.005, 2.675], [0.005, 0.015]], 100), covered: coveredSeconds(mergeSegments([[1.005, 2.675], [0.005, 0.015]], 100)) });
    expect(await sqlMerge([], 100)).toEqual({ merged: [], covered: 0 });
  });

  test('same merged segments and the same credited seconds, bit for bit, for any input', async () => {
    await fc.assert(
      fc.asyncProperty(duration.chain((d) => fc.tuple(fc.constant(d), segments(d))), async ([d, input]) => {
        const sent: Segment[] = JSON.parse(JSON.stringify(input));
        const expected = mergeSegments(sent, d);
        const got = await sqlMerge(sent, d);
        expect(got.merged).toEqual(expected);
        expect(got.covered).toBe(coveredSeconds(expected));
      }),
      { numRuns: 500 },
    );
  });

  test('merging what was stored with new segments equals merging everything at once', async () => {
    await fc.assert(
      fc.asyncProperty(duration.chain((d) => fc.tuple(fc.constant(d), segments(d), segments(d))), async ([d, a, b]) => {
        const stored = (await sqlMerge(a, d)).merged;
        expect((await sqlMerge([...stored, ...b], d)).merged).toEqual(mergeSegments([...mergeSegments(a, d), ...b], d));
      }),
      { numRuns: 200 },
    );
  });
});
