/**
 * Complementary (secondary) cell suppression for one count of people over a registry tree and a year.
 *
 * The published cells are (unit, column): the year total `Y`, each month of the year so far, and (for course figures)
 * each module × stage cell of the year. The relations an outsider knows are: a unit's cell equals the sum of its
 * children's (per column), a unit's year equals the sum of its months, and (course figures) the sum of its module ×
 * stage cells. Counts from 1 to 4 are hidden ("small"); this module hides further cells ("complementary") until every
 * hidden cell keeps at least five possible values: a small cell can be anything from 0 to 4, any other hidden cell a
 * range at least 4 wide, whatever the visible cells, the relations and non-negativity say.
 *
 * How a range is proven: a hidden cell can move while every visible cell stays put when some other hidden cells move
 * with it. We look at moves confined to a few columns σ (two months against each other, or a month with the year and a
 * module × stage cell): such a move is a flow φ over the tree (a unit's φ is the sum of its children's), zero at units
 * where any cell of σ is visible, and bounded at the others by non-negativity (and by 4 at small cells). On a tree the
 * exact range of φ at every unit is two passes (sums of intervals up, differences down). The union of these ranges over
 * σ is a set of values the cell really can take, so a cell whose union is 4 wide is protected for certain (an outsider's
 * exact range can only be wider). Cells are added cheapest-first (few, small, months before years) as rectangles: the
 * cell's partner column in its own row, a sibling (or an ancestor's sibling) with both columns, and chains down to the
 * leaves. If nothing cheaper works, whole columns are hidden, and as a last resort every cell of the figure.
 */

/** Counts below this (and above zero) are small and always hidden. */
export const SMALL_BELOW = 5;

/** Why a cell is hidden. */
export type HiddenReason = 'small' | 'complementary';

/** The tree and values of one figure: nodes in any order, each with its parent's index (-1 for the root). */
export interface ProtectInput {
  parents: number[];
  /** Column 0 is the year, columns 1..months are the months, then the module × stage cells (may be none). */
  months: number;
  ms: number;
  /** values[node][column]: non-negative integers. */
  values: number[][];
  /** Distinct counts (families, parents): months and the year are also bound by year ≥ each month. */
  distinct?: boolean;
}

const INF = 1e12;
const HIDDEN_NONE = 0;
const HIDDEN_SMALL = 1;
const HIDDEN_EXTRA = 2;

interface Sigma { key: string; cols: number[]; signs: number[] }
interface Range { lo: number; hi: number }

/** The hidden cells of a figure: hidden[node][column] is null (shown), 'small' or 'complementary'. */
export function protect(input: ProtectInput): (HiddenReason | null)[][] {
  return new Protector(input).run();
}

class Protector {
  private readonly n: number;
  private readonly cols: number;
  private readonly children: number[][];
  private readonly order: number[];
  private readonly root: number;
  private readonly state: Uint8Array;
  private readonly version: Uint32Array;
  private readonly cache = new Map<string, { stamp: string; range: Range[]; up: Range[] }>();
  private everything = false;
  private point: number[][] | null = null;
  private lastUp: Range[] = [];
  /** Subtree capacities, valid while no cell changes (cleared by every repair). */
  private readonly capacities = new Map<string, number>();

  constructor(private readonly input: ProtectInput) {
    this.n = input.parents.length;
    this.cols = 1 + input.months + input.ms;
    this.children = Array.from({ length: this.n }, () => []);
    let root = -1;
    input.parents.forEach((p, i) => {
      if (p < 0) root = i;
      else (this.children[p] as number[]).push(i);
    });
    this.root = root;
    this.order = [];
    if (root >= 0) {
      const queue = [root];
      while (queue.length > 0) {
        const u = queue.shift() as number;
        this.order.push(u);
        queue.push(...(this.children[u] as number[]));
      }
    }
    this.state = new Uint8Array(this.n * this.cols);
    this.version = new Uint32Array(this.cols);
  }

  /** A cell's value: the data, or a point the outsider cannot rule out while moves are being composed. */
  private v(u: number, c: number): number {
    return ((this.point ?? this.input.values)[u] as number[])[c] ?? 0;
  }

  private hiddenAt(u: number, c: number): boolean {
    return this.state[u * this.cols + c] !== HIDDEN_NONE;
  }

  private hide(u: number, c: number): boolean {
    if (this.hiddenAt(u, c)) return false;
    this.state[u * this.cols + c] = HIDDEN_EXTRA;
    this.version[c] = (this.version[c] as number) + 1;
    return true;
  }

  run(): (HiddenReason | null)[][] {
    if (this.root < 0) return [];
    const queue: [number, number][] = [];
    for (const u of this.order) {
      for (let c = 0; c < this.cols; c += 1) {
        const x = this.v(u, c);
        if (x > 0 && x < SMALL_BELOW) {
          this.state[u * this.cols + c] = HIDDEN_SMALL;
          queue.push([u, c]);
        }
      }
    }
    const tries = new Map<number, number>();
    while (queue.length > 0) {
      const [u, c] = queue.shift() as [number, number];
      if (this.everything || this.protectedCell(u, c)) continue;
      const key = u * this.cols + c;
      const attempt = tries.get(key) ?? 0;
      tries.set(key, attempt + 1);
      const added = attempt < 8 ? this.repair(u, c) : attempt === 8 ? this.hideColumns(u, c) : this.hideAll();
      for (const cell of added) queue.push(cell);
      queue.push([u, c]);
    }
    return this.order.length === 0 ? [] : Array.from({ length: this.n }, (_, u) => Array.from({ length: this.cols }, (_, c) => {
      const s = this.state[u * this.cols + c];
      return s === HIDDEN_SMALL ? 'small' : s === HIDDEN_EXTRA ? 'complementary' : null;
    }));
  }

  /** The column sets a cell can move in. */
  private sigmas(c: number): Sigma[] {
    const { months, ms } = this.input;
    const monthCols = Array.from({ length: months }, (_, i) => 1 + i);
    const msCols = Array.from({ length: ms }, (_, i) => 1 + months + i);
    const out: Sigma[] = [];
    const pair = (a: number, b: number) => out.push({ key: `p${a}:${b}`, cols: [a, b], signs: [1, -1] });
    const ymove = (m: number, k: number | null) => out.push({ key: `y${m}:${k ?? ''}`, cols: k === null ? [0, m] : [0, m, k], signs: k === null ? [1, 1] : [1, 1, 1] });
    const isMonth = c >= 1 && c <= months;
    if (this.input.distinct && c <= months) out.push({ key: `s${c}`, cols: [c], signs: [1] });
    if (isMonth) {
      for (const m of monthCols) if (m !== c) pair(c, m);
      if (msCols.length === 0) ymove(c, null);
      else for (const k of msCols) ymove(c, k);
    } else if (c === 0) {
      for (const m of monthCols) {
        if (msCols.length === 0) ymove(m, null);
        else for (const k of msCols) ymove(m, k);
      }
    } else {
      for (const k of msCols) if (k !== c) pair(c, k);
      for (const m of monthCols) ymove(m, c);
    }
    return out;
  }

  /** The bounds of φ at a unit for σ, as if its σ cells were hidden (visible cells get no upper bound once hidden). */
  private box(u: number, s: Sigma): Range {
    let lo = -INF;
    let hi = INF;
    s.cols.forEach((c, i) => {
      const x = this.v(u, c);
      const ub = this.state[u * this.cols + c] === HIDDEN_SMALL ? SMALL_BELOW - 1 : INF;
      if (s.signs[i] === 1) { lo = Math.max(lo, -x); hi = Math.min(hi, ub - x); } else { lo = Math.max(lo, x - ub); hi = Math.min(hi, x); }
    });
    if (this.input.distinct && s.cols.length === 1) {
      // A month or the year alone: the year is at most the sum of the months (their overlap is slack) and at least each.
      const c = s.cols[0] as number;
      let sum = 0;
      let max = 0;
      for (let m = 1; m <= this.input.months; m += 1) { sum += this.v(u, m); if (m !== c) max = Math.max(max, this.v(u, m)); }
      const year = this.v(u, 0);
      if (c === 0) { hi = Math.min(hi, sum - year); lo = Math.max(lo, max - year); } else { lo = Math.max(lo, year - sum); hi = Math.min(hi, year - this.v(u, c)); }
    } else if (this.input.distinct) {
      const year = this.v(u, 0);
      const monthMax = (skip: number) => {
        let m = 0;
        for (let c = 1; c <= this.input.months; c += 1) if (c !== skip) m = Math.max(m, this.v(u, c));
        return m;
      };
      if (s.cols[0] === 0) lo = Math.max(lo, monthMax(s.cols[1] as number) - year);
      else if ((s.cols[0] as number) <= this.input.months) {
        hi = Math.min(hi, year - this.v(u, s.cols[0] as number));
        lo = Math.max(lo, this.v(u, s.cols[1] as number) - year);
      }
    }
    return { lo, hi };
  }

  private open(u: number, s: Sigma): boolean {
    return s.cols.every((c) => this.hiddenAt(u, c));
  }

  /** The exact range of φ at every unit for σ under the current hidden cells (cached per column versions). */
  private ranges(s: Sigma): Range[] {
    const stamp = s.cols.map((c) => this.version[c]).join(',');
    const hit = this.point ? undefined : this.cache.get(s.key);
    if (hit && hit.stamp === stamp) { this.lastUp = hit.up; return hit.range; }
    const up: Range[] = new Array(this.n);
    for (let i = this.order.length - 1; i >= 0; i -= 1) {
      const u = this.order[i] as number;
      if (!this.open(u, s)) { up[u] = { lo: 0, hi: 0 }; continue; }
      const b = this.box(u, s);
      const kids = this.children[u] as number[];
      if (kids.length > 0) {
        let lo = 0;
        let hi = 0;
        for (const k of kids) { lo += (up[k] as Range).lo; hi += (up[k] as Range).hi; }
        b.lo = Math.max(b.lo, lo);
        b.hi = Math.min(b.hi, hi);
      }
      up[u] = b;
    }
    const down: Range[] = new Array(this.n);
    down[this.root] = up[this.root] as Range;
    for (const u of this.order) {
      const kids = this.children[u] as number[];
      if (kids.length === 0) continue;
      let lo = 0;
      let hi = 0;
      for (const k of kids) { lo += (up[k] as Range).lo; hi += (up[k] as Range).hi; }
      const t = down[u] as Range;
      for (const k of kids) {
        const r = up[k] as Range;
        down[k] = { lo: Math.max(r.lo, t.lo - (hi - r.hi)), hi: Math.min(r.hi, t.hi - (lo - r.lo)) };
      }
    }
    this.lastUp = up;
    if (!this.point) this.cache.set(s.key, { stamp, range: down, up });
    return down;
  }

  /** A flow for σ with φ(u0) = target (which must lie in its range), as φ per unit (0 where unchanged). */
  private flow(s: Sigma, u0: number, target: number): number[] {
    const down = this.ranges(s);
    const up = this.lastUp;
    const phi = new Array<number>(this.n).fill(0);
    const spread = (x: number, f: number) => {
      phi[x] = f;
      const kids = this.children[x] as number[];
      if (kids.length === 0 || f === 0) return;
      const part = kids.map((k) => Math.max((up[k] as Range).lo, Math.min((up[k] as Range).hi, 0)));
      let left = f - part.reduce((a, b) => a + b, 0);
      kids.forEach((k, i) => {
        const r = up[k] as Range;
        const d = left > 0 ? Math.min(left, r.hi - (part[i] as number)) : Math.max(left, r.lo - (part[i] as number));
        part[i] = (part[i] as number) + d;
        left -= d;
      });
      kids.forEach((k, i) => spread(k, part[i] as number));
    };
    spread(u0, target);
    let y = u0;
    for (let x = this.input.parents[u0] as number; x >= 0; x = this.input.parents[x] as number) {
      const others = (this.children[x] as number[]).filter((k) => k !== y);
      const lo = others.reduce((a, k) => a + (up[k] as Range).lo, 0);
      const hi = others.reduce((a, k) => a + (up[k] as Range).hi, 0);
      const t = down[x] as Range;
      const fy = phi[y] as number;
      const fx = Math.max(t.lo, fy + lo, Math.min(t.hi, fy + hi, fy));
      let left = fx - fy;
      phi[x] = fx;
      for (const k of others) {
        const r = up[k] as Range;
        const d = Math.max(r.lo, Math.min(r.hi, left));
        spread(k, d);
        left -= d;
      }
      y = x;
    }
    return phi;
  }

  /** Moves the point by a flow of σ. */
  private apply(s: Sigma, phi: number[]): void {
    const point = this.point as number[][];
    phi.forEach((x, u) => {
      if (x !== 0) s.cols.forEach((c, i) => { (point[u] as number[])[c] = this.v(u, c) + (s.signs[i] as number) * x; });
    });
  }

  /**
   * How far a cell moves by composing moves one after another (each from the point the previous one reached, so each
   * point is one the outsider cannot rule out): for cells a single σ cannot carry far enough, e.g. in a unit whose year
   * and cells are all small.
   */
  private composed(u0: number, c0: number, dir: 1 | -1, goal: number): number {
    this.point = this.input.values.map((row) => [...row]);
    let moved = 0;
    try {
      if (dir === -1 && this.input.distinct) {
        // Distinct counts: first take the overlap out of the unit's other months (each alone, as far as it goes).
        for (let m = 1; m <= this.input.months; m += 1) {
          const s = this.sigmas(m)[0] as Sigma;
          if (m === c0 || s.cols.length !== 1 || !this.open(u0, s)) continue;
          const r = this.ranges(s)[u0] as Range;
          if (r.lo < 0) this.apply(s, this.flow(s, u0, r.lo));
        }
      }
      for (let step = 0; step < 6 && moved < goal; step += 1) {
        let best: { s: Sigma; f: number; gain: number } | null = null;
        for (const s of this.sigmas(c0)) {
          if (!this.open(u0, s)) continue;
          const r = this.ranges(s)[u0] as Range;
          const sign = s.signs[s.cols.indexOf(c0)] as number;
          const f = dir * sign > 0 ? r.hi : r.lo;
          const gain = Math.abs(f);
          if (gain > 0 && (!best || gain > best.gain)) best = { s, f, gain };
        }
        if (!best) break;
        this.apply(best.s, this.flow(best.s, u0, best.f));
        moved += best.gain;
      }
    } finally {
      this.point = null;
    }
    return moved;
  }

  /** How far a hidden cell can provably move down and up. */
  private reach(u: number, c: number): Range {
    let lo = 0;
    let hi = 0;
    for (const s of this.sigmas(c)) {
      if (!this.open(u, s)) continue;
      const r = (this.ranges(s)[u] as Range);
      const sign = s.signs[s.cols.indexOf(c)] as number;
      const a = sign * r.lo;
      const b = sign * r.hi;
      lo = Math.min(lo, a, b);
      hi = Math.max(hi, a, b);
      if (this.enough(u, c, lo, hi)) break;
    }
    return { lo, hi };
  }

  private enough(u: number, c: number, lo: number, hi: number): boolean {
    const x = this.v(u, c);
    if (this.state[u * this.cols + c] === HIDDEN_SMALL) return x + lo <= 0 && x + hi >= SMALL_BELOW - 1;
    return hi - lo >= SMALL_BELOW - 1;
  }

  private protectedCell(u: number, c: number): boolean {
    const r = this.reach(u, c);
    if (this.enough(u, c, r.lo, r.hi)) return true;
    const x = this.v(u, c);
    const small = this.state[u * this.cols + c] === HIDDEN_SMALL;
    const hi = Math.max(r.hi, this.composed(u, c, 1, small ? SMALL_BELOW - 1 - x : SMALL_BELOW - 1));
    if (this.enough(u, c, r.lo, hi)) return true;
    const lo = Math.min(r.lo, -this.composed(u, c, -1, small ? x : SMALL_BELOW - 1 - hi));
    return this.enough(u, c, lo, hi);
  }

  /** What hiding a cell loses: nothing when hidden already; years weigh more than months; a zero of a unit whose year is
   * small is avoided (it could only rise with the year, so it could not be kept 5 values wide). */
  private cost(u: number, c: number): number {
    if (this.hiddenAt(u, c)) return 0;
    const x = this.v(u, c);
    if (x === 0 && this.v(u, 0) < SMALL_BELOW) return 1e6;
    return (c === 0 ? 4 : 1) * (10 + x);
  }

  private openCost(u: number, s: Sigma): number {
    return s.cols.reduce((sum, c) => sum + this.cost(u, c), 0);
  }

  /** The φ values a cell's move must reach: a small cell 0 and 4; another cell 4 up, or 4 down, or 2 each way. */
  private needs(u: number, c: number, s: Sigma): number[][] {
    const sign = s.signs[s.cols.indexOf(c)] as number;
    const x = this.v(u, c);
    if (this.state[u * this.cols + c] === HIDDEN_SMALL) return [[-x * sign, (SMALL_BELOW - 1 - x) * sign]];
    const out = [[4 * sign]];
    if (x >= 4) out.push([-4 * sign]);
    if (x >= 2) out.push([2 * sign, -2 * sign]);
    return out;
  }

  /**
   * Adds the cheapest rectangle-and-chains that lets the cell move further; returns the cells it hid. When no single σ
   * can carry the whole move (a unit whose cells are all small), a σ that carries part of it is opened, cheapest per
   * unit of progress, and the moves are composed when the cell is checked again.
   */
  private repair(u0: number, c0: number): [number, number][] {
    this.capacities.clear();
    let best: { cost: number; nodes: Map<number, Sigma> } | null = null;
    for (const s of this.rankSigmas(u0, c0)) {
      for (const need of this.needs(u0, c0, s)) {
        const plan = this.plan(u0, s, need);
        if (plan && plan.cost > 0 && (!best || plan.cost < best.cost)) best = plan;
      }
    }
    if (!best) {
      let part: { score: number; nodes: Map<number, Sigma> } | null = null;
      for (const s of this.sigmas(c0)) {
        const sign = s.signs[s.cols.indexOf(c0)] as number;
        const b = this.box(u0, s);
        const now = this.open(u0, s) ? (this.ranges(s)[u0] as Range) : { lo: 0, hi: 0 };
        for (const f of [b.lo, b.hi]) {
          if (f === 0 || (f < 0 ? f >= now.lo : f <= now.hi)) continue;
          const plan = this.plan(u0, s, [f]);
          if (!plan || plan.cost === 0) continue;
          const score = plan.cost / Math.abs(f * sign);
          if (!part || score < part.score) part = { score, nodes: plan.nodes };
        }
      }
      if (part) best = { cost: part.score, nodes: part.nodes };
    }
    if (!best) return this.hideColumns(u0, c0);
    const added: [number, number][] = [];
    for (const [u, s] of best.nodes) for (const c of s.cols) if (this.hide(u, c)) added.push([u, c]);
    return added.length > 0 ? added : this.hideColumns(u0, c0);
  }

  /** The σ worth trying for a cell: partner columns where the unit has the most. */
  private rankSigmas(u: number, c: number): Sigma[] {
    const all = this.sigmas(c);
    const score = (s: Sigma) => -Math.min(...s.cols.filter((x) => x !== c).map((x) => (this.hiddenAt(u, x) ? INF : this.v(u, x))));
    return all.sort((a, b) => score(a) - score(b)).slice(0, 8);
  }

  /**
   * The units to open (hide σ's cells) so that φ at u0 can take each value of need: u0 and chains under it, then at
   * each level up, siblings (with chains under them) take what they can and the rest goes to the parent.
   */
  private plan(u0: number, s: Sigma, need: number[]): { cost: number; nodes: Map<number, Sigma> } | null {
    const nodes = new Map<number, Sigma>();
    if (!need.every((f) => this.fits(u0, s, f))) return null;
    nodes.set(u0, s);
    for (const f of need) {
      if (!this.down(u0, s, f, nodes)) return null;
      let r = f;
      let x = u0;
      while (r !== 0 && (this.input.parents[x] as number) >= 0) {
        const p = this.input.parents[x] as number;
        const siblings = (this.children[p] as number[]).filter((b) => b !== x)
          .map((b) => ({ b, room: this.room(b, s, -r) }))
          .filter((e) => e.room > 0)
          .sort((e1, e2) => (this.openCost(e1.b, s) / e1.room) - (this.openCost(e2.b, s) / e2.room));
        for (const { b, room } of siblings) {
          if (r === 0) break;
          const take = Math.min(Math.abs(r), room) * Math.sign(r);
          nodes.set(b, s);
          if (!this.down(b, s, -take, nodes)) return null;
          r -= take;
        }
        if (r === 0) break;
        if (!this.fits(p, s, r)) return null;
        nodes.set(p, s);
        x = p;
      }
    }
    return { cost: this.mapCost(nodes), nodes };
  }

  private fits(u: number, s: Sigma, f: number): boolean {
    const b = this.box(u, s);
    return f >= b.lo && f <= b.hi;
  }

  /** How much of φ = f (its sign) a unit and the subtree under it could carry if opened. */
  private room(u: number, s: Sigma, f: number): number {
    const b = this.box(u, s);
    return f > 0 ? Math.max(0, Math.min(b.hi, this.capacity(u, s, 1))) : Math.max(0, Math.min(-b.lo, this.capacity(u, s, -1)));
  }

  private mapCost(nodes: Map<number, Sigma>): number {
    let sum = 0;
    for (const [u, s] of nodes) sum += this.openCost(u, s);
    return sum;
  }

  /** Opens chains under u (already open) so that its children can carry φ = f; false when they cannot. */
  private down(u: number, s: Sigma, f: number, nodes: Map<number, Sigma>): boolean {
    const kids = this.children[u] as number[];
    if (kids.length === 0 || f === 0) return true;
    const room = (k: number) => this.room(k, s, f);
    const need = Math.abs(f);
    const single = kids.filter((k) => room(k) >= need).sort((a, b) => this.openCost(a, s) - this.openCost(b, s))[0];
    if (single !== undefined) {
      nodes.set(single, s);
      return this.down(single, s, f, nodes);
    }
    let left = need;
    for (const k of [...kids].sort((a, b) => room(b) - room(a))) {
      if (left <= 0) break;
      const take = Math.min(left, room(k));
      if (take <= 0) break;
      nodes.set(k, s);
      if (!this.down(k, s, Math.sign(f) * take, nodes)) return false;
      left -= take;
    }
    return left <= 0;
  }

  /** How much φ a subtree could carry in a direction if all of it were opened. */
  private capacity(u: number, s: Sigma, dir: 1 | -1): number {
    const key = `${s.key}|${dir}|${u}`;
    const hit = this.capacities.get(key);
    if (hit !== undefined) return hit;
    const b = this.box(u, s);
    const own = dir === 1 ? b.hi : -b.lo;
    const kids = this.children[u] as number[];
    let out = own;
    if (kids.length > 0) {
      let sum = 0;
      for (const k of kids) sum += this.capacity(k, s, dir);
      out = Math.min(own, sum);
    }
    this.capacities.set(key, out);
    return out;
  }

  /** Hides the cell's best σ columns everywhere in the tree. */
  private hideColumns(u0: number, c0: number): [number, number][] {
    const s = this.rankSigmas(u0, c0)[0];
    const added: [number, number][] = [];
    if (s) for (const u of this.order) for (const c of s.cols) if (this.hide(u, c)) added.push([u, c]);
    return added.length > 0 ? added : this.hideAll();
  }

  /** Hides every cell of the figure: with nothing visible, nothing can be derived. */
  private hideAll(): [number, number][] {
    this.everything = true;
    const added: [number, number][] = [];
    for (const u of this.order) for (let c = 0; c < this.cols; c += 1) if (this.hide(u, c)) added.push([u, c]);
    return added;
  }
}
