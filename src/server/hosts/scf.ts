/** Tencent SCF / CloudBase entry: a web function (HTTP on port 9000) and an event function for the timer trigger. */
import { loadConfig } from '../env';
import { createDeps } from '../deps';
import { openDatabase } from '../storage/open';
import { runDueJobs } from '../jobs';
import { startServer } from './node';

/** Timer-trigger handler (event function): runs the due jobs once and reports what they did. */
export async function main_handler(): Promise<Record<string, number>> {
  const config = loadConfig();
  const db = await openDatabase(config);
  try {
    return await runDueJobs(createDeps(config, db));
  } finally {
    await db.close();
  }
}

if (require.main === module) {
  const config = loadConfig({ PORT: '9000', XQ_STATIC_DIR: '', ...process.env });
  startServer({ config, runJobs: false }).catch((err: Error) => {
    process.stderr.write(`启动失败：${err.message}\n`);
    process.exit(1);
  });
}
