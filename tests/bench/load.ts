/**
 * The benchmark's load generator, run as a child process (tests/bench/progress.ts forks it) so that it does not share
 * the server's event loop: it posts heartbeat statements (one per request, or `batch` per request in the batched row),
 * `concurrency` requests in flight, and reports every request's latency.
 */
import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';

/** What the parent process asks for. */
export interface LoadPlan {
  url: string;
  lessonId: string;
  tokens: string[];
  heartbeats: number;
  /** Heartbeats per parent sent first, one per request and not measured (connections, JIT, plans and caches warm up). */
  warmup: number;
  /** Heartbeats per request: 1 in the headline row; more only in the row labelled as batched. */
  batch: number;
  concurrency: number;
  /** Requests per second in an open loop (each request sent on schedule, latency counted from that moment); null for the closed loop of `concurrency` requests in flight. */
  rate: number | null;
  /** Milliseconds since the epoch of the parents' enrolment. */
  base: number;
  /** Several server instances' progress URLs: a parent's heartbeats go to them in turn (heartbeat b of parent p to urls[(p + b) mod n]); else all to `url`. */
  urls?: string[];
}

/** What the load generator reports back. */
export interface LoadReport {
  latencies: number[];
  failures: number;
  seconds: number;
  /** CPU milliseconds the load generator used while sending. */
  cpuMs: number;
}

async function run(plan: LoadPlan): Promise<LoadReport> {
  const url = new URL(plan.url);
  const agent = new Agent({ keepAlive: true, maxSockets: plan.concurrency });
  const urls = (plan.urls ?? [plan.url]).map((u) => new URL(u));
  const post = (token: string, body: string, target: URL = url) =>
    new Promise<number>((resolve, reject) => {
      const req = request(target, { method: 'POST', agent, headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'content-length': Buffer.byteLength(body) } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end(body);
    });
  // Open every connection before the clock starts (a real parent's phone keeps its own): hundreds of connections opened
  // in the same millisecond overflow the listen backlog, and the SYN retried a second later is not the server's latency.
  await Promise.all(
    Array.from({ length: plan.concurrency }, (_, i) =>
      new Promise<void>((resolve, reject) => {
        request(new URL('/api/health', urls[i % urls.length]), { agent }, (res) => {
          res.resume();
          res.on('end', () => resolve());
        }).on('error', reject).end();
      }),
    ),
  );
  type Job = { parent: number; first: number; size: number };
  const jobs: Job[] = [];
  const last = plan.warmup + plan.heartbeats;
  for (let first = plan.warmup + 1; first <= last; first += plan.batch) {
    for (let parent = 0; parent < plan.tokens.length; parent++) jobs.push({ parent, first, size: Math.min(plan.batch, last - first + 1) });
  }
  let latencies: number[] = [];
  let next = 0;
  let failures = 0;
  const send = async ({ parent, first, size }: Job, t0: number) => {
    const beats = Array.from({ length: size }, (_, i) => first + i);
    const body = JSON.stringify({
      statements: beats.map((beat) => ({
        id: randomUUID(), lessonId: plan.lessonId, verb: 'played', segments: [[(beat - 1) * 15, beat * 15]], position: beat * 15,
        timestamp: new Date(plan.base + 60_000 + beat * 15_000).toISOString(),
      })),
    });
    const target = urls[(parent + first) % urls.length];
    // A keep-alive connection the server closed just as it was reused fails with a reset before any answer; the statements
    // carry their ids (the server stores each once), so sending again is safe.
    const status = await post(plan.tokens[parent], body, target).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNRESET' || err.message === 'socket hang up') return post(plan.tokens[parent], body, target);
      throw err;
    });
    latencies.push(performance.now() - t0);
    if (status !== 200) failures++;
  };
  const closedLoop = async (list: Job[]) => {
    next = 0;
    await Promise.all(
      Array.from({ length: plan.concurrency }, async () => {
        while (next < list.length) await send(list[next++], performance.now());
      }),
    );
  };
  const warm: Job[] = [];
  for (let beat = 1; beat <= plan.warmup; beat++) for (let parent = 0; parent < plan.tokens.length; parent++) warm.push({ parent, first: beat, size: 1 });
  await closedLoop(warm);
  latencies = [];
  process.send?.({ warm: true });
  const cpu = process.cpuUsage();
  const started = performance.now();
  if (plan.rate) {
    const sent: Promise<void>[] = [];
    for (const [i, job] of jobs.entries()) {
      const due = started + (i * 1000) / plan.rate;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
      sent.push(send(job, due));
    }
    await Promise.all(sent);
  } else {
    await closedLoop(jobs);
  }
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  agent.destroy();
  return { latencies, failures, seconds, cpuMs: (used.user + used.system) / 1000 };
}

process.once('message', (plan: LoadPlan) => {
  run(plan).then(
    (report) => process.send?.(report, () => process.exit(0)),
    (err: Error) => {
      console.error(err.message);
      process.exit(1);
    },
  );
});
