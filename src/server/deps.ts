/** What the app is built from: storage, configuration, WeChat, a clock and a logger. */
import type { Config } from './env';
import type { Database } from './storage/db';
import { createLogger, type Logger } from './log';
import { createWeChatClient, type WeChatClient } from './wechat/client';
import { ConfigKeyWrapper, type KeyWrapper } from './domain/notices/crypto';

/** The dependencies of the app and its domain services. */
export interface AppDeps {
  db: Database;
  config: Config;
  wechat: WeChatClient;
  /** The current time; tests move it. */
  clock: () => Date;
  log: Logger;
  /** Wraps notices' data keys: master keys from configuration, or a cloud KMS. */
  keys: KeyWrapper;
}

/** The production dependencies on a database: real clock, JSON logs, WeChat at the configured base URL. */
export function createDeps(config: Config, db: Database, overrides: Partial<Omit<AppDeps, 'config' | 'db'>> = {}): AppDeps {
  return {
    db,
    config,
    log: overrides.log ?? createLogger(),
    clock: overrides.clock ?? (() => new Date()),
    wechat: overrides.wechat ?? createWeChatClient(config.wechat),
    keys: overrides.keys ?? new ConfigKeyWrapper(config.notices.masterKeys, config.notices.currentKeyId),
  };
}
