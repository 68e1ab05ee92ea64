/**
 * Benchmark: a sign-up rush. 2,000 parents try to take 100 seats of one session at once, through the real HTTP stack
 * on loopback (200 in flight); prints throughput and latency, and checks exactly 100 seats and 1,900 waitlisted.
 */
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { startServer } from '../../src/server/hosts/node';
import { loadConfig } from '../../src/server/env';
import { silentLogger } from '../../src/server/log';
import { migrate } from '../../src/server/storage/migrate';
import { seedDemo } from '../../src/server/seed/demo';
import type { Database } from '../../src/server/storage/db';
import { createParents, sessionTokens } from '../helpers/parents';

const PARENTS = Number(process.env.BENCH_RUSH_PARENTS ?? 2000);
const SEATS = Number(process.env.BENCH_RUSH_SEATS ?? 100);
/** Requests in flight at once (a front proxy's connection pool; 2,000 raw connections overflow the listen backlog). */
const IN_FLIGHT = Number(process.env.BENCH_RUSH_IN_FLIGHT ?? 200);

/** One run's figures. */
export interface RushResult { driver: string; requests: number; seconds: number; perSecond: number; p50: number; p95: number; p99: number; max: number; confirmed: number; waitlisted: number }

const pct = (sorted: number[], p: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! * 10) / 10;

/** Runs the rush on a database (migrated and seeded here). */
export async function benchRush(driver: string, db: Database): Promise<RushResult> {
  await migrate(db);
  const config = loadConfig({ XQ_STATIC_DIR: '', XQ_SESSION_SECRET: 'r'.repeat(40) });
  const now = new Date('2026-11-23T08:00:00Z');
  await seedDemo(db, config.privacyVersion, now);
  const [station] = await db.query<{ id: string; user_id: string; school_id: string }>(
    `SELECT st.id, g.user_id, (SELECT id FROM schools LIMIT 1) AS school_id FROM stations st JOIN role_grants g ON g.scope_id = st.id AND g.role = 'station_staff' LIMIT 1`,
  );
  if (!station) throw new Error('no station staff in the demo data');
  const tokens = await createParents(db, config.sessionSecret, PARENTS, station.school_id, config.privacyVersion, now);
  const [staffToken] = await sessionTokens(db, config.sessionSecret, [station.user_id], now);
  const server = await startServer({ config, db, port: 0, log: silentLogger, runJobs: false, clock: () => now });
  const at = (h: number) => new Date(now.getTime() + h * 3_600_000).toISOString();
  const created = await fetch(`${server.url}/api/events`, {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${staffToken}` },
    body: JSON.stringify({
      host: { type: 'station', id: station.id }, title: '抢报名基准测试', description: '', topic: '心理健康教育', mentalHealth: true, speaker: '', startsAt: at(48), endsAt: at(50),
      mode: 'onsite', address: '基准测试地点', latitude: null, longitude: null, onlineUrl: null, capacity: SEATS, signupDeadline: at(47),
    }),
  });
  const eventId = ((await created.json()) as { id: string }).id;
  const latencies: number[] = [];
  let failures = 0;
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < tokens.length) {
      const token = tokens[next++] as string;
      const t0 = performance.now();
      const res = await fetch(`${server.url}/api/events/${eventId}/signup`, {
        method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ companion: false, acceptedTemplates: [] }),
      });
      await res.arrayBuffer();
      latencies.push(performance.now() - t0);
      if (res.status !== 200) failures++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await server.close();
  if (failures) throw new Error(`${failures} sign-ups failed`);
  const counts = Object.fromEntries((await db.query<{ status: string; n: number }>('SELECT status, count(*)::int AS n FROM event_signups WHERE event_id = $1 GROUP BY status', [eventId])).map((r) => [r.status, r.n]));
  if (counts.confirmed !== SEATS || counts.waitlisted !== PARENTS - SEATS) throw new Error(`expected ${SEATS} seats and ${PARENTS - SEATS} waitlisted, got ${JSON.stringify(counts)}`);
  latencies.sort((a, b) => a - b);
  return {
    driver, requests: PARENTS, seconds: Math.round(seconds * 10) / 10, perSecond: Math.round(PARENTS / seconds),
    p50: pct(latencies, 50), p95: pct(latencies, 95), p99: pct(latencies, 99), max: pct(latencies, 100), confirmed: counts.confirmed, waitlisted: counts.waitlisted,
  };
}

/** Writes the rush figures into docs/benchmarks.md between the rush markers. */
export function writeRush(results: RushResult[], machine: string): void {
  const file = path.resolve(__dirname, '..', '..', 'docs', 'benchmarks.md');
  const rows = results.map((r) => `| ${r.driver} | ${r.requests} | ${r.seconds} | **${r.perSecond}** | ${r.p50} | ${r.p95} | **${r.p99}** | ${r.max} | ${r.confirmed} / ${r.waitlisted} |`).join('\n');
  const section = `<!-- rush:start -->\nLast run: ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${machine}.\n\n| database | sign-ups | seconds | sign-ups/s | p50 ms | p95 ms | p99 ms | max ms | seats / waitlisted |\n|---|---|---|---|---|---|---|---|---|\n${rows}\n<!-- rush:end -->`;
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/<!-- rush:start -->[\s\S]*<!-- rush:end -->/, section));
}
