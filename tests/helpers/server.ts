/** A real backend listening on a free port, on a fresh PGlite with the demo data: for client and end-to-end tests. */
import { startServer } from '../../src/server/hosts/node';
import { silentLogger } from '../../src/server/log';
import { testConfig } from './app';
import { freshDb } from './db';

/** A running test backend. */
export interface TestServer {
  url: string;
  close(): Promise<void>;
}

/** Starts the backend; `staticDir` serves an H5 build as `npm start` does. */
export async function startTestServer(opts: { staticDir?: string; wechatBase?: string } = {}): Promise<TestServer> {
  const config = testConfig({ XQ_SEED_DEMO: '1', XQ_STATIC_DIR: opts.staticDir ?? '' }, opts.wechatBase);
  const db = await freshDb();
  const server = await startServer({ config, db, port: 0, log: silentLogger, runJobs: false });
  return {
    url: server.url,
    async close() {
      await server.close();
      await db.close();
    },
  };
}
