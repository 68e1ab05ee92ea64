/**
 * One server instance for the multi-instance tests and benchmark: the Node host (`startServer`, what `npm run serve`
 * runs) configured from its environment, on a free port, in its own process. The parent learns its URL over IPC and
 * can ask it to run the timed jobs at a given time (`runDueJobs`), as a timer in every instance would.
 */
import { loadConfig } from '../../src/server/env';
import { startServer } from '../../src/server/hosts/node';
import { runDueJobs } from '../../src/server/jobs';
import { createLogger } from '../../src/server/log';

/** A message from the parent: run the jobs at an instant, or stop. */
export type InstanceCommand = { jobs: string; id: number } | { close: true };

async function main(): Promise<void> {
  const log = createLogger((line, level) => {
    if (level === 'error') process.stderr.write(`${line}\n`);
  });
  const server = await startServer({ config: loadConfig(process.env), port: 0, runJobs: false, log });
  process.on('message', (m: InstanceCommand) => {
    if ('close' in m) {
      void server.close().finally(() => process.exit(0));
      return;
    }
    runDueJobs(server.deps, new Date(m.jobs)).then(
      (report) => process.send?.({ id: m.id, report }),
      (err: Error) => process.send?.({ id: m.id, error: err.message }),
    );
  });
  process.send?.({ url: server.url });
}

main().catch((err: Error) => {
  process.stderr.write(`instance failed to start: ${err.message}\n`);
  process.exit(1);
});
