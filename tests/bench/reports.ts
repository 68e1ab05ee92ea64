/**
 * Benchmark: the 妇联 dashboard on a province-sized data set (PostgreSQL only, DATABASE_URL).
 * Generates a province with set-based SQL — 100 districts in 10 cities, 2,000 stations, 1,000 schools, 1,000,000 families
 * (a student with one bound parent), 10 lesson statements per family, an enrolment per family, sessions with sign-ups
 * and check-ins at the stations — loaded with triggers off (session_replication_role = replica), then fills the rollups
 * with xq_rpt_rebuild(). Measures GET /api/reports/dashboard over real HTTP (the app behind startServer on loopback,
 * one request at a time) for the province and for a district as federation staff, and the cost the rollup triggers add
 * to a write (a statement insert plus a lesson_progress upsert, as progress ingestion does, with the rollup triggers
 * enabled and disabled). Sizes scale with BENCH_REPORT_FAMILIES (statements = 10 per family).
 * `npx tsx tests/bench/reports.ts` runs it alone and writes its section of docs/benchmarks.md.
 * BENCH_REPORT_DB=<name> keeps the data set in that database on the DATABASE_URL server (generated only when it is not
 * there yet, never dropped), and BENCH_REPORT_ONLY=generate or =rebuild stops after generating it, or after timing the
 * rebuild (printed, docs untouched), so the rebuild can be re-measured without generating the data set again.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { startServer } from '../../src/server/hosts/node';
import { loadConfig } from '../../src/server/env';
import { silentLogger } from '../../src/server/log';
import { importCourses } from '../../src/server/domain/learning/content';
import type { Database } from '../../src/server/storage/db';
import { scratchPostgres } from '../helpers/db';
import { migrate } from '../../src/server/storage/migrate';
import { rebuildRollups } from '../../src/server/domain/reports/rebuild';
import { sessionTokens } from '../helpers/parents';

const FAMILIES = Number(process.env.BENCH_REPORT_FAMILIES ?? 1_000_000);
const PER_FAMILY = 10;
const CITIES = 10;
const DISTRICTS_PER_CITY = 10;
const STATIONS_PER_DISTRICT = 20;
const SCHOOLS_PER_DISTRICT = 10;
const REQUESTS = Number(process.env.BENCH_REPORT_REQUESTS ?? 200);
const WRITES = Number(process.env.BENCH_REPORT_WRITES ?? 500);

/** Latency percentiles in ms. */
export interface Latency { p50: number; p95: number; p99: number; max: number; bytes: number }

/** One run's figures. */
export interface ReportsBenchResult {
  sizes: { districts: number; stations: number; schools: number; families: number; lessonStatements: number; attendedStatements: number; enrolments: number; events: number; signups: number };
  rollupRows: Record<string, number>;
  loadSeconds: number;
  rebuildSeconds: number;
  province: Latency;
  district: Latency;
  write: { withTriggers: Latency; withoutTriggers: Latency };
}

const round = (n: number) => Math.round(n * 10) / 10;

function latency(samples: number[], bytes = 0): Latency {
  const s = [...samples].sort((a, b) => a - b);
  const at = (p: number) => round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]);
  return { p50: at(50), p95: at(95), p99: at(99), max: round(s[s.length - 1]), bytes };
}

/** Loads the records with triggers off (one transaction, set-based) and returns the province and a district. */
async function generate(db: Database): Promise<{ province: string; district: string; sizes: ReportsBenchResult['sizes'] }> {
  await importCourses(db);
  return db.transaction(async (tx) => {
    for (const set of [`SET LOCAL session_replication_role = replica`, `SET LOCAL work_mem = '256MB'`, `SET LOCAL synchronous_commit = off`]) await tx.query(set);
    const [{ id: province }] = await tx.query<{ id: string }>(`INSERT INTO regions (code, name, level) VALUES ('B14', '基准省', 'province') RETURNING id`);
    await tx.query(
      `INSERT INTO regions (code, name, level, parent_id) SELECT 'B14' || lpad(c::text, 2, '0'), '基准市' || c, 'city', $1 FROM generate_series(1, $2::int) c`,
      [province, CITIES],
    );
    await tx.query(
      `INSERT INTO regions (code, name, level, parent_id)
       SELECT r.code || lpad(d::text, 2, '0'), r.name || '区' || d, 'district', r.id FROM regions r CROSS JOIN generate_series(1, $2::int) d WHERE r.parent_id = $1`,
      [province, DISTRICTS_PER_CITY],
    );
    await tx.query(`CREATE TEMP TABLE b_district ON COMMIT DROP AS
      SELECT row_number() OVER (ORDER BY code)::int AS n, id FROM regions WHERE level = 'district' AND code LIKE 'B14%'`);
    await tx.query(
      `INSERT INTO stations (name, kind, region_id) SELECT '站点' || d.n || '-' || s, 'guidance_station', d.id FROM b_district d CROSS JOIN generate_series(1, $1::int) s`,
      [STATIONS_PER_DISTRICT],
    );
    await tx.query(
      `INSERT INTO schools (name, region_id, stages) SELECT '学校' || d.n || '-' || s, d.id, '{primary}' FROM b_district d CROSS JOIN generate_series(1, $1::int) s`,
      [SCHOOLS_PER_DISTRICT],
    );
    await tx.query(`CREATE TEMP TABLE b_school ON COMMIT DROP AS
      SELECT row_number() OVER (ORDER BY s.id)::int - 1 AS n, s.id FROM schools s JOIN b_district d ON d.id = s.region_id`);
    await tx.query(`CREATE TEMP TABLE b_lesson ON COMMIT DROP AS
      SELECT row_number() OVER (ORDER BY l.id)::int - 1 AS n, l.id, l.course_id, l.duration_seconds FROM lessons l WHERE l.kind = 'video'`);
    const [{ schools, lessons }] = await tx.query<{ schools: number; lessons: number }>(
      'SELECT (SELECT count(*) FROM b_school)::int AS schools, (SELECT count(*) FROM b_lesson)::int AS lessons',
    );
    if (lessons === 0) throw new Error('no video lesson in the catalogue');
    // Families: a student and one parent bound on 1 January (China time); ids generated here so the rows join up.
    await tx.query(
      `CREATE TEMP TABLE b_family ON COMMIT DROP AS
       SELECT f AS n, gen_random_uuid() AS user_id, gen_random_uuid() AS student_id, (SELECT id FROM b_school WHERE n = f % $2) AS school_id,
              (SELECT id FROM b_lesson WHERE n = f % $3) AS lesson_id, (SELECT duration_seconds FROM b_lesson WHERE n = f % $3) AS duration
         FROM generate_series(0, $1::int - 1) f`,
      [FAMILIES, schools, lessons],
    );
    await tx.query(`INSERT INTO users (id, display_name, created_at) SELECT user_id, '家长', '2025-12-31T16:00:00Z' FROM b_family`);
    // Triggers are off, so each school's one class (五年级 1班) is made here and named on its pupils.
    await tx.query(`INSERT INTO classes (school_id, grade, name, stage) SELECT id, '五年级', '1班', 'primary' FROM b_school`);
    await tx.query(`INSERT INTO students (id, school_id, name, grade, class_name, stage, class_id)
      SELECT f.student_id, f.school_id, '学生', '五年级', '1班', 'primary', c.id FROM b_family f JOIN classes c ON c.school_id = f.school_id`);
    await tx.query(`INSERT INTO guardianships (student_id, user_id, relation, created_at) SELECT student_id, user_id, 'mother', '2025-12-31T16:00:00Z' FROM b_family`);
    // Ten heartbeats per family, each a tenth of the video, in one month (January to November, by family), two minutes apart.
    await tx.query(
      `INSERT INTO learning_statements (id, user_id, verb, object_type, object_id, result, timestamp, stored_at)
       SELECT gen_random_uuid(), f.user_id, 'played', 'lesson', f.lesson_id, jsonb_build_object('segments', jsonb_build_array(jsonb_build_array(((k - 1) * f.duration) / 10, (k * f.duration) / 10))),
              t.at + k * interval '2 minutes', t.at + k * interval '2 minutes' + interval '1 second'
         FROM b_family f CROSS JOIN LATERAL (SELECT timestamptz '2026-01-05T02:00:00Z' + (f.n % 11) * interval '1 month' + (f.n % 20) * interval '1 day' AS at) t
        CROSS JOIN generate_series(1, $1::int) k`,
      [PER_FAMILY],
    );
    await tx.query(`INSERT INTO enrollments (user_id, course_id, enrolled_at, last_activity_at, completed_at)
       SELECT f.user_id, l.course_id, t.at, t.at, CASE WHEN f.n % 3 = 0 THEN t.at + interval '1 hour' END
         FROM b_family f JOIN b_lesson l ON l.id = f.lesson_id
        CROSS JOIN LATERAL (SELECT timestamptz '2026-01-05T02:00:00Z' + (f.n % 11) * interval '1 month' + (f.n % 20) * interval '1 day' AS at) t`);
    // Sessions: 13 of every 20 stations hold a 心理健康教育 session in May (65% coverage); every station a parenting one in
    // September; ten sign-ups each from families of the district, eight checked in (with their 'attended' statements).
    const [{ id: staff }] = await tx.query<{ id: string }>(`INSERT INTO users (display_name) VALUES ('站点工作人员') RETURNING id`);
    await tx.query(
      `INSERT INTO events (station_id, region_id, title, topic, mental_health, starts_at, ends_at, mode, capacity, signup_deadline, checkin_secret, created_by)
       SELECT st.id, st.region_id, x.title, x.topic, x.mh, x.at, x.at + interval '2 hours', 'onsite', 50, x.at, md5(random()::text), $1
         FROM (SELECT s.*, row_number() OVER (PARTITION BY s.region_id ORDER BY s.id) AS k FROM stations s JOIN b_district d ON d.id = s.region_id) st
        CROSS JOIN LATERAL (VALUES ('心理健康讲座', 'mh_education', true, timestamptz '2026-05-16T01:00:00Z'), ('亲子沟通', 'parent_child', false, timestamptz '2026-09-12T01:00:00Z')) x(title, topic, mh, at)
        WHERE x.mh = false OR st.k % 20 < 13`,
      [staff],
    );
    await tx.query(
      `CREATE TEMP TABLE b_pick ON COMMIT DROP AS
       SELECT region_id, user_id, j FROM (SELECT sc.region_id, f.user_id, row_number() OVER (PARTITION BY sc.region_id ORDER BY f.n)::int AS j
         FROM b_family f JOIN schools sc ON sc.id = f.school_id WHERE f.n < $1::int) x WHERE j <= 10`,
      [schools * 10],
    );
    await tx.query(`CREATE TEMP TABLE b_signup ON COMMIT DROP AS
      SELECT e.id AS event_id, e.starts_at, p.user_id, p.j FROM events e JOIN stations st ON st.id = e.station_id JOIN b_pick p ON p.region_id = st.region_id`);
    await tx.query(`INSERT INTO event_signups (event_id, user_id, status, ticket_code, created_at, confirmed_at, checked_in_at, checkin_method)
      SELECT event_id, user_id, 'confirmed', md5(random()::text || event_id::text || user_id::text), starts_at - interval '3 days', starts_at - interval '3 days',
             CASE WHEN j <= 8 THEN starts_at + interval '5 minutes' END, CASE WHEN j <= 8 THEN 'ticket' END
        FROM b_signup`);
    await tx.query(`INSERT INTO learning_statements (id, user_id, verb, object_type, object_id, timestamp, stored_at)
      SELECT gen_random_uuid(), user_id, 'attended', 'session', event_id, starts_at + interval '5 minutes', starts_at + interval '5 minutes' FROM b_signup WHERE j <= 8`);
    const [{ district }] = await tx.query<{ district: string }>('SELECT id AS district FROM b_district WHERE n = 1');
    const [c] = await tx.query<{ events: number; signups: number }>(
      'SELECT (SELECT count(*) FROM events WHERE created_by = $1)::int AS events, (SELECT count(*) FROM b_signup)::int AS signups',
      [staff],
    );
    return {
      province, district,
      sizes: {
        districts: CITIES * DISTRICTS_PER_CITY, stations: CITIES * DISTRICTS_PER_CITY * STATIONS_PER_DISTRICT, schools, families: FAMILIES,
        lessonStatements: FAMILIES * PER_FAMILY, attendedStatements: Math.round((c.signups * 8) / 10), enrolments: FAMILIES, events: c.events, signups: c.signups,
      },
    };
  });
}

/** One write as progress ingestion does it: a statement and the lesson's progress row, in a transaction. */
async function timedWrites(db: Database, users: { user_id: string; lesson_id: string }[]): Promise<number[]> {
  const out: number[] = [];
  for (const u of users) {
    const t0 = performance.now();
    await db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO learning_statements (id, user_id, verb, object_type, object_id, result, timestamp, stored_at)
         VALUES (gen_random_uuid(), $1, 'played', 'lesson', $2, $3, $4, $4)`,
        [u.user_id, u.lesson_id, { segments: [[0, 3]] }, new Date('2026-11-20T02:00:00Z')],
      );
      await tx.query(
        `INSERT INTO lesson_progress (user_id, lesson_id, segments, credited_seconds, position, last_statement_at, updated_at) VALUES ($1, $2, '[]', 3, 3, $3, $3)
         ON CONFLICT (user_id, lesson_id) DO UPDATE SET credited_seconds = lesson_progress.credited_seconds + 3, last_statement_at = $3, updated_at = $3`,
        [u.user_id, u.lesson_id, new Date('2026-11-20T02:00:00Z')],
      );
    });
    out.push(performance.now() - t0);
  }
  return out;
}

/** The database at DATABASE_URL named by BENCH_REPORT_DB (created and migrated when missing, kept on close). */
async function keptPostgres(name: string, poolSize: number): Promise<Database | null> {
  const url = process.env.DATABASE_URL;
  if (!url) return null;
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error('BENCH_REPORT_DB: a lower-case identifier');
  const { openPostgres } = await import('../../src/server/storage/pg');
  const admin = await openPostgres(url, 1);
  const [{ n }] = await admin.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_database WHERE datname = $1', [name]);
  if (n === 0) await admin.exec(`CREATE DATABASE ${name}`);
  await admin.close();
  const u = new URL(url);
  u.pathname = `/${name}`;
  const db = await openPostgres(u.toString(), poolSize);
  await migrate(db);
  return db;
}

/** The province and district of a data set generated before in a kept database, with its sizes; null if there is none. */
async function existing(db: Database): Promise<{ province: string; district: string; sizes: ReportsBenchResult['sizes'] } | null> {
  const [p] = await db.query<{ id: string }>(`SELECT id FROM regions WHERE code = 'B14'`);
  if (!p) return null;
  const [d] = await db.query<{ id: string }>(`SELECT id FROM regions WHERE code = 'B140101'`);
  const [c] = await db.query<{ families: number; lesson: number; attended: number; events: number; signups: number; schools: number }>(
    `SELECT (SELECT count(*) FROM guardianships)::int AS families, (SELECT count(*) FROM learning_statements WHERE object_type = 'lesson')::int AS lesson,
            (SELECT count(*) FROM learning_statements WHERE verb = 'attended')::int AS attended, (SELECT count(*) FROM events)::int AS events,
            (SELECT count(*) FROM event_signups)::int AS signups, (SELECT count(*) FROM schools)::int AS schools`,
  );
  return {
    province: p.id, district: d.id,
    sizes: {
      districts: CITIES * DISTRICTS_PER_CITY, stations: CITIES * DISTRICTS_PER_CITY * STATIONS_PER_DISTRICT, schools: c.schools, families: c.families,
      lessonStatements: c.lesson, attendedStatements: c.attended, enrolments: c.families, events: c.events, signups: c.signups,
    },
  };
}

/** Times one full rebuild of the rollups (the online one of reports/rebuild.ts, without comparing), then ANALYZE. */
export async function timeRebuild(db: Database): Promise<number> {
  const t = performance.now();
  const load = os.loadavg().map((x) => x.toFixed(2)).join(' ');
  const report = await rebuildRollups(db, false);
  const seconds = round((performance.now() - t) / 1000);
  await db.exec('ANALYZE');
  console.log(`reports: rebuild in ${seconds} s (steps ${JSON.stringify(report.seconds)}; rows ${JSON.stringify(report.rows)}; load average before ${load}, after ${os.loadavg().map((x) => x.toFixed(2)).join(' ')})`);
  return seconds;
}

/** Runs the reports benchmark on a scratch PostgreSQL database (dropped at the end), or on BENCH_REPORT_DB (kept). */
export async function benchReports(): Promise<ReportsBenchResult | null> {
  const kept = process.env.BENCH_REPORT_DB;
  const only = process.env.BENCH_REPORT_ONLY;
  const db = kept ? await keptPostgres(kept, 10) : await scratchPostgres(10);
  if (!db) return null;
  try {
    const t = performance.now();
    const found = kept ? await existing(db) : null;
    const { province, district, sizes } = found ?? (await generate(db));
    await db.exec('ANALYZE');
    const loadSeconds = round((performance.now() - t) / 1000);
    console.log(`reports: ${found ? 'found' : 'loaded'} ${sizes.families} families, ${sizes.lessonStatements + sizes.attendedStatements} statements in ${loadSeconds} s (triggers off)`);
    if (only === 'generate') return null;
    const rebuildSeconds = await timeRebuild(db);
    if (only === 'rebuild') return null;
    const rollupRows: Record<string, number> = {};
    for (const table of ['rpt_scope_path', 'rpt_reach', 'rpt_reach_hist', 'rpt_learning', 'rpt_sessions', 'rpt_station_month', 'rpt_event']) {
      const [{ n }] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
      rollupRows[table] = n;
    }

    const config = loadConfig({ XQ_STATIC_DIR: '', XQ_SESSION_SECRET: 'b'.repeat(40) });
    const now = new Date('2026-11-23T08:00:00Z');
    const [{ id: staff }] = await db.query<{ id: string }>(`INSERT INTO users (display_name) VALUES ('省妇联') RETURNING id`);
    await db.query(`INSERT INTO role_grants (user_id, role, scope_type, scope_id) VALUES ($1, 'federation_staff', 'region', $2)`, [staff, province]);
    const [token] = await sessionTokens(db, config.sessionSecret, [staff], now);
    const server = await startServer({ config, db, port: 0, log: silentLogger, runJobs: false, clock: () => now });
    const measure = async (unitId: string): Promise<Latency> => {
      const url = `${server.url}/api/reports/dashboard?unitId=${unitId}&period=2026`;
      const samples: number[] = [];
      let bytes = 0;
      for (let i = 0; i < REQUESTS + 20; i++) {
        const t0 = performance.now();
        const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
        const body = await res.text();
        const ms = performance.now() - t0;
        if (res.status !== 200) throw new Error(`dashboard ${res.status}: ${body.slice(0, 200)}`);
        if (i >= 20) samples.push(ms);
        bytes = body.length;
      }
      return latency(samples, bytes);
    };
    let provinceLatency: Latency;
    let districtLatency: Latency;
    try {
      provinceLatency = await measure(province);
      districtLatency = await measure(district);
      const check = (await (await fetch(`${server.url}/api/reports/dashboard?unitId=${province}&period=2026`, { headers: { authorization: `Bearer ${token}` } })).json()) as {
        figures: { coverage: { stations: number; stationsHeld: number }; participation: { familiesReached: string | number } };
      };
      console.log(`reports: province figures ${JSON.stringify(check.figures.coverage)}, participation ${JSON.stringify(check.figures.participation)}`);
    } finally {
      await server.close();
    }

    // Writes: different families each time (first write of a parent in November: the triggers' most expensive case).
    const users = await db.query<{ user_id: string; lesson_id: string }>(
      `SELECT g.user_id, l.id AS lesson_id FROM guardianships g CROSS JOIN LATERAL (SELECT id FROM lessons WHERE kind = 'video' ORDER BY id LIMIT 1) l
        ORDER BY g.user_id LIMIT $1`,
      [WRITES * 4],
    );
    await timedWrites(db, users.slice(0, 50));
    const on = await timedWrites(db, users.slice(WRITES, 2 * WRITES));
    await db.exec('ALTER TABLE learning_statements DISABLE TRIGGER rpt_statements; ALTER TABLE lesson_progress DISABLE TRIGGER rpt_progress_insert; ALTER TABLE lesson_progress DISABLE TRIGGER rpt_progress_update');
    let off: number[];
    try {
      off = await timedWrites(db, users.slice(2 * WRITES, 3 * WRITES));
    } finally {
      await db.exec('ALTER TABLE learning_statements ENABLE TRIGGER rpt_statements; ALTER TABLE lesson_progress ENABLE TRIGGER rpt_progress_insert; ALTER TABLE lesson_progress ENABLE TRIGGER rpt_progress_update');
    }
    return { sizes, rollupRows, loadSeconds, rebuildSeconds, province: provinceLatency, district: districtLatency, write: { withTriggers: latency(on), withoutTriggers: latency(off) } };
  } finally {
    await db.close();
  }
}

const fmt = (n: number) => n.toLocaleString('en-US');

/** Prints the figures and writes the reports section of docs/benchmarks.md. */
export function writeReports(r: ReportsBenchResult, machine: string): void {
  const s = r.sizes;
  const mean = (l: Latency) => l.p50;
  const added = round(mean(r.write.withTriggers) - mean(r.write.withoutTriggers));
  const row = (name: string, l: Latency) => `| ${name} | ${l.p50} | **${l.p95}** | ${l.p99} | ${l.max} | ${fmt(l.bytes)} |`;
  const section = `<!-- reports:start -->
Last run: ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${machine}; PostgreSQL at DATABASE_URL, a scratch database dropped afterwards.

Data set, generated with set-based SQL (\`tests/bench/reports.ts\`): 1 province, ${CITIES} cities, **${s.districts} districts**, **${fmt(s.stations)} stations**,
${fmt(s.schools)} schools, **${fmt(s.families)} families** (a student with one bound parent), **${fmt(s.lessonStatements)} lesson statements** (10 heartbeats per
family) plus ${fmt(s.attendedStatements)} check-in statements, ${fmt(s.enrolments)} enrolments, ${fmt(s.events)} sessions with ${fmt(s.signups)} sign-ups.
The records were loaded with triggers off (\`session_replication_role = replica\`) in ${r.loadSeconds} s, then the rollups filled by
the online rebuild (**\`rebuildRollups\`**, migration 021; see "Rebuild" below) in ${r.rebuildSeconds} s. Rollup rows: ${Object.entries(r.rollupRows).map(([k, v]) => `${k} ${fmt(v)}`).join(', ')}.

${s.families < 1_000_000 ? `**Scaled down**: issue 6 asks for 1,000,000 families and 10,000,000 statements; this run measured the sizes above (BENCH_REPORT_FAMILIES=${s.families}). The full size was not run within the time available: load and rebuild grew about linearly in trial runs, so it would take roughly ${Math.round((1_000_000 / s.families) * (r.loadSeconds + r.rebuildSeconds) / 60)} minutes (an estimate, not measured), mostly in \`xq_rpt_rebuild()\` (it replays every statement's segments per parent and lesson and looks up each parent's home school per row). The dashboard reads only rollups, whose row counts grow with families (rpt_reach) but whose read set (rpt_reach_hist, rpt_learning, rpt_sessions, rpt_station_month, rpt_scope_path) is bounded by regions × units × months; the full-size latency is not measured here.\n\n` : ''}GET /api/reports/dashboard for the year 2026 as the province's federation staff, over HTTP on loopback (startServer, pg pool of 10),
one request at a time, ${REQUESTS} requests after 20 warm-up ones; ms per request (target: p95 under 100 ms):

| unit | p50 ms | p95 ms | p99 ms | max ms | response bytes |
|---|---|---|---|---|---|
${row(`province (${CITIES} cities as children, ${fmt(s.stations)} stations, 200 at-risk listed)`, r.province)}
${row(`district (${SCHOOLS_PER_DISTRICT} schools and ${STATIONS_PER_DISTRICT} stations as children)`, r.district)}

What limits them: the dashboard never scans the ${fmt(s.lessonStatements)} records; it reads rollup rows only (a region sums
its subtree's depth-1 counters, distinct counts come from the month-mask histogram rpt_reach_hist), in a handful of queries
per request. The province costs more than a district because it reads per-station coverage for itself and each city
(every one of the ${fmt(s.stations)} stations twice), looks up the names of all its at-risk stations, and returns a larger
JSON body; these are inferences from the code and the response sizes above — no per-query breakdown was measured. The
requests run one at a time, so the figures are latency without queueing, not throughput.

Cost of the rollup triggers on a write: one transaction per write with a lesson statement insert and a lesson_progress
upsert (what progress ingestion writes per heartbeat; for 10 of 11 parents the statement is their first in November,
so the triggers set a month bit for the family and the parent at the school, district, city and province and move the
histogram counts), ${WRITES} writes one at a time, each for a different parent, on the loaded database:

| rollup triggers | p50 ms | p95 ms | p99 ms | max ms |
|---|---|---|---|---|
| enabled | ${r.write.withTriggers.p50} | ${r.write.withTriggers.p95} | ${r.write.withTriggers.p99} | ${r.write.withTriggers.max} |
| disabled (\`ALTER TABLE … DISABLE TRIGGER rpt_statements / rpt_progress_*\`) | ${r.write.withoutTriggers.p50} | ${r.write.withoutTriggers.p95} | ${r.write.withoutTriggers.p99} | ${r.write.withoutTriggers.max} |

The triggers add about **${added} ms** per write at the median (the rpt_statements trigger upserts the family's and the parent's month bit at the school and each region above it, eight rpt_reach rows and their histogram counts; rpt_progress adds the seconds at the school and district); the tail (p99, max) was not analysed.
<!-- reports:end -->`;
  const file = path.resolve(__dirname, '..', '..', 'docs', 'benchmarks.md');
  const text = fs.readFileSync(file, 'utf8');
  fs.writeFileSync(file, text.includes('<!-- reports:start -->') ? text.replace(/<!-- reports:start -->[\s\S]*<!-- reports:end -->/, section) : `${text.trimEnd()}\n\n## 妇联 dashboard on a province\n\n${section}\n`);
}

/** Prints a run's figures. */
export function printReports(r: ReportsBenchResult): void {
  console.log(`reports: province p50 ${r.province.p50} ms, p95 ${r.province.p95} ms, p99 ${r.province.p99} ms; district p50 ${r.district.p50} ms, p95 ${r.district.p95} ms, p99 ${r.district.p99} ms`);
  console.log(`reports: write with triggers p50 ${r.write.withTriggers.p50} ms p95 ${r.write.withTriggers.p95} ms; without p50 ${r.write.withoutTriggers.p50} ms p95 ${r.write.withoutTriggers.p95} ms`);
  console.log(`reports: rollup rows ${JSON.stringify(r.rollupRows)}`);
}

export function machineLine(): string {
  return `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}

if (require.main === module) {
  benchReports().then(
    (r) => {
      if (!r) {
        console.log(process.env.DATABASE_URL ? 'reports: stopped as BENCH_REPORT_ONLY asks' : 'reports: DATABASE_URL is not set; skipped');
        return;
      }
      printReports(r);
      writeReports(r, machineLine());
    },
    (err: Error) => {
      console.error(err.message);
      process.exit(1);
    },
  );
}
