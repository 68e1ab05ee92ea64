// Runs the test backend (tests/helpers/server.ts) in its own Node process for the client's service tests:
// prints `READY <url>` and closes when stdin ends. Run with tsx; the jsdom test realm never loads server code.
import { startTestServer } from '../helpers/server';

async function main(): Promise<void> {
  const server = await startTestServer();
  process.stdout.write(`READY ${server.url}\n`);
  let closing = false;
  const stop = () => {
    if (closing) return;
    closing = true;
    void server.close().finally(() => process.exit(0));
  };
  process.stdin.on('end', stop);
  process.stdin.resume();
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`backend failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
