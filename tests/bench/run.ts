/** `npm run bench`: runs the benchmarks, prints the figures and writes them to docs/benchmarks.md. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { benchDatabases, benchProgress, type ProgressBenchResult } from './progress';
import { benchRush, writeRush, type RushResult, type RushServers } from './signup-rush';
import { openPglite } from '../../src/server/storage/pglite';
import { scratchPostgres } from '../helpers/db';
import type { Database } from '../../src/server/storage/db';
import { benchReports, printReports, writeReports } from './reports';
import { benchImports, writeImports } from './imports';

/** `npm run bench -- progress` (or rush, reports, imports) runs only those parts; no argument runs all. */
const parts = process.argv.slice(2);
const wanted = (part: string) => parts.length === 0 || parts.includes(part);

async function main(): Promise<void> {
  if (wanted('progress')) await progress();
  if (wanted('rush')) await rush();
  if (wanted('reports')) {
    const reports = await benchReports();
    if (reports) {
      printReports(reports);
      writeReports(reports, machine);
    }
  }
  if (wanted('imports')) {
    const imports = await benchImports();
    for (const r of imports) console.log(`${r.driver}: ${r.rows} pupils (${r.fileKb} KB .xlsx): dry run ${r.preview} s, import ${r.commit} s, same file again ${r.again} s`);
    writeImports(imports, machine, file);
  }
  console.log(`written to ${path.relative(process.cwd(), file)}`);
}

const file = path.resolve(__dirname, '..', '..', 'docs', 'benchmarks.md');
const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;

async function progress(): Promise<void> {
  const results: ProgressBenchResult[] = [];
  const only = process.env.BENCH_PROGRESS_ROWS ? process.env.BENCH_PROGRESS_ROWS.split(',').map(Number) : null;
  for (const [i, d] of benchDatabases().entries()) {
    if (only && !only.includes(i)) continue;
    const db = await d.open();
    try {
      const r = await benchProgress(d.name, db, d);
      results.push(r);
      console.log(`${r.driver}: ${r.statements} statements in ${r.seconds} s = ${r.perSecond}/s; p50 ${r.p50} ms, p95 ${r.p95} ms, p99 ${r.p99} ms, max ${r.max} ms; CPU ms per statement ${JSON.stringify(r.cpu)}`);
    } finally {
      await db.close();
    }
  }
  const table = (list: ProgressBenchResult[]) => list.map((r) => `| ${r.driver} | ${r.statements} | ${r.seconds} | **${r.perSecond}** | ${r.p50} | ${r.p95} | **${r.p99}** | ${r.max} |`).join('\n');
  const cpuTable = (list: ProgressBenchResult[]) => list
    .map((r) => `| ${r.driver} | ${r.cpu.server} | ${r.cpu.postgres} | ${r.cpu.load} | ${Math.round((r.cpu.server + r.cpu.postgres + r.cpu.load) * 100) / 100} | ${r.cpu.other} |`)
    .join('\n');
  const stamp = `Last run: ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${machine}.`;
  const single = results.filter((r) => !r.instances);
  const multi = results.filter((r) => r.instances);
  let text = fs.readFileSync(file, 'utf8');
  if (single.length) {
    const section = `<!-- progress:start -->\n${stamp}\n\nLatency is per request (one statement, or ten in the batched row), from the moment it was due in the open loop. Each run first sends one unmeasured heartbeat per parent (connections, JIT, plans and caches warm up).\n\n| database | statements | seconds | statements/s | p50 ms | p95 ms | p99 ms | max ms |\n|---|---|---|---|---|---|---|---|\n${table(single)}\n\nCPU time per statement while the load ran, in ms (${os.cpus().length} cores can give ${os.cpus().length * 1000} ms of CPU per second, so the total bounds statements/s at ${os.cpus().length * 1000} ÷ total):\n\n| database | server process | PostgreSQL processes | load generator | total | other work on the machine |\n|---|---|---|---|---|---|\n${cpuTable(single)}\n<!-- progress:end -->`;
    text = text.replace(/<!-- progress:start -->[\s\S]*<!-- progress:end -->/, section);
  }
  if (multi.length) {
    const section = `<!-- instances:start -->\n${stamp}\n\n| servers and database | statements | seconds | statements/s | p50 ms | p95 ms | p99 ms | max ms |\n|---|---|---|---|---|---|---|---|\n${table(multi)}\n\nCPU time per statement, in ms:\n\n| servers and database | server processes | PostgreSQL (+ PgBouncer) | load generator | total | other work on the machine |\n|---|---|---|---|---|---|\n${cpuTable(multi)}\n<!-- instances:end -->`;
    text = text.replace(/<!-- instances:start -->[\s\S]*<!-- instances:end -->/, section);
  }
  fs.writeFileSync(file, text);
}

async function rush(): Promise<void> {
  const rush: RushResult[] = [];
  type Run = { name: string; open: () => Promise<(Database & { url?: string }) | null>; servers: (url: string) => RushServers; warm?: boolean };
  const runs: Run[] = [{ name: 'one server in-process, PGlite (in-process)', open: () => openPglite(null), servers: () => ({ instances: 0 }) }];
  if (process.env.DATABASE_URL) {
    // Each PostgreSQL row twice: as the first work of freshly started servers, and after an unmeasured warm-up rush.
    const pg: Run[] = [
      { name: 'one server in-process, PostgreSQL 15 (pg pool of 10)', open: () => scratchPostgres(10), servers: () => ({ instances: 0 }) },
      { name: '**3 server processes**, PostgreSQL 15 (pg pool of 10 each)', open: () => scratchPostgres(4), servers: (url) => ({ instances: 3, databaseUrl: url, pgbouncer: false }) },
      { name: '**3 server processes → PgBouncer** (transaction mode, 20 server connections) → PostgreSQL 15', open: () => scratchPostgres(4), servers: (url) => ({ instances: 3, databaseUrl: url, pgbouncer: true }) },
    ];
    runs.push(...pg.flatMap((r) => [{ ...r, name: `${r.name}, first rush after start` }, { ...r, name: `${r.name}, after a warm-up rush`, warm: true }]));
  }
  const only = process.env.BENCH_RUSH_ROWS ? process.env.BENCH_RUSH_ROWS.split(',').map(Number) : null;
  for (const [i, run] of runs.entries()) {
    if (only && !only.includes(i)) continue;
    const db = await run.open();
    if (!db) continue;
    try {
      const r = await benchRush(run.name, db, run.servers(db.url ?? ''), run.warm);
      rush.push(r);
      console.log(`${r.driver}: ${r.requests} sign-ups in ${r.seconds} s = ${r.perSecond}/s; p50 ${r.p50} ms, p99 ${r.p99} ms; ${r.confirmed} seats, ${r.waitlisted} waitlisted; CPU ms per sign-up ${JSON.stringify(r.cpu)}; load ${r.load}`);
    } finally {
      await db.close();
    }
  }
  writeRush(rush, machine);
}

main().catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
