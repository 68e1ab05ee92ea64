/**
 * Benchmark: bulk import of a 10,000-pupil list with two guardian phones each (issue 15 target: under 30 s on PGlite).
 * Builds the .xlsx with exceljs, then through the in-process app on a fresh demo database: the dry run, the import
 * (one transaction), and the same file again (every row unchanged). PGlite always; PostgreSQL too when DATABASE_URL is set.
 * `npm run bench -- imports` runs it alone and writes its section of docs/benchmarks.md.
 */
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import ExcelJS from 'exceljs';
import type { Database } from '../../src/server/storage/db';
import { testApp } from '../helpers/app';
import { freshDb, scratchPostgres } from '../helpers/db';

const ROWS = Number(process.env.BENCH_IMPORT_ROWS ?? 10_000);

/** One database's figures, in seconds. */
export interface ImportBenchResult {
  driver: string;
  rows: number;
  fileKb: number;
  preview: number;
  commit: number;
  again: number;
  counts: string;
}

/** The pupil list as an .xlsx. */
async function pupilFile(rows: number): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('学生名单');
  ws.addRow(['学号', '姓名', '年级', '班级', '学段', '监护人1关系', '监护人1手机号', '监护人2关系', '监护人2手机号']);
  for (let i = 0; i < rows; i++) {
    const grade = `${(i % 6) + 1}年级`;
    ws.addRow([`S${String(i).padStart(6, '0')}`, `学生${i}`, grade, `${grade}（${(i % 20) + 1}）班`, '小学', '母亲', `138${String(i).padStart(8, '0')}`, '父亲', `139${String(i).padStart(8, '0')}`]);
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const out = await fn();
  return [out, Math.round((performance.now() - start) / 100) / 10];
}

async function run(driver: string, db: Database, file: Buffer): Promise<ImportBenchResult> {
  const t = await testApp({ db });
  const token = await t.login('psychologist');
  const [{ id: schoolId }] = await t.db.query<{ id: string }>("SELECT id FROM schools WHERE name = '小店区育英小学'");
  const body = { kind: 'pupils', schoolId, fileName: '学生名单.xlsx', dataBase64: file.toString('base64') };
  const [preview, previewS] = await timed(() => t.call('POST', '/api/imports/preview', { token, body }));
  if (preview.status !== 200 || preview.body.counts.new !== ROWS) throw new Error(`preview: ${preview.status} ${JSON.stringify(preview.body).slice(0, 300)}`);
  const [commit, commitS] = await timed(() => t.call('POST', '/api/imports', { token, body }));
  if (commit.status !== 201) throw new Error(`import: ${commit.status} ${JSON.stringify(commit.body).slice(0, 300)}`);
  const [again, againS] = await timed(() => t.call('POST', '/api/imports', { token, body }));
  if (again.body.counts.unchanged !== ROWS) throw new Error(`re-import changed rows: ${JSON.stringify(again.body.counts)}`);
  await t.close();
  return { driver, rows: ROWS, fileKb: Math.round(file.length / 1024), preview: previewS, commit: commitS, again: againS, counts: `${commit.body.counts.new} new; again ${again.body.counts.unchanged} unchanged` };
}

/** Runs the import benchmark on PGlite, and on PostgreSQL when DATABASE_URL is set. */
export async function benchImports(): Promise<ImportBenchResult[]> {
  const file = await pupilFile(ROWS);
  const out: ImportBenchResult[] = [];
  const lite = await freshDb();
  try {
    out.push(await run('PGlite', lite, file));
  } finally {
    await lite.close();
  }
  const pg = await scratchPostgres();
  if (pg) {
    try {
      out.push(await run('PostgreSQL', pg, file));
    } finally {
      await pg.close();
    }
  }
  return out;
}

/** Writes the import section of docs/benchmarks.md. */
export function writeImports(results: ImportBenchResult[], machine: string, file: string): void {
  const rows = results.map((r) => `| ${r.driver} | ${r.rows.toLocaleString('en')} | ${r.fileKb} KB | ${r.preview} | **${r.commit}** | ${r.again} | ${r.counts} |`).join('\n');
  const section = `<!-- imports:start -->\nLast run: ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${machine}.\n\n| database | pupils | .xlsx | dry run s | import s | same file again s | result |\n|---|---|---|---|---|---|---|\n${rows}\n<!-- imports:end -->`;
  const text = fs.readFileSync(file, 'utf8');
  const heading = `## Bulk import (issue 15, 学生名单)\n\nA school's list of 10,000 pupils, each with two guardian phones (20,000 phone records), as one .xlsx, through the\nin-process app on a fresh demo database (\`tests/bench/imports.ts\`): the dry run (read, check every cell, plan), the import\n(read and plan again inside one transaction, then set-based inserts of pupils and phone records, one audit entry), and the\nsame file again (every row unchanged, nothing written). Target (issue 15): under 30 s on PGlite.\n\n`;
  fs.writeFileSync(file, text.includes('<!-- imports:start -->')
    ? text.replace(/<!-- imports:start -->[\s\S]*<!-- imports:end -->/, section)
    : `${text.trimEnd()}\n\n${heading}${section}\n`);
  console.log(`imports section written to ${path.relative(process.cwd(), file)}`);
}
