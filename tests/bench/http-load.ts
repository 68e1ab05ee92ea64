/**
 * A generic load generator run as a child process (so that it does not share a server's event loop): sends a list of
 * POST requests, `concurrency` in flight over keep-alive connections opened before the clock starts, each to its own
 * URL (several server instances share the load that way), and reports every request's status, latency and answer.
 */
import { fork } from 'node:child_process';
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';

/** One request to send. */
export interface LoadRequest { url: string; token: string; body: string }

/** What the parent process asks for. */
export interface HttpLoadPlan {
  requests: LoadRequest[];
  concurrency: number;
  /** Whether to send back each answer's body (for checks on what each caller was told). */
  keepBodies: boolean;
}

/** One answer. */
export interface LoadAnswer { status: number; ms: number; body: string }

/** What the load generator reports back: answers in the order of the plan's requests. */
export interface HttpLoadReport { answers: LoadAnswer[]; seconds: number; cpuMs: number }

async function run(plan: HttpLoadPlan): Promise<HttpLoadReport> {
  const origins = [...new Set(plan.requests.map((r) => new URL(r.url).origin))];
  const agents = new Map(origins.map((o) => [o, new Agent({ keepAlive: true, maxSockets: Math.ceil(plan.concurrency / origins.length) + 8 })]));
  const call = (method: string, url: URL, token: string | null, body: string | null): Promise<{ status: number; body: string }> =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const headers: Record<string, string | number> = body === null ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
      if (token) headers.authorization = `Bearer ${token}`;
      const req = request(url, { method, agent: agents.get(url.origin), headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: plan.keepBodies ? Buffer.concat(chunks).toString() : '' }));
      });
      // A kept-alive connection the server closed as idle (its keep-alive timeout passes while a loaded machine opens the
      // others) resets the request written on it before the server read it: sent again on a fresh connection, as Node's
      // documentation advises (the latency still counts from the first attempt).
      req.on('error', (err: NodeJS.ErrnoException) => (req.reusedSocket && err.code === 'ECONNRESET' ? call(method, url, token, body).then(resolve, reject) : reject(err)));
      req.end(body ?? undefined);
    });
  // Connections open before the clock starts (hundreds opened in one millisecond overflow the listen backlog).
  await Promise.all(origins.flatMap((o) => Array.from({ length: Math.ceil(plan.concurrency / origins.length) }, () => call('GET', new URL('/api/health', o), null, null))));
  const answers: LoadAnswer[] = new Array(plan.requests.length);
  let next = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: plan.concurrency }, async () => {
      while (next < plan.requests.length) {
        const i = next++;
        const r = plan.requests[i] as LoadRequest;
        const t0 = performance.now();
        const res = await call('POST', new URL(r.url), r.token, r.body);
        answers[i] = { status: res.status, ms: performance.now() - t0, body: res.body };
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  for (const a of agents.values()) a.destroy();
  return { answers, seconds, cpuMs: (used.user + used.system) / 1000 };
}

/** Runs a plan in a child process and resolves with its report. */
export function loadInChild(plan: HttpLoadPlan): Promise<HttpLoadReport> {
  return new Promise((resolve, reject) => {
    const child = fork(__filename, [], { execArgv: ['--import', 'tsx'] });
    let report: HttpLoadReport | null = null;
    child.on('message', (m) => {
      report = m as HttpLoadReport;
    });
    child.once('error', reject);
    child.once('exit', (code) => (report ? resolve(report) : reject(new Error(`load generator exited with ${code}`))));
    child.send(plan);
  });
}

if (require.main === module) {
  process.once('message', (plan: HttpLoadPlan) => {
    run(plan).then(
      (report) => process.send?.(report, () => process.exit(0)),
      (err: Error) => {
        console.error(err.message);
        process.exit(1);
      },
    );
  });
}
