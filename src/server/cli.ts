/** Operator commands: `migrate` applies pending migrations; `jobs` runs the due jobs once (as the timer trigger does). */
import { loadConfig } from './env';
import { runDueJobs } from './jobs';
import { createLogger } from './log';
import { openDatabase } from './storage/open';
import { createWeChatClient } from './wechat/client';

const USAGE = '用法：tsx src/server/cli.ts <migrate|jobs>';

async function main(command: string | undefined): Promise<void> {
  if (command !== 'migrate' && command !== 'jobs') throw new Error(USAGE);
  const config = loadConfig();
  const db = await openDatabase(config);
  try {
    if (command === 'migrate') {
      const [row] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM schema_migrations');
      process.stdout.write(`数据库已迁移到第 ${row?.n ?? 0} 版\n`);
      return;
    }
    const report = await runDueJobs({ db, config, log: createLogger(), clock: () => new Date(), wechat: createWeChatClient(config.wechat) });
    process.stdout.write(`${JSON.stringify(report)}\n`);
  } finally {
    await db.close();
  }
}

main(process.argv[2]).catch((err: Error) => {
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
});
