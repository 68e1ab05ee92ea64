import { Batcher, type BatchOutcome } from '../../src/server/storage/batcher';

// A batcher that loses a caller leaves its promise pending: fail in seconds, not at the global minute.
jest.setTimeout(10_000);

/** A promise with its resolve and reject in hand. */
function deferred<T = void>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets the event loop turn a few times (setImmediate callbacks and the microtasks after them run). */
async function turns(n = 3): Promise<void> {
  for (let i = 0; i < n; i += 1) await new Promise<void>((r) => setImmediate(r));
}

/** A run that records each batch and waits until the test releases it (or throws, if told). */
function gatedRun() {
  const batches: number[][] = [];
  const gates: { release: () => void; fail: (e: unknown) => void }[] = [];
  const run = async (items: number[]): Promise<BatchOutcome<string>[]> => {
    batches.push([...items]);
    const gate = deferred();
    gates.push({ release: () => gate.resolve(), fail: gate.reject });
    await gate.promise;
    return items.map((i) => ({ ok: true, value: `v${i}` }));
  };
  return { run, batches, gates };
}

describe('group commit (Batcher)', () => {
  test('a burst larger than one batch fills every free slot at once', async () => {
    const { run, batches, gates } = gatedRun();
    const b = new Batcher(run, { maxBatch: 3, maxInFlight: 2 });
    const all = Promise.all([1, 2, 3, 4, 5, 6, 7].map((i) => b.submit(i)));
    await turns();
    expect(batches).toEqual([[1, 2, 3], [4, 5, 6]]);
    gates[0].release();
    await turns();
    expect(batches).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
    gates[1].release();
    gates[2].release();
    expect(await all).toEqual(['v1', 'v2', 'v3', 'v4', 'v5', 'v6', 'v7']);
  });

  test('items submitted in the same tick go in one run, and each caller gets its own result', async () => {
    const runs: number[][] = [];
    const b = new Batcher<number, number>(async (items) => {
      runs.push([...items]);
      return items.map((i) => ({ ok: true, value: i * 10 }));
    }, { maxBatch: 100, maxInFlight: 2 });
    const results = await Promise.all([1, 2, 3, 4, 5].map((i) => b.submit(i)));
    expect(results).toEqual([10, 20, 30, 40, 50]);
    expect(runs).toEqual([[1, 2, 3, 4, 5]]);
  });

  test('items submitted while a run is in flight wait, then go together in the next run', async () => {
    const { run, batches, gates } = gatedRun();
    const b = new Batcher(run, { maxBatch: 100, maxInFlight: 1 });
    const first = b.submit(1);
    await turns();
    expect(batches).toEqual([[1]]);
    // Three submits in different ticks while the first run is still writing.
    const later = [b.submit(2)];
    await turns();
    later.push(b.submit(3));
    await turns();
    later.push(b.submit(4));
    await turns();
    expect(batches).toEqual([[1]]);
    gates[0]!.release();
    expect(await first).toBe('v1');
    await turns();
    expect(batches).toEqual([[1], [2, 3, 4]]);
    gates[1]!.release();
    expect(await Promise.all(later)).toEqual(['v2', 'v3', 'v4']);
    expect(batches).toHaveLength(2);
  });

  test('maxBatch splits a burst into runs of at most that many, in order, every item answered', async () => {
    const runs: number[][] = [];
    const b = new Batcher<number, number>(async (items) => {
      runs.push([...items]);
      return items.map((i) => ({ ok: true, value: -i }));
    }, { maxBatch: 3, maxInFlight: 1 });
    const items = [1, 2, 3, 4, 5, 6, 7];
    expect(await Promise.all(items.map((i) => b.submit(i)))).toEqual(items.map((i) => -i));
    expect(runs).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
  });

  test('maxInFlight is never exceeded, while items keep arriving during runs', async () => {
    for (const maxInFlight of [1, 2, 3]) {
      let current = 0;
      let peak = 0;
      const sizes: number[] = [];
      const b = new Batcher<number, number>(async (items) => {
        current += 1;
        peak = Math.max(peak, current);
        sizes.push(items.length);
        await new Promise((r) => setTimeout(r, 1 + (items[0]! % 4)));
        current -= 1;
        return items.map((i) => ({ ok: true, value: i }));
      }, { maxBatch: 5, maxInFlight });
      const pending: Promise<number>[] = [];
      for (let i = 0; i < 120; i += 1) {
        pending.push(b.submit(i));
        if (i % 3 === 0) await turns(1);
        if (i % 17 === 0) await new Promise((r) => setTimeout(r, 1));
      }
      expect(await Promise.all(pending)).toEqual(pending.map((_, i) => i));
      expect(sizes.reduce((a, n) => a + n, 0)).toBe(120);
      expect(Math.max(...sizes)).toBeLessThanOrEqual(5);
      expect({ maxInFlight, peak }).toEqual({ maxInFlight, peak: maxInFlight });
    }
  });

  test("an item's own error reaches only its caller", async () => {
    const own = new Error('item 2 is refused');
    const b = new Batcher<number, string>(async (items) => items.map((i) => (i === 2 ? { ok: false, error: own } : { ok: true, value: `v${i}` })), {
      maxBatch: 10,
      maxInFlight: 1,
    });
    const results = await Promise.allSettled([1, 2, 3].map((i) => b.submit(i)));
    expect(results).toEqual([
      { status: 'fulfilled', value: 'v1' },
      { status: 'rejected', reason: own },
      { status: 'fulfilled', value: 'v3' },
    ]);
  });

  test('a run that answers fewer outcomes than items rejects only the unanswered ones', async () => {
    const b = new Batcher<number, number>(async (items) => items.slice(0, 2).map((i) => ({ ok: true, value: i })), { maxBatch: 10, maxInFlight: 1 });
    const results = await Promise.allSettled([1, 2, 3].map((i) => b.submit(i)));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected']);
  });

  test('a run that throws rejects every item of its batch with that error; the next batch still runs', async () => {
    const { run, batches, gates } = gatedRun();
    const b = new Batcher(run, { maxBatch: 100, maxInFlight: 1 });
    const doomed = [b.submit(1), b.submit(2)].map((p) => p.then(() => 'resolved', (e: unknown) => e));
    await turns();
    const next = [b.submit(3), b.submit(4)];
    await turns();
    const boom = new Error('connection lost');
    gates[0]!.fail(boom);
    expect(await Promise.all(doomed)).toEqual([boom, boom]);
    await turns();
    expect(batches).toEqual([[1, 2], [3, 4]]);
    gates[1]!.release();
    expect(await Promise.all(next)).toEqual(['v3', 'v4']);
  });

  test('a run that throws synchronously rejects its batch too, and the batcher keeps working', async () => {
    let calls = 0;
    const b = new Batcher<number, number>((items) => {
      calls += 1;
      if (calls === 1) throw new Error('sync failure');
      return Promise.resolve(items.map((i) => ({ ok: true, value: i })));
    }, { maxBatch: 10, maxInFlight: 1 });
    await expect(Promise.all([b.submit(1), b.submit(2)])).rejects.toThrow('sync failure');
    expect(await Promise.all([b.submit(3), b.submit(4)])).toEqual([3, 4]);
  });
});
