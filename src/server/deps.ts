/** What the app is built from: storage, configuration, WeChat, a clock and a logger. */
import type { Config } from './env';
import type { Database } from './storage/db';
import type { WeChatClient } from './wechat/client';
import type { Logger } from './log';

/** The dependencies of the app and its domain services. */
export interface AppDeps {
  db: Database;
  config: Config;
  wechat: WeChatClient;
  /** The current time; tests move it. */
  clock: () => Date;
  log: Logger;
}
