/**
 * Benchmark: a sign-up rush. 2,000 parents try to take 100 seats of one session at once, through the real HTTP stack
 * on loopback (200 in flight, sent by a load generator in its own process), to one server or spread over several server
 * processes on one PostgreSQL (optionally through PgBouncer in transaction mode); prints throughput and latency, and
 * checks exactly 100 seats and 1,900 waitlisted in the order of decision (checkRush).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer } from '../../src/server/hosts/node';
import { loadConfig } from '../../src/server/env';
import { silentLogger } from '../../src/server/log';
import { migrate } from '../../src/server/storage/migrate';
import { seedDemo } from '../../src/server/seed/demo';
import type { Database } from '../../src/server/storage/db';
import { createParents, sessionTokens } from '../helpers/parents';
import { startInstances, startPgBouncer, type Instance, type PgBouncer } from '../helpers/instances';
import { cpuBetween, cpuSnapshot, postmasterOf } from './cpu';
import { loadInChild, type HttpLoadReport } from './http-load';

const PARENTS = Number(process.env.BENCH_RUSH_PARENTS ?? 2000);
const SEATS = Number(process.env.BENCH_RUSH_SEATS ?? 100);
/** Requests in flight at once (a front proxy's connection pool; 2,000 raw connections overflow the listen backlog). */
const IN_FLIGHT = Number(process.env.BENCH_RUSH_IN_FLIGHT ?? 200);
/** The session secret the benchmark's tokens are signed with (every instance gets it). */
const SECRET = 'r'.repeat(40);

/** One run's figures. */
export interface RushResult {
  driver: string; requests: number; seconds: number; perSecond: number; p50: number; p95: number; p99: number; max: number; confirmed: number; waitlisted: number;
  /** CPU milliseconds per sign-up while the rush ran: the server processes, PostgreSQL (and PgBouncer), the load generator, anything else on the machine. */
  cpu: { server: number; postgres: number; load: number; other: number };
  /** The machine's 1-minute load average when the measured rush began (other work on the shared machine included). */
  load: number;
}

const pct = (sorted: number[], p: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! * 10) / 10;

/** A prepared rush: parents' tokens and a session with `seats` seats, published by station staff (whose token can publish more). */
export interface Rush { eventId: string; tokens: string[]; staff: { token: string; stationId: string } }

/** Seeds the demo data and `parents` parents (children at one school) on a migrated database; the session is published through `url`. */
export async function prepareRush(db: Database, url: string, parents: number, seats: number, now: Date): Promise<Rush> {
  const config = loadConfig({ XQ_STATIC_DIR: '', XQ_SESSION_SECRET: SECRET });
  await seedDemo(db, config.privacyVersion, now);
  const [station] = await db.query<{ id: string; user_id: string; school_id: string }>(
    `SELECT st.id, g.user_id, (SELECT id FROM schools LIMIT 1) AS school_id FROM stations st JOIN role_grants g ON g.scope_id = st.id AND g.role = 'station_staff' LIMIT 1`,
  );
  if (!station) throw new Error('no station staff in the demo data');
  const tokens = await createParents(db, SECRET, parents, station.school_id, config.privacyVersion, now);
  const [staffToken] = await sessionTokens(db, SECRET, [station.user_id], now);
  const staff = { token: staffToken as string, stationId: station.id };
  return { eventId: await publishSession(url, staff, seats, now), tokens, staff };
}

/** Publishes another session of `seats` seats for the same station, starting in `hours` (a warm-up rush goes to one; check-in needs one about to start). */
export async function publishSession(url: string, staff: Rush['staff'], seats: number, now: Date, hours = 48): Promise<string> {
  const at = (h: number) => new Date(now.getTime() + h * 3_600_000).toISOString();
  const created = await fetch(`${url}/api/events`, {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${staff.token}` },
    body: JSON.stringify({
      host: { type: 'station', id: staff.stationId }, title: '抢报名基准测试', description: '', topic: '心理健康教育', mentalHealth: true, speaker: '', startsAt: at(hours), endsAt: at(hours + 2),
      mode: 'onsite', address: '基准测试地点', latitude: null, longitude: null, onlineUrl: null, capacity: seats, signupDeadline: at(hours >= 2 ? hours - 1 : hours),
    }),
  });
  if (created.status !== 201) throw new Error(`publishing the session answered ${created.status}`);
  return ((await created.json()) as { id: string }).id;
}

/** Sends every parent's sign-up once, request i to urls[i mod n], `inFlight` at a time, from a child process. */
export function sendRush(rush: Rush, urls: string[], inFlight: number): Promise<HttpLoadReport> {
  const body = JSON.stringify({ companion: false, acceptedTemplates: [] });
  return loadInChild({
    requests: rush.tokens.map((token, i) => ({ url: `${urls[i % urls.length]}/api/events/${rush.eventId}/signup`, token, body })),
    concurrency: inFlight, keepBodies: true,
  });
}

/** What a rush ended with. */
export interface RushOutcome { failures: string[]; confirmed: number; waitlisted: number; duplicates: number; fifoErrors: string[] }

/**
 * Checks a rush against the database: every sign-up answered 200; the seats went to the first sign-ups decided (every
 * confirmed row's seq is below every waitlisted one's); each waitlisted parent was told the place that the waitlist's
 * order (seq) gives them, and those places are 1…n once each; nobody is in twice.
 */
export async function checkRush(db: Database, rush: Rush, report: HttpLoadReport): Promise<RushOutcome> {
  const failures = report.answers.filter((a) => a.status !== 200).slice(0, 5).map((a) => `${a.status} ${a.body.slice(0, 200)}`);
  const rows = await db.query<{ id: string; status: string; seq: string; place: number | null }>(
    `SELECT id, status, seq::text, CASE WHEN status = 'waitlisted' THEN row_number() OVER (PARTITION BY status ORDER BY seq)::int END AS place
       FROM event_signups WHERE event_id = $1 ORDER BY seq`,
    [rush.eventId],
  );
  const confirmed = rows.filter((r) => r.status === 'confirmed');
  const waitlisted = rows.filter((r) => r.status === 'waitlisted');
  const fifoErrors: string[] = [];
  const lastSeat = Math.max(...confirmed.map((r) => Number(r.seq)));
  const firstWait = Math.min(...waitlisted.map((r) => Number(r.seq)));
  if (confirmed.length && waitlisted.length && lastSeat > firstWait) fifoErrors.push(`a seat (seq ${lastSeat}) was given after the waitlist began (seq ${firstWait})`);
  const places = new Map(rows.map((r) => [r.id, r]));
  const told = new Set<number>();
  for (const a of report.answers) {
    if (a.status !== 200) continue;
    const signup = (JSON.parse(a.body) as { event: { signup: { id: string; status: string; waitlistPosition: number | null } } }).event.signup;
    const row = places.get(signup.id);
    if (!row || row.status !== signup.status) fifoErrors.push(`sign-up ${signup.id} answered ${signup.status}, stored ${row?.status}`);
    else if (row.status === 'waitlisted') {
      if (signup.waitlistPosition !== row.place) fifoErrors.push(`told place ${signup.waitlistPosition}, stored place ${row.place}`);
      told.add(signup.waitlistPosition as number);
    }
  }
  if (told.size !== waitlisted.length) fifoErrors.push(`${told.size} distinct places told for ${waitlisted.length} waitlisted`);
  const [dup] = await db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM (SELECT user_id FROM event_signups WHERE event_id = $1 GROUP BY user_id HAVING count(*) > 1) d',
    [rush.eventId],
  );
  return { failures, confirmed: confirmed.length, waitlisted: waitlisted.length, duplicates: dup?.n ?? 0, fifoErrors: fifoErrors.slice(0, 5) };
}

/** Where the rush is served: in this process, or by `instances` server processes (optionally through PgBouncer). */
export type RushServers = { instances: 0 } | { instances: number; databaseUrl: string; pgbouncer: boolean };

/**
 * Runs the rush on a migrated-here database, served as `servers` says. With `warm`, the same parents first rush another
 * session through the same servers, unmeasured: the servers' code is then compiled and their connections open, as in a
 * server that has been running; without it the rush is the first work the servers do after starting.
 */
export async function benchRush(driver: string, db: Database, servers: RushServers = { instances: 0 }, warm = false): Promise<RushResult> {
  await migrate(db);
  const config = loadConfig({ XQ_STATIC_DIR: '', XQ_SESSION_SECRET: SECRET });
  let inProcess: Awaited<ReturnType<typeof startServer>> | null = null;
  let instances: Instance[] = [];
  let bouncer: PgBouncer | null = null;
  try {
    let urls: string[];
    if (servers.instances === 0) {
      inProcess = await startServer({ config, db, port: 0, log: silentLogger, runJobs: false });
      urls = [inProcess.url];
    } else {
      const s = servers as Extract<RushServers, { databaseUrl: string }>;
      bouncer = s.pgbouncer ? await startPgBouncer(s.databaseUrl, 20) : null;
      instances = await startInstances(s.instances, {
        DATABASE_URL: bouncer?.url ?? s.databaseUrl, XQ_SESSION_SECRET: SECRET, ...(bouncer ? { XQ_PG_TRANSACTION_POOLER: '1' } : {}),
      });
      urls = instances.map((i) => i.url);
    }
    const rush = await prepareRush(db, urls[0] as string, PARENTS, SEATS, new Date());
    if (warm) await sendRush({ ...rush, eventId: await publishSession(urls[0] as string, rush.staff, SEATS, new Date()) }, urls, IN_FLIGHT);
    const postmaster = await postmasterOf(db);
    const load = Math.round(os.loadavg()[0]! * 10) / 10;
    const before = cpuSnapshot();
    const report = await sendRush(rush, urls, IN_FLIGHT);
    const used = cpuBetween(before, cpuSnapshot(), report.cpuMs, instances.map((i) => i.pid), postmaster);
    const per = (ms: number) => Math.round((ms / PARENTS) * 100) / 100;
    const outcome = await checkRush(db, rush, report);
    if (outcome.failures.length) throw new Error(`sign-ups failed: ${outcome.failures.join('; ')}`);
    if (outcome.confirmed !== SEATS || outcome.waitlisted !== PARENTS - SEATS || outcome.duplicates || outcome.fifoErrors.length) {
      throw new Error(`expected ${SEATS} seats and ${PARENTS - SEATS} waitlisted in order, got ${JSON.stringify(outcome)}`);
    }
    const latencies = report.answers.map((a) => a.ms).sort((a, b) => a - b);
    return {
      driver, requests: PARENTS, seconds: Math.round(report.seconds * 10) / 10, perSecond: Math.round(PARENTS / report.seconds),
      p50: pct(latencies, 50), p95: pct(latencies, 95), p99: pct(latencies, 99), max: pct(latencies, 100), confirmed: outcome.confirmed, waitlisted: outcome.waitlisted,
      cpu: { server: per(used.self), postgres: per(used.postgres), load: per(report.cpuMs), other: per(used.other) }, load,
    };
  } finally {
    await Promise.all(instances.map((i) => i.close()));
    await inProcess?.close();
    await bouncer?.close();
  }
}

/** Writes the rush figures into docs/benchmarks.md between the rush markers. */
export function writeRush(results: RushResult[], machine: string): void {
  const file = path.resolve(__dirname, '..', '..', 'docs', 'benchmarks.md');
  const cores = os.cpus().length;
  const rows = results.map((r) => `| ${r.driver} | ${r.requests} | ${r.seconds} | **${r.perSecond}** | ${r.p50} | ${r.p95} | **${r.p99}** | ${r.max} | ${r.confirmed} / ${r.waitlisted} | ${r.load} |`).join('\n');
  const cpu = results.map((r) => {
    const total = r.cpu.server + r.cpu.postgres + r.cpu.load;
    return `| ${r.driver} | ${r.cpu.server} | ${r.cpu.postgres} | ${r.cpu.load} | ${Math.round(total * 100) / 100} | ${Math.round((cores * 1000) / total)} | ${Math.round((cores * 1000) / (r.cpu.server + r.cpu.postgres))} | ${r.cpu.other} |`;
  }).join('\n');
  const section = `<!-- rush:start -->\nLast run: ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${machine}.\n\n| servers and database | sign-ups | seconds | sign-ups/s | p50 ms | p95 ms | p99 ms | max ms | seats / waitlisted | load average at start |\n|---|---|---|---|---|---|---|---|---|---|\n${rows}\n\nCPU time per sign-up while the rush ran, in ms (the machine gives ${cores * 1000} ms of CPU per second; other work on the machine is not this benchmark), and the sign-ups per second that ${cores} otherwise idle cores could give at that cost, with the load generator on them and without it:\n\n| servers and database | server processes | PostgreSQL (+ PgBouncer) | load generator | total | ${cores} cores ÷ total | ${cores} cores ÷ (server + PostgreSQL) | other work on the machine |\n|---|---|---|---|---|---|---|---|\n${cpu}\n<!-- rush:end -->`;
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/<!-- rush:start -->[\s\S]*<!-- rush:end -->/, section));
}
