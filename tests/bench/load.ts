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
  /** Heartbeats per request: 1 in the headline row; more only in the row labelled as batched. */
  batch: number;
  concurrency: number;
  /** Requests per second in an open loop (each request sent on schedule, latency counted from that moment); null for the closed loop of `concurrency` requests in flight. */
  rate: number | null;
  /** Milliseconds since the epoch of the parents' enrolment. */
  base: number;
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
  const post = (token: string, body: string) =>
    new Promise<number>((resolve, reject) => {
      const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'content-length': Buffer.byteLength(body) } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end(body);
    });
  const jobs: { parent: number; first: number }[] = [];
  for (let first = 1; first <= plan.heartbeats; first += plan.batch) for (let parent = 0; parent < plan.tokens.length; parent++) jobs.push({ parent, first });
  const latencies: number[] = [];
  let next = 0;
  let failures = 0;
  const send = async ({ parent, first }: { parent: number; first: number }, t0: number) => {
    const beats = Array.from({ length: Math.min(plan.batch, plan.heartbeats - first + 1) }, (_, i) => first + i);
    const body = JSON.stringify({
      statements: beats.map((beat) => ({
        id: randomUUID(), lessonId: plan.lessonId, verb: 'played', segments: [[(beat - 1) * 15, beat * 15]], position: beat * 15,
        timestamp: new Date(plan.base + 60_000 + beat * 15_000).toISOString(),
      })),
    });
    const status = await post(plan.tokens[parent], body);
    latencies.push(performance.now() - t0);
    if (status !== 200) failures++;
  };
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
    await Promise.all(
      Array.from({ length: plan.concurrency }, async () => {
        while (next < jobs.length) await send(jobs[next++], performance.now());
      }),
    );
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
