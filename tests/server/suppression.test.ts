import fc from 'fast-check';
import type { ReportCount, ReportDashboardOutput } from '../../types';
import { protect, type HiddenReason, type ProtectInput } from '../../src/server/domain/reports/protect';
import { importCourses } from '../../src/server/domain/learning/content';
import { seedDemo } from '../../src/server/seed/demo';
import { testApp, type TestApp } from '../helpers/app';
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

type Dash = ReportDashboardOutput;
const TREND_COUNTS = ['familiesReached', 'parentsOnline', 'parentsAttended', 'enrolments', 'completions', 'attended'] as const;
const DISTINCT = new Set(['familiesReached', 'parentsOnline', 'parentsAttended']);

/** The people counts of a dashboard's figures, by field. */
function countsOf(f: Dash['figures']): Record<string, ReportCount> {
  return {
    ...(f.participation ? { familiesReached: f.participation.familiesReached, parentsOnline: f.participation.parentsOnline, parentsAttended: f.participation.parentsAttended } : {}),
    ...(f.learning ? { enrolments: f.learning.enrolments, completions: f.learning.completions, householdCompletions: f.learning.householdCompletions } : {}),
    signups: f.sessions.signups, attended: f.sessions.attended,
  };
}

const seenCount = (c: ReportCount): Seen => (c.value !== null ? c.value : c.reason === 'small' ? 'small' : 'complementary');

/** Every dashboard of the demo province for the year, as the admin sees them (regions, schools and stations). */
async function allDashboards(t: TestApp, token: string): Promise<Dash[]> {
  const units = await t.db.query<{ id: string }>('SELECT id FROM regions UNION ALL SELECT id FROM schools UNION ALL SELECT id FROM stations');
  const out: Dash[] = [];
  for (const u of units) {
    const r = await t.call('GET', `/api/reports/dashboard?unitId=${u.id}`, { token });
    expect(r.status).toBe(200);
    out.push(r.body as Dash);
  }
  return out;
}

describe('the API over the demo registry: what an outsider with every dashboard can work out', () => {
  let t: TestApp;
  let dashboards: Dash[];

  beforeAll(async () => {
    // The demo registry with the reporting demo's activity (courses imported first, so its enrolments are written).
    t = await testApp({ seed: false });
    await importCourses(t.db);
    await seedDemo(t.db, t.deps.config.privacyVersion, t.deps.clock());
    dashboards = await allDashboards(t, await t.login('admin'));
  }, 120_000);
  afterAll(async () => {
    if (t) await t.close();
  });

  test('the issue\'s exploits recover nothing: a parent less its visible children, the year less its visible months', () => {
    const recovered: string[] = [];
    let hiddenSeen = 0;
    for (const d of dashboards) {
      const total = countsOf(d.figures);
      for (const [key, c] of Object.entries(total)) {
        const kids = d.children.map((k) => countsOf(k.figures)[key]).filter((x): x is ReportCount => x !== undefined);
        const hiddenKids = kids.filter((k) => k.value === null);
        hiddenSeen += hiddenKids.length;
        if (c.value !== null && kids.length > 0 && hiddenKids.length === 1 && hiddenKids[0]!.reason === 'small') {
          recovered.push(`${d.unit.name} ${key}: ${c.value} − children = ${c.value - kids.reduce((a, k) => a + (k.value ?? 0), 0)}`);
        }
      }
      for (const key of TREND_COUNTS) {
        const year = total[key];
        const months = d.trend.map((p) => p[key]);
        const hiddenMonths = months.filter((m) => m.value === null);
        if (year && year.value !== null && hiddenMonths.length === 1 && hiddenMonths[0]!.reason === 'small' && !DISTINCT.has(key)) {
          recovered.push(`${d.unit.name} ${key}: year ${year.value} − months = ${year.value - months.reduce((a, m) => a + (m.value ?? 0), 0)}`);
        }
      }
    }
    expect(dashboards.length).toBeGreaterThan(40);
    expect(hiddenSeen).toBeGreaterThan(10);
    expect(recovered).toEqual([]);
  });

  test('an exact LP over all dashboards together (drill-downs, trends, module × stage) leaves every hidden count at least five values wide', () => {
    const exposedCells: string[] = [];
    for (const key of [...TREND_COUNTS, 'signups', 'householdCompletions']) {
      const seen = new Map<string, Seen>();
      const relations: Relation[] = [];
      const sub = DISTINCT.has(key);
      for (const d of dashboards) {
        const mine = countsOf(d.figures)[key];
        if (!mine) continue;
        seen.set(`${d.unit.id}|Y`, seenCount(mine));
        const kids = d.children.filter((k) => countsOf(k.figures)[key] !== undefined);
        for (const k of kids) seen.set(`${k.unit.id}|Y`, seenCount(countsOf(k.figures)[key] as ReportCount));
        if (kids.length > 0) relations.push({ total: `${d.unit.id}|Y`, parts: kids.map((k) => `${k.unit.id}|Y`), sub });
        if ((TREND_COUNTS as readonly string[]).includes(key)) {
          for (const p of d.trend) seen.set(`${d.unit.id}|${p.month}`, seenCount(p[key as (typeof TREND_COUNTS)[number]]));
          relations.push({ total: `${d.unit.id}|Y`, parts: d.trend.map((p) => `${d.unit.id}|${p.month}`), sub });
          if (kids.length > 0) for (const p of d.trend) relations.push({ total: `${d.unit.id}|${p.month}`, parts: kids.map((k) => `${k.unit.id}|${p.month}`), sub });
        }
        if (key === 'enrolments' || key === 'completions' || key === 'householdCompletions') {
          const cells = d.learningCells.map((c) => `${d.unit.id}|${c.module}|${c.stage}`);
          d.learningCells.forEach((c, i) => seen.set(cells[i] as string, seenCount(c[key])));
          if (cells.length > 0) relations.push({ total: `${d.unit.id}|Y`, parts: cells, sub: true });
          if (kids.length > 0) for (const c of d.learningCells) relations.push({ total: `${d.unit.id}|${c.module}|${c.stage}`, parts: kids.map((k) => `${k.unit.id}|${c.module}|${c.stage}`) });
        }
      }
      const usable = relations.filter((r) => [r.total, ...r.parts].every((id) => seen.has(id)));
      const ranges = attackerRanges(usable, seen, false);
      for (const [cell, r] of ranges) {
        const s = seen.get(cell);
        const ok = s === 'small' ? r.lo <= 0 && r.hi >= 4 : r.hi - r.lo >= 4;
        if (!ok) exposedCells.push(`${key} ${cell} (${s}) in [${r.lo}, ${r.hi}]`);
      }
    }
    expect(exposedCells).toEqual([]);
  });
});
