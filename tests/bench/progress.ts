/**
 * Benchmark: progress ingestion. 1,000 simulated parents watch a 10-minute video and send a heartbeat statement every
 * 15 s of (simulated) play; the backend runs in this Node process behind a real HTTP server on loopback, the load
 * generator (load.ts) in a child process.
 * Prints sustained statements/s and latency percentiles, on PGlite and (when DATABASE_URL is set) PostgreSQL.
 */
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { startServer } from '../../src/server/hosts/node';
import { loadConfig } from '../../src/server/env';
import { silentLogger } from '../../src/server/log';
import { migrate } from '../../src/server/storage/migrate';
import { openPglite } from '../../src/server/storage/pglite';
import { upsertCourse } from '../../src/server/domain/learning/content';
import type { Database } from '../../src/server/storage/db';
import { scratchPostgres } from '../helpers/db';
import { startInstances, startPgBouncer } from '../helpers/instances';
import { sessionTokens } from '../helpers/parents';
import { cpuBetween, cpuSnapshot, postmasterOf } from './cpu';
import type { LoadPlan, LoadReport } from './load';

const PARENTS = Number(process.env.BENCH_PARENTS ?? 1000);
const HEARTBEATS = Number(process.env.BENCH_HEARTBEATS ?? 20);
/** Heartbeats per parent sent before the measured ones (not measured). */
const WARMUP = 1;
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 64);
/** Connections the open-loop rows keep (opened before the clock starts); requests beyond them queue and wait, counted in their latency. */
const OPEN_SOCKETS = 256;

/** One run's figures. */
export interface ProgressBenchResult {
  driver: string;
  statements: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  /** Server processes (0: the server ran in the benchmark's process). */
  instances: number;
  /** CPU milliseconds per statement while the load ran: the server process (with PGlite inside it), PostgreSQL's processes, the load generator, and anything else on the machine. */
  cpu: { server: number; postgres: number; load: number; other: number };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Runs the load generator (load.ts) in a child process, so that it does not share the server's event loop. */
function loadFromChild(plan: LoadPlan, onWarm: () => void): Promise<LoadReport> {
  return new Promise((resolve, reject) => {
    const child = fork(path.join(__dirname, 'load.ts'), [], { execArgv: ['--import', 'tsx', ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [])] });
    let report: LoadReport | null = null;
    child.on('message', (m) => {
      if ((m as { warm?: boolean }).warm) onWarm();
      else report = m as LoadReport;
    });
    child.once('error', reject);
    child.once('exit', (code) => (report ? resolve(report) : reject(new Error(`load generator exited with ${code}`))));
    child.send(plan);
  });
}

/** How a run sends its load: heartbeats per request (1 in the headline row), and an open-loop rate (null: closed loop, CONCURRENCY in flight). */
export interface LoadShape {
  batch: number;
  rate: number | null;
  /** Server processes on the database (0 or absent: the server runs in this process), optionally through PgBouncer in transaction mode. */
  instances?: number;
  pgbouncer?: boolean;
}

/** Runs the progress benchmark on a database. */
export async function benchProgress(driver: string, db: Database & { url?: string }, shape: LoadShape = { batch: 1, rate: null }): Promise<ProgressBenchResult> {
  // Server processes run on the real clock, so their parents' sessions are opened now (the in-process server's clock is a day after enrolment).
  const instances = shape.instances ?? 0;
  const sessionsAt = instances ? new Date() : null;
  await migrate(db);
  const config = loadConfig({ XQ_STATIC_DIR: '', XQ_SESSION_SECRET: 'b'.repeat(40) });
  const base = new Date('2026-11-01T00:00:00Z');
  const { lessonId, tokens } = await db.transaction(async (tx) => {
    const courseId = await upsertCourse(tx, {
      slug: `bench-${randomUUID().slice(0, 8)}`, title: '基准测试课程', summary: '基准测试', module: 'mh_education', stages: ['junior'],
      lessons: [{ slug: 'video', title: '十分钟视频', kind: 'video', durationSeconds: 600, media: 'bench.mp4', body: ['基准'] }],
    });
    const [lesson] = await tx.query<{ id: string }>('SELECT id FROM lessons WHERE course_id = $1', [courseId]);
    const users = await tx.query<{ id: string }>(
      `INSERT INTO users (display_name) SELECT '家长' || g FROM generate_series(1, $1) g RETURNING id`, [PARENTS],
    );
    await tx.query(`INSERT INTO enrollments (user_id, course_id, enrolled_at) SELECT unnest($1::uuid[]), $2, $3`, [users.map((u) => u.id), courseId, base]);
    // The parents opened the lesson when they enrolled (the player's GET), so the credit budget (2 s per second of server
    // time since then) is no bound here: the benchmark's heartbeats are honest viewers' play, sent faster than real time.
    await tx.query('INSERT INTO lesson_opens (user_id, lesson_id, first_at) SELECT unnest($1::uuid[]), $2, $3', [users.map((u) => u.id), lesson!.id, base]);
    // Every parent is bound to a child at one of 10 schools in 2 districts, so each write also keeps the 妇联 rollups.
    const tag = randomUUID().slice(0, 8);
    await tx.query(
      `WITH p AS (INSERT INTO regions (code, name, level) VALUES ($1 || '-p', '基准省', 'province') RETURNING id),
            c AS (INSERT INTO regions (code, name, level, parent_id) SELECT $1 || '-c', '基准市', 'city', id FROM p RETURNING id),
            d AS (INSERT INTO regions (code, name, level, parent_id) SELECT $1 || '-d' || g, '基准区' || g, 'district', c.id FROM c, generate_series(1, 2) g RETURNING id, code)
       INSERT INTO schools (name, region_id, stages) SELECT '基准学校' || g, (SELECT id FROM d ORDER BY code LIMIT 1 OFFSET g % 2), '{junior}' FROM generate_series(1, 10) g`,
      [`bench-${tag}`],
    );
    await tx.query(
      `WITH s AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM schools WHERE name LIKE '基准学校%' AND region_id IN (SELECT id FROM regions WHERE code LIKE $3 || '%')),
            u AS (SELECT unnest($1::uuid[]) AS user_id, generate_subscripts($1::uuid[], 1) AS i),
            k AS (INSERT INTO students (school_id, name, grade, class_name, stage)
                  SELECT s.id, '学生' || u.i, '初二', '1班', 'junior' FROM u JOIN s ON s.n = u.i % 10 RETURNING id, name)
       INSERT INTO guardianships (student_id, user_id, relation, created_at)
       SELECT k.id, u.user_id, 'mother', $2 FROM k JOIN u ON k.name = '学生' || u.i`,
      [users.map((u) => u.id), base, `bench-${tag}`],
    );
    return { lessonId: lesson.id, tokens: await sessionTokens(tx, config.sessionSecret, users.map((u) => u.id), sessionsAt ?? base) };
  });
  const bouncer = instances && shape.pgbouncer ? await startPgBouncer(db.url as string, 20) : null;
  const processes = instances
    ? await startInstances(instances, { DATABASE_URL: bouncer?.url ?? (db.url as string), XQ_SESSION_SECRET: config.sessionSecret, ...(bouncer ? { XQ_PG_TRANSACTION_POOLER: '1' } : {}) })
    : [];
  const server = instances ? null : await startServer({ config, db, port: 0, log: silentLogger, runJobs: false, clock: () => new Date(base.getTime() + 86_400_000) });
  const urls = server ? [server.url] : processes.map((p) => p.url);
  const postmaster = await postmasterOf(db);
  let before = cpuSnapshot();
  const report = await loadFromChild({
    url: `${urls[0]}/api/progress`, urls: urls.map((u) => `${u}/api/progress`), lessonId, tokens, heartbeats: HEARTBEATS, warmup: WARMUP, batch: shape.batch, rate: shape.rate,
    concurrency: shape.rate ? OPEN_SOCKETS : CONCURRENCY, base: base.getTime(),
  }, () => {
    before = cpuSnapshot();
  });
  const used = cpuBetween(before, cpuSnapshot(), report.cpuMs, processes.map((p) => p.pid), postmaster);
  await server?.close();
  await Promise.all(processes.map((p) => p.close()));
  await bouncer?.close();
  const { latencies, failures, seconds } = report;
  const statements = PARENTS * HEARTBEATS;
  const perStatement = (ms: number) => Math.round((ms / statements) * 100) / 100;
  if (failures) throw new Error(`${failures} requests failed`);
  const [{ credited }] = await db.query<{ credited: string }>('SELECT min(credited_seconds) AS credited FROM lesson_progress WHERE lesson_id = $1', [lessonId]);
  if (Number(credited) !== (WARMUP + HEARTBEATS) * 15) throw new Error(`expected ${(WARMUP + HEARTBEATS) * 15} s credited per parent, got ${credited}`);
  latencies.sort((a, b) => a - b);
  return {
    driver, instances, statements, seconds: Math.round(seconds * 10) / 10, perSecond: Math.round(statements / seconds),
    p50: Math.round(percentile(latencies, 50) * 10) / 10, p95: Math.round(percentile(latencies, 95) * 10) / 10,
    p99: Math.round(percentile(latencies, 99) * 10) / 10, max: Math.round(latencies[latencies.length - 1] * 10) / 10,
    cpu: { server: perStatement(used.self), postgres: perStatement(used.postgres), load: perStatement(report.cpuMs), other: perStatement(used.other) },
  };
}

/** Open-loop rate of the PostgreSQL target row (requests/s): the 2,000 writes/s. */
const OPEN_RATE = Number(process.env.BENCH_OPEN_RATE ?? 2000);

/** One run: its row label, the database it runs on (what other benchmarks call it), how to open that, and the load's shape. */
export type BenchRun = { name: string; database: string; open: () => Promise<Database> } & LoadShape;

/** The runs to compare: PGlite in memory, then (when DATABASE_URL is set, each on a scratch database dropped on close) PostgreSQL's capacity, the target rate in an open loop, and a client that batches. */
export function benchDatabases(): BenchRun[] {
  const list: BenchRun[] = [{ name: 'PGlite (in-process), 64 in flight', database: 'PGlite (in-process)', batch: 1, rate: null, open: () => openPglite(null) }];
  if (process.env.DATABASE_URL) {
    const postgres = async () => (await scratchPostgres(10)) as Database;
    const PG = 'PostgreSQL 15 (pg pool of 10)';
    list.push({ name: 'PostgreSQL 15, 64 in flight (capacity)', database: PG, batch: 1, rate: null, open: postgres });
    list.push({ name: `PostgreSQL 15, **open loop at ${OPEN_RATE} requests/s** (the target)`, database: PG, batch: 1, rate: OPEN_RATE, open: postgres });
    list.push({ name: 'PostgreSQL 15, *10 heartbeats per request*, 64 in flight (a batching client; not the target workload)', database: PG, batch: 10, rate: null, open: postgres });
    list.push({ name: '1 server process, PostgreSQL 15, 64 in flight', database: PG, batch: 1, rate: null, instances: 1, open: postgres });
    list.push({ name: '**3 server processes**, PostgreSQL 15, 64 in flight (each parent\'s heartbeats spread over them)', database: PG, batch: 1, rate: null, instances: 3, open: postgres });
    list.push({ name: '**3 server processes → PgBouncer** (transaction mode, 20 server connections) → PostgreSQL 15, 64 in flight', database: PG, batch: 1, rate: null, instances: 3, pgbouncer: true, open: postgres });
  }
  return list;
}
