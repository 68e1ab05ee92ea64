/** An in-process app on a fresh database, called with app.request(): the server tests' harness. */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { createApp } from '../../src/server/app';
import { createDeps, type AppDeps } from '../../src/server/deps';
import { loadConfig, type Config } from '../../src/server/env';
import { silentLogger, type Logger } from '../../src/server/log';
import { seedDemo } from '../../src/server/seed/demo';
import type { Database } from '../../src/server/storage/db';
import { createWeChatClient } from '../../src/server/wechat/client';
import { freshDb } from './db';
import { FAKE_APPID, FAKE_SECRET } from './wechat-fake';

/** A test app and ways to call it. */
export interface TestApp {
  deps: AppDeps;
  db: Database;
  /** Moves the app's clock. */
  setNow(date: Date): void;
  /** Calls the app; JSON bodies are sent as such. */
  call(method: string, path: string, opts?: { token?: string | null; body?: unknown; headers?: Record<string, string> }): Promise<{ status: number; body: any; headers: Headers }>;
  /** Logs in as a demo identity and returns the token. */
  login(identity: string): Promise<string>;
  close(): Promise<void>;
}

/** Options of a test app. */
export interface TestAppOptions {
  env?: Record<string, string>;
  seed?: boolean;
  wechatBase?: string;
  log?: Logger;
  db?: Database;
}

/** Configuration for tests: development login on, no static files, the WeChat fake's credentials, audit checkpoints in a file of its own under the temp dir. */
export function testConfig(env: Record<string, string> = {}, wechatBase = 'http://127.0.0.1:9'): Config {
  const checkpoints = path.join(os.tmpdir(), 'xq-test-audit-checkpoints', `${randomUUID()}.jsonl`);
  return loadConfig({ XQ_DEV_LOGIN: '1', XQ_STATIC_DIR: '', WECHAT_APPID: FAKE_APPID, WECHAT_SECRET: FAKE_SECRET, WECHAT_API_BASE: wechatBase, WECHAT_TIMEOUT_MS: '2000', XQ_AUDIT_CHECKPOINT_FILE: checkpoints, ...env });
}

/** Builds an app on a fresh migrated database (with the demo data unless seed is false). */
export async function testApp(opts: TestAppOptions = {}): Promise<TestApp> {
  const config = testConfig(opts.env, opts.wechatBase);
  const db = opts.db ?? (await freshDb());
  let now = new Date('2026-11-23T08:00:00Z');
  if (opts.seed ?? true) await seedDemo(db, config.privacyVersion, now);
  const deps: AppDeps = createDeps(config, db, { log: opts.log ?? silentLogger, clock: () => now, wechat: createWeChatClient(config.wechat) });
  const app = createApp(deps);
  const call: TestApp['call'] = async (method, path, o = {}) => {
    const headers: Record<string, string> = { ...(o.headers ?? {}) };
    if (o.token) headers.authorization = `Bearer ${o.token}`;
    let body: string | undefined;
    if (o.body !== undefined) {
      body = typeof o.body === 'string' ? o.body : JSON.stringify(o.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await app.request(path, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      /* not JSON: keep the text */
    }
    return { status: res.status, body: parsed, headers: res.headers };
  };
  return {
    deps,
    db,
    setNow: (d) => { now = d; },
    call,
    async login(identity) {
      const res = await call('POST', '/api/auth/dev-login', { body: { identity } });
      if (res.status !== 200) throw new Error(`dev login failed: ${res.status} ${JSON.stringify(res.body)}`);
      return (res.body as { token: string }).token;
    },
    close: () => (opts.db ? Promise.resolve() : db.close()),
  };
}
