/**
 * Operator commands: `migrate` applies pending migrations; `jobs` runs the due jobs once (as the timer trigger does);
 * `import-courses` imports the course files; `verify-audit` checks the notices' audit chain (exit code 2 when broken).
 */
import { createDeps } from './deps';
import { importCourses } from './domain/learning/content';
import { verifyAudit } from './domain/notices/audit';
import { loadConfig } from './env';
import { runDueJobs } from './jobs';
import { openDatabase } from './storage/open';

const USAGE = '用法：tsx src/server/cli.ts <migrate|jobs|import-courses|verify-audit>';
const COMMANDS = ['migrate', 'jobs', 'import-courses', 'verify-audit'];

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
    if (command === 'verify-audit') {
      const result = await verifyAudit(db, config.notices.hmacKey);
      if (result.ok) {
        process.stdout.write(`审计链完整：已校验 ${result.checked} 条记录\n`);
      } else {
        const b = result.firstBroken;
        process.stdout.write(`审计链被破坏：第 ${b?.seq} 条（${b?.action}，${b?.at}，编号 ${b?.id}）校验失败：${b?.reason}\n`);
        process.exitCode = 2;
      }
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
