/**
 * The outsider of issue 12: knows every visible number, how published numbers add up (a total is the sum of its parts),
 * that counts are non-negative integers and that "<5" means at most 4; computes, with an integer LP (yalps), the least
 * and greatest value each hidden cell can have.
 */
import { solve, type Model } from 'yalps';

/** A total and its parts; `sub` for distinct counts, where the total is at most the sum and at least each part. */
export interface Relation {
  total: string;
  parts: string[];
  sub?: boolean;
}

/** What the outsider sees of a cell: a number, or hidden as small ("<5") or complementary. */
export type Seen = number | 'small' | 'complementary';

/** The exact range of every hidden cell (hi is Infinity when unbounded); `integers` false solves the LP relaxation (wider or equal). */
export function attackerRanges(relations: Relation[], seen: Map<string, Seen>, integers = true): Map<string, { lo: number; hi: number }> {
  const hiddenIds = [...seen.entries()].filter(([, s]) => typeof s !== 'number').map(([id]) => id);
  const constraints: Record<string, { equal?: number; max?: number; min?: number }> = {};
  const coef = new Map<string, Map<string, number>>(hiddenIds.map((id) => [id, new Map()]));
  const add = (row: string, id: string, k: number) => {
    const m = coef.get(id);
    if (m) m.set(row, (m.get(row) ?? 0) + k);
  };
  const value = (id: string) => {
    const s = seen.get(id);
    if (s === undefined) throw new Error(`cell ${id} is in a relation but was never seen`);
    return typeof s === 'number' ? s : null;
  };
  relations.forEach((r, i) => {
    const cells = [r.total, ...r.parts];
    if (cells.every((id) => value(id) !== null)) return;
    // Σ parts − total (visible ones moved to the right-hand side).
    let constant = 0;
    const row = `r${i}`;
    for (const id of r.parts) {
      const v = value(id);
      if (v === null) add(row, id, 1);
      else constant -= v;
    }
    const t = value(r.total);
    if (t === null) add(row, r.total, -1);
    else constant += t;
    constraints[row] = r.sub ? { min: constant } : { equal: constant };
    if (r.sub) {
      r.parts.forEach((p, j) => {
        const pv = value(p);
        const row2 = `r${i}m${j}`;
        let c2 = 0;
        if (t === null) add(row2, r.total, 1);
        else c2 -= t;
        if (pv === null) add(row2, p, -1);
        else c2 += pv;
        constraints[row2] = { min: c2 };
      });
    }
  });
  for (const id of hiddenIds) {
    if (seen.get(id) === 'small') {
      constraints[`ub:${id}`] = { max: 4 };
      add(`ub:${id}`, id, 1);
    }
  }
  // Hidden cells that share a relation move together; each group of them is solved on its own (smaller LPs).
  const group = new Map<string, string>(hiddenIds.map((id) => [id, id]));
  const find = (id: string): string => {
    let r = id;
    while (group.get(r) !== r) r = group.get(r) as string;
    group.set(id, r);
    return r;
  };
  const rowsOf = new Map<string, string[]>();
  for (const [id, m] of coef) for (const row of m.keys()) rowsOf.set(row, [...(rowsOf.get(row) ?? []), id]);
  for (const ids of rowsOf.values()) for (const id of ids.slice(1)) group.set(find(id), find(ids[0] as string));
  const members = new Map<string, string[]>();
  for (const id of hiddenIds) members.set(find(id), [...(members.get(find(id)) ?? []), id]);
  const out = new Map<string, { lo: number; hi: number }>();
  for (const ids of members.values()) {
    const rows = new Set(ids.flatMap((id) => [...(coef.get(id) as Map<string, number>).keys()]));
    const cons = Object.fromEntries([...rows].map((row) => [row, constraints[row] as { equal?: number; max?: number; min?: number }]));
    for (const id of ids) {
      const variables = Object.fromEntries(ids.map((h) => [h, Object.fromEntries([...(coef.get(h) as Map<string, number>), ...(h === id ? [['objective', 1]] : [])])]));
      const model = (direction: 'minimize' | 'maximize'): Model => ({ direction, objective: 'objective', constraints: cons, variables, integers });
      const lo = solve(model('minimize'));
      const hi = solve(model('maximize'));
      if (lo.status !== 'optimal') throw new Error(`the visible cells admit no solution (${lo.status})`);
      out.set(id, { lo: Math.round(lo.result), hi: hi.status === 'unbounded' ? Infinity : Math.round(hi.result) });
    }
  }
  return out;
}
