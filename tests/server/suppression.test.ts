import fc from 'fast-check';
import { protect, type HiddenReason, type ProtectInput } from '../../src/server/domain/reports/protect';
import { attackerRanges, type Relation, type Seen } from '../helpers/attacker';

/** A random registry tree with activity: leaves get a module × stage × month table, every other cell is a sum. */
interface Table { input: ProtectInput; label: string }

const tableArb = (opts: { ms: boolean; distinct?: boolean }) => fc.record({
  shape: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 4 }),
  months: fc.integer({ min: 2, max: 4 }),
  ms: opts.ms ? fc.integer({ min: 2, max: 3 }) : fc.constant(0),
  seed: fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 400, maxLength: 400 }),
}).map(({ shape, months, ms, seed }): Table => {
  // shape[i] = children per node at depth i (0 makes a leaf there).
  const parents: number[] = [-1];
  const depth: number[] = [0];
  for (let u = 0; u < parents.length && parents.length < 30; u += 1) {
    const k = shape[depth[u] as number] ?? 0;
    for (let j = 0; j < k; j += 1) { parents.push(u); depth.push((depth[u] as number) + 1); }
  }
  let s = 0;
  const next = () => {
    const x = seed[s % seed.length] as number;
    s += 1;
    return x < 12 ? 0 : x < 22 ? x - 11 : x * 2; // many zeros and small counts, some larger ones
  };
  const n = parents.length;
  const isLeaf = (u: number) => !parents.includes(u);
  const inner: number[][][] = Array.from({ length: n }, () => Array.from({ length: Math.max(ms, 1) }, () => Array.from({ length: months }, () => 0)));
  for (let u = n - 1; u >= 0; u -= 1) {
    if (isLeaf(u)) for (const row of inner[u] as number[][]) for (let m = 0; m < months; m += 1) row[m] = next();
    const p = parents[u] as number;
    if (p >= 0) (inner[u] as number[][]).forEach((row, k) => row.forEach((x, m) => { (inner[p] as number[][])[k]![m]! += x; }));
  }
  const values = inner.map((tab) => {
    const monthTotals = Array.from({ length: months }, (_, m) => tab.reduce((a, row) => a + (row[m] as number), 0));
    const msTotals = ms > 0 ? tab.map((row) => row.reduce((a, x) => a + x, 0)) : [];
    return [monthTotals.reduce((a, x) => a + x, 0), ...monthTotals, ...msTotals];
  });
  return { input: { parents, months, ms, values, distinct: opts.distinct }, label: `${n} units, ${months} months, ${ms} module × stage cells` };
});

/** Every relation of a table as the outsider knows it. */
function relations(input: ProtectInput): Relation[] {
  const cols = 1 + input.months + input.ms;
  const id = (u: number, c: number) => `${u}:${c}`;
  const out: Relation[] = [];
  input.parents.forEach((_, u) => {
    const kids = input.parents.flatMap((p, k) => (p === u ? [k] : []));
    if (kids.length > 0) for (let c = 0; c < cols; c += 1) out.push({ total: id(u, c), parts: kids.map((k) => id(k, c)) });
    out.push({ total: id(u, 0), parts: Array.from({ length: input.months }, (_, m) => id(u, 1 + m)) });
    if (input.ms > 0) out.push({ total: id(u, 0), parts: Array.from({ length: input.ms }, (_, k) => id(u, 1 + input.months + k)) });
  });
  return out;
}

function seenOf(input: ProtectInput, hidden: (HiddenReason | null)[][]): Map<string, Seen> {
  const seen = new Map<string, Seen>();
  input.values.forEach((row, u) => row.forEach((x, c) => seen.set(`${u}:${c}`, hidden[u]?.[c] ?? x)));
  return seen;
}

/** The cells an outsider narrows below five possible values. */
function exposed(input: ProtectInput, hidden: (HiddenReason | null)[][]): string[] {
  const seen = seenOf(input, hidden);
  const ranges = attackerRanges(relations(input), seen);
  const out: string[] = [];
  for (const [cell, r] of ranges) {
    const [u, c] = cell.split(':').map(Number) as [number, number];
    const truth = (input.values[u] as number[])[c] as number;
    expect(truth).toBeGreaterThanOrEqual(r.lo);
    expect(truth).toBeLessThanOrEqual(r.hi);
    if (r.hi - r.lo < 4) out.push(`${cell}=${truth} in [${r.lo}, ${r.hi}] (${seen.get(cell)})`);
  }
  return out;
}

describe('protect(): complementary suppression over a tree × months (× module and stage)', () => {
  test('random tables: every hidden cell keeps at least five possible values against an exact integer LP', () => {
    fc.assert(fc.property(tableArb({ ms: false }), (t) => {
      const hidden = protect(t.input);
      expect({ table: t.label, exposed: exposed(t.input, hidden) }).toEqual({ table: t.label, exposed: [] });
    }), { seed: 12, numRuns: 200 });
  });

  test('random tables with module × stage cells', () => {
    fc.assert(fc.property(tableArb({ ms: true }), (t) => {
      const hidden = protect(t.input);
      expect({ table: t.label, exposed: exposed(t.input, hidden) }).toEqual({ table: t.label, exposed: [] });
    }), { seed: 13, numRuns: 150 });
  });
});

test('the attacker is real: hiding only the counts from 1 to 4 leaves cells it recovers', () => {
  let found = 0;
  fc.assert(fc.property(tableArb({ ms: true }), (t) => {
    const smallOnly = t.input.values.map((row) => row.map((x): HiddenReason | null => (x > 0 && x < 5 ? 'small' : null)));
    if (exposed(t.input, smallOnly).length > 0) found += 1;
  }), { seed: 14, numRuns: 40 });
  expect(found).toBeGreaterThan(10);
});
