/** What the app is built from: storage, configuration, WeChat, a clock and a logger. */
import type { Config } from './env';
import type { Database } from './storage/db';
import { createLogger, type Logger } from './log';
import { createWeChatClient, type WeChatClient } from './wechat/client';
import { ConfigKeyWrapper, type KeyWrapper } from './domain/notices/crypto';
import { createFileCheckpointStore, type CheckpointStore } from './domain/notices/checkpoint';
import { createProgressIngester, type ProgressIngester } from './domain/learning/ingest';
import { createSessionLoader, type SessionLoader } from './domain/identity';
import { createSignupQueue, type SignupQueue } from './domain/events/signup-queue';

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
  /** Where the audit chain's head is anchored outside the database: a file by default (XQ_AUDIT_CHECKPOINT_FILE); hosts may inject another store. */
  checkpoints: CheckpointStore;
  /** The progress ingestion queue: heartbeats that arrive together are written in one transaction. */
  progress: ProgressIngester;
  /** Session lookups: the requests that arrive together are authenticated in one query. */
  sessions: SessionLoader;
  /** The sign-up queue: sign-ups that arrive together are decided in one transaction (a rush for one session). */
  signups: SignupQueue;
}

/** The production dependencies on a database: real clock, JSON logs, WeChat at the configured base URL. */
export function createDeps(config: Config, db: Database, overrides: Partial<Omit<AppDeps, 'config' | 'db' | 'progress' | 'sessions' | 'signups'>> = {}): AppDeps {
  const clock = overrides.clock ?? (() => new Date());
  return {
    db,
    config,
    log: overrides.log ?? createLogger(),
    clock,
    progress: createProgressIngester(db, clock, () => config.lessonCompleteRatio),
    sessions: createSessionLoader(db),
    signups: createSignupQueue(db, clock, config),
    wechat: overrides.wechat ?? createWeChatClient(config.wechat),
    keys: overrides.keys ?? new ConfigKeyWrapper(config.notices.masterKeys, config.notices.currentKeyId),
    checkpoints: overrides.checkpoints ?? createFileCheckpointStore(config.notices.checkpointFile, config.notices.hmacKey),
  };
}
