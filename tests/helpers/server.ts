/** A real backend listening on a free port, on a fresh PGlite with the demo data: for client and end-to-end tests. */
import { startServer } from '../../src/server/hosts/node';
import { silentLogger } from '../../src/server/log';
import { testConfig } from './app';
import { freshDb } from './db';
import type { Database } from '../../src/server/storage/db';
import type { AppDeps } from '../../src/server/deps';

/** A running test backend. */
export interface TestServer {
  url: string;
  /** The server's database (to check what a user cannot see, e.g. the outbox). */
  db: Database;
  /** The server's dependencies (to run its jobs at a chosen time). */
  deps: AppDeps;
  close(): Promise<void>;
}

/** Starts the backend; `staticDir` serves an H5 build as `npm start` does. */
export async function startTestServer(opts: { staticDir?: string; wechatBase?: string; clock?: () => Date } = {}): Promise<TestServer> {
  const config = testConfig({ XQ_SEED_DEMO: '1', XQ_STATIC_DIR: opts.staticDir ?? '' }, opts.wechatBase);
  const db = await freshDb();
  const server = await startServer({ config, db, port: 0, log: silentLogger, runJobs: false, clock: opts.clock });
  return {
    url: server.url,
    db,
    deps: server.deps,
    async close() {
      await server.close();
      await db.close();
    },
  };
}
