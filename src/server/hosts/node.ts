/** The Node host: one port serves the API and the H5 build; an interval runs the timed jobs. */
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { StaticFiles } from '../http/static-files';
import type { Hono } from 'hono';
import { createApp } from '../app';
import { createDeps, type AppDeps } from '../deps';
import type { Config } from '../env';
import { runDueJobs } from '../jobs';
import { createLogger, type Logger } from '../log';
import { importCourses } from '../domain/learning/content';
import { seedDemo } from '../seed/demo';
import { openDatabase } from '../storage/open';
import type { WeChatClient } from '../wechat/client';
import type { Database } from '../storage/db';

/** A running server. */
export interface RunningServer {
  url: string;
  deps: AppDeps;
  close(): Promise<void>;
}

/** Options to start the server; tests pass their own database, clock and WeChat client. */
export interface StartOptions {
  config: Config;
  db?: Database;
  log?: Logger;
  clock?: () => Date;
  wechat?: WeChatClient;
  /** Listen on this port instead of config.port (0 picks a free one). */
  port?: number;
  runJobs?: boolean;
}

/** Adds the H5 build behind the API routes: files compressed and cached by kind (StaticFiles), and index.html for any other path. */
function serveH5(app: Hono, dir: string): void {
  const files = new StaticFiles(dir);
  app.on(['GET', 'HEAD'], '/*', (c) => {
    const file = files.serve(c, c.req.path) ?? files.serve(c, '/index.html');
    return file ?? c.text('H5 版本尚未构建：请先运行 npm run build:h5', 404);
  });
}

/** Opens the database, seeds demo data when asked, and listens. */
export async function startServer(opts: StartOptions): Promise<RunningServer> {
  const { config } = opts;
  const log = opts.log ?? createLogger();
  const db = opts.db ?? (await openDatabase(config));
  if (config.seedDemo) {
    log.info('courses_imported', { courses: await importCourses(db) });
    if (await seedDemo(db, config.privacyVersion)) log.info('demo_seeded');
  }
  const deps = createDeps(config, db, { log, clock: opts.clock, wechat: opts.wechat });
  const app = createApp(deps) as unknown as Hono;
  if (config.staticDir) serveH5(app, config.staticDir);
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, port: opts.port ?? config.port, hostname: '0.0.0.0' }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  let timer: NodeJS.Timeout | null = null;
  if (opts.runJobs ?? true) {
    let running = false;
    timer = setInterval(() => {
      if (running) return;
      running = true;
      runDueJobs(deps)
        .catch((err: Error) => log.error('jobs_failed', { name: err.name, message: err.message }))
        .finally(() => { running = false; });
    }, config.jobsIntervalSeconds * 1000);
    timer.unref();
  }
  return {
    url: `http://127.0.0.1:${port}`,
    deps,
    async close() {
      if (timer) clearInterval(timer);
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (!opts.db) await db.close();
    },
  };
}
