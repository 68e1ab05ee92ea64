/** `npm run bench`: runs the benchmarks, prints the figures and writes them to docs/benchmarks.md. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { benchDatabases, benchProgress, type ProgressBenchResult } from './progress';
import { benchRush, writeRush, type RushResult } from './signup-rush';
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
  for (const d of benchDatabases()) {
    const db = await d.open();
    try {
      const r = await benchProgress(d.name, db, d);
      results.push(r);
      console.log(`${r.driver}: ${r.statements} statements in ${r.seconds} s = ${r.perSecond}/s; p50 ${r.p50} ms, p95 ${r.p95} ms, p99 ${r.p99} ms, max ${r.max} ms; CPU ms per statement ${JSON.stringify(r.cpu)}`);
    } finally {
      await db.close();
    }
  }
  const rows = results.map((r) => `| ${r.driver} | ${r.statements} | ${r.seconds} | **${r.perSecond}** | ${r.p50} | ${r.p95} | **${r.p99}** | ${r.max} |`).join('\n');
  const cpuRows = results
    .map((r) => `| ${r.driver} | ${r.cpu.server} | ${r.cpu.postgres} | ${r.cpu.load} | ${Math.round((r.cpu.server + r.cpu.postgres + r.cpu.load) * 100) / 100} | ${r.cpu.other} |`)
    .join('\n');
  const text = fs.readFileSync(file, 'utf8');
  const section = `<!-- progress:start -->\nLast run: ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${machine}.\n\nLatency is per request (one statement, or ten in the batched row), from the moment it was due in the open loop. Each run first sends one unmeasured heartbeat per parent (connections, JIT, plans and caches warm up).\n\n| database | statements | seconds | statements/s | p50 ms | p95 ms | p99 ms | max ms |\n|---|---|---|---|---|---|---|---|\n${rows}\n\nCPU time per statement while the load ran, in ms (${os.cpus().length} cores can give ${os.cpus().length * 1000} ms of CPU per second, so the total bounds statements/s at ${os.cpus().length * 1000} ÷ total):\n\n| database | server process | PostgreSQL processes | load generator | total | other work on the machine |\n|---|---|---|---|---|---|\n${cpuRows}\n<!-- progress:end -->`;
  fs.writeFileSync(file, text.replace(/<!-- progress:start -->[\s\S]*<!-- progress:end -->/, section));
}

async function rush(): Promise<void> {
  const rush: RushResult[] = [];
  for (const d of benchDatabases().filter((x) => x.batch === 1 && x.rate === null)) {
    const db = await d.open();
    try {
      const r = await benchRush(d.database, db);
      rush.push(r);
      console.log(`${r.driver}: ${r.requests} sign-ups in ${r.seconds} s = ${r.perSecond}/s; p50 ${r.p50} ms, p99 ${r.p99} ms; ${r.confirmed} seats, ${r.waitlisted} waitlisted`);
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
