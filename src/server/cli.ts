/**
 * Operator commands: `migrate` applies pending migrations; `jobs` runs the due jobs once (as the timer trigger does);
 * `import-courses` imports the course files; `verify-audit` checks the notices' audit chain (exit code 2 when broken);
 * `rebuild-reports` recomputes the reporting rollups from the records and says how many rows had differed.
 */
import { createDeps } from './deps';
import { importCourses } from './domain/learning/content';
import { verifyAudit } from './domain/notices/audit';
import { createFileCheckpointStore } from './domain/notices/checkpoint';
import { rebuildRollups } from './domain/reports/rebuild';
import { loadConfig } from './env';
import { runDueJobs } from './jobs';
import { openDatabase } from './storage/open';

const USAGE = '用法：tsx src/server/cli.ts <migrate|jobs|import-courses|verify-audit|rebuild-reports>';
const COMMANDS = ['migrate', 'jobs', 'import-courses', 'verify-audit', 'rebuild-reports'];

async function main(command: string | undefined): Promise<void> {
  if (!command || !COMMANDS.includes(command)) throw new Error(USAGE);
  const config = loadConfig();
  const db = await openDatabase(config);
  try {
    if (command === 'migrate') {
      const [row] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM schema_migrations');
      process.stdout.write(`数据库已迁移到第 ${row?.n ?? 0} 版\n`);
      return;
    }
    if (command === 'import-courses') {
      process.stdout.write(`已导入 ${await importCourses(db)} 门课程\n`);
      return;
    }
    if (command === 'rebuild-reports') {
      const started = performance.now();
      const report = await rebuildRollups(db);
      const differed = Object.values(report.differences).reduce((a, b) => a + b, 0);
      process.stdout.write(`统计汇总已重建（${Math.round(performance.now() - started)} ms）：${JSON.stringify(report.rows)}；与增量维护的结果相差 ${differed} 行${differed ? ` ${JSON.stringify(report.differences)}` : ''}\n`);
      return;
    }
    if (command === 'verify-audit') {
      const key = config.notices.hmacKey;
      const result = await verifyAudit(db, key, createFileCheckpointStore(config.notices.checkpointFile, key), new Date());
      const c = result.checkpoint;
      const anchor = c ? `检查点：第 ${c.seq} 条（${c.at}，${config.notices.checkpointFile}）` : `尚无检查点（${config.notices.checkpointFile}）`;
      const b = result.firstBroken;
      if (result.ok) {
        process.stdout.write(`审计链完整：已校验 ${result.checked} 条记录；${anchor}\n`);
      } else if (b?.reason === 'truncated_after_checkpoint') {
        process.stdout.write(`审计链被截断：第 ${b.seq} 条的检查点（${b.at}）之后的记录被删除：${b.reason}（已校验 ${result.checked} 条记录）\n`);
      } else if (b?.reason === 'checkpoint_forged') {
        process.stdout.write(`检查点文件中有 ${result.forgedCheckpoints} 行 HMAC 校验失败，未被采信：${b.reason}（审计链已校验 ${result.checked} 条记录；${anchor}）\n`);
      } else {
        process.stdout.write(`审计链被破坏：第 ${b?.seq} 条（${b?.action}，${b?.at}，编号 ${b?.id}）校验失败：${b?.reason}\n`);
      }
      if (!result.ok) process.exitCode = 2;
      return;
    }
    const report = await runDueJobs(createDeps(config, db));
    process.stdout.write(`${JSON.stringify(report)}\n`);
  } finally {
    await db.close();
  }
}

main(process.argv[2]).catch((err: Error) => {
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
});
