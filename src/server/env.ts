/** The one place that reads process.env: validates configuration and refuses unsafe production settings. */
import path from 'node:path';
import { z } from 'zod';

/** Validated configuration of the backend. */
export interface Config {
  production: boolean;
  port: number;
  databaseUrl: string | null;
  /** DATABASE_URL leads to a pooler in transaction mode (PgBouncer pool_mode=transaction): no named prepared statements. */
  transactionPooler: boolean;
  pgliteDir: string;
  sessionSecret: string;
  sessionTtlHours: number;
  wechat: { appId: string | null; secret: string | null; apiBase: string; timeoutMs: number };
  devLogin: boolean;
  seedDemo: boolean;
  staticDir: string | null;
  bodyLimitBytes: number;
  /** How many proxies in front of the server append the client's address to X-Forwarded-For (XQ_TRUST_PROXY); 0: the socket's peer is the client. */
  trustedProxies: number;
  jobsIntervalSeconds: number;
  privacyVersion: string;
  /** A lesson counts as complete at this share of its unique duration played. */
  lessonCompleteRatio: number;
  /** Course quizzes: failed attempts in a row before a cooldown, and how long the cooldown lasts. */
  quiz: { maxFails: number; cooldownMinutes: number };
  /** Lesson media uploaded in the authoring console: the largest file accepted, in bytes (XQ_MEDIA_MAX_MB). */
  mediaMaxBytes: number;
  /** 家长学校 sessions: subscribe-message template ids, reminder lead time, how long a waitlist offer is held. */
  events: { templates: { signup_result: string; event_reminder: string; event_cancelled: string }; reminderHours: number; offerHours: number };
  /**
   * 告知书: master keys (id → 32 bytes; the first wraps new data keys), the HMAC key of the audit chain and phone hashes, the phone check at binding,
   * the template, and where (and how often) the audit chain's head is anchored outside the database.
   */
  notices: { masterKeys: Map<string, Buffer>; currentKeyId: string; hmacKey: Buffer; requirePhoneMatch: boolean; templateId: string; checkpointFile: string; checkpointMinutes: number };
  /** Printed binding sheets: the CJK font (a .ttf, or a .ttc with the face's PostScript name) and the public address the QR links point to (null: the request's origin). */
  print: { fontFile: string; fontFace: string; publicUrl: string | null };
}

/** A configuration error: the server refuses to start and says why. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

const DEV_SECRET = 'xinqiao-development-secret-not-for-production-use';

const DEV_MASTER_KEYS = 'dev-1:eGlucWlhby1kZXYtbm90aWNlLW1hc3Rlci1rZXkhISE=';
const DEV_HMAC_KEY = 'eGlucWlhby1kZXYtYXVkaXQtaG1hYy1rZXktb25seSEh';

/** Parses `id:base64,id:base64` into master keys; the first is current. */
function parseMasterKeys(value: string): { keys: Map<string, Buffer>; current: string } {
  const keys = new Map<string, Buffer>();
  for (const part of value.split(',').map((p) => p.trim()).filter(Boolean)) {
    const m = /^([\w.-]{1,40}):([A-Za-z0-9+/=]+)$/.exec(part);
    const key = m ? Buffer.from(m[2] as string, 'base64') : null;
    if (!m || !key || key.length !== 32) throw new ConfigError('XQ_NOTICE_MASTER_KEYS 格式应为 “密钥编号:32 字节密钥的 base64”，多个以逗号分隔');
    keys.set(m[1] as string, key);
  }
  const current = keys.keys().next().value;
  if (!current) throw new ConfigError('XQ_NOTICE_MASTER_KEYS 不能为空');
  return { keys, current };
}

/** NODE_ENV values that mean development; anything else (production, Production, prod, "production ", staging…) gets the production checks. */
const DEVELOPMENT_ENVS = ['', 'development', 'test'];

/** The secrets of an environment that equal the public development defaults (compared by value: the same key bytes in another spelling count). */
function developmentDefaultsIn(e: { XQ_SESSION_SECRET?: string; XQ_NOTICE_MASTER_KEYS?: string; XQ_NOTICE_HMAC_KEY?: string }): string[] {
  const found: string[] = [];
  if (e.XQ_SESSION_SECRET?.trim() === DEV_SECRET) found.push('XQ_SESSION_SECRET');
  const devMaster = [...parseMasterKeys(DEV_MASTER_KEYS).keys.values()];
  const master = e.XQ_NOTICE_MASTER_KEYS ? [...parseMasterKeys(e.XQ_NOTICE_MASTER_KEYS).keys.values()] : [];
  if (master.some((k) => devMaster.some((d) => d.equals(k)))) found.push('XQ_NOTICE_MASTER_KEYS');
  if (e.XQ_NOTICE_HMAC_KEY && Buffer.from(e.XQ_NOTICE_HMAC_KEY, 'base64').equals(Buffer.from(DEV_HMAC_KEY, 'base64'))) found.push('XQ_NOTICE_HMAC_KEY');
  return found;
}

const flag = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no', ''])
  .optional()
  .transform((v) => v === '1' || v === 'true' || v === 'yes');

const EnvSchema = z.object({
  NODE_ENV: z.string().optional(),
  PORT: z.coerce.number().int().min(1).max(65535).default(8787),
  DATABASE_URL: z.string().url().optional(),
  XQ_PG_TRANSACTION_POOLER: flag,
  PGLITE_DIR: z.string().min(1).optional(),
  XQ_SESSION_SECRET: z.string().min(32, 'XQ_SESSION_SECRET 至少 32 个字符').optional(),
  XQ_SESSION_TTL_HOURS: z.coerce.number().int().min(1).max(24 * 90).default(24 * 7),
  WECHAT_APPID: z.string().min(1).optional(),
  WECHAT_SECRET: z.string().min(1).optional(),
  WECHAT_API_BASE: z.string().url().default('https://api.weixin.qq.com'),
  WECHAT_TIMEOUT_MS: z.coerce.number().int().min(100).max(60000).default(5000),
  XQ_DEV_LOGIN: flag,
  XQ_SEED_DEMO: flag,
  XQ_STATIC_DIR: z.string().optional(),
  XQ_BODY_LIMIT_KB: z.coerce.number().int().min(1).max(10240).default(64),
  XQ_TRUST_PROXY: z
    .enum(['', '0', '1', '2', '3', 'true', 'false', 'yes', 'no'], { message: 'XQ_TRUST_PROXY 须为 0–3（可信代理的层数）或 1/true/yes' })
    .optional()
    .transform((v) => (v === 'true' || v === 'yes' ? 1 : v === undefined || v === 'false' || v === 'no' ? 0 : Number(v))),
  XQ_JOBS_INTERVAL_SECONDS: z.coerce.number().int().min(5).max(3600).default(60),
  XQ_LESSON_COMPLETE_RATIO: z.coerce.number().min(0.5).max(1).default(0.9),
  XQ_QUIZ_MAX_FAILS: z.coerce.number().int().min(1).max(20).default(3),
  XQ_QUIZ_COOLDOWN_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(30),
  XQ_MEDIA_MAX_MB: z.coerce.number().min(0.1).max(200).default(30),
  WECHAT_TMPL_SIGNUP_RESULT: z.string().min(1).default('dev-tmpl-signup-result'),
  WECHAT_TMPL_EVENT_REMINDER: z.string().min(1).default('dev-tmpl-event-reminder'),
  WECHAT_TMPL_EVENT_CANCELLED: z.string().min(1).default('dev-tmpl-event-cancelled'),
  XQ_EVENT_REMINDER_HOURS: z.coerce.number().int().min(1).max(72).default(24),
  XQ_WAITLIST_OFFER_HOURS: z.coerce.number().int().min(1).max(72).default(12),
  XQ_NOTICE_MASTER_KEYS: z.string().min(1).optional(),
  XQ_NOTICE_HMAC_KEY: z.string().regex(/^[A-Za-z0-9+/=]{44,}$/, 'XQ_NOTICE_HMAC_KEY 须为至少 32 字节的 base64').optional(),
  XQ_BINDING_PHONE_CHECK: z.enum(['1', '0', 'true', 'false', 'yes', 'no']).optional(),
  XQ_AUDIT_CHECKPOINT_FILE: z.string().min(1).optional(),
  XQ_AUDIT_CHECKPOINT_MINUTES: z.coerce.number().int().min(1).max(1440).default(10),
  WECHAT_TMPL_NOTICE: z.string().min(1).default('dev-tmpl-school-notice'),
  XQ_PRINT_FONT: z.string().min(1).default('/usr/share/fonts/truetype/wqy/wqy-microhei.ttc'),
  XQ_PRINT_FONT_FACE: z.string().min(1).default('WenQuanYiMicroHei'),
  XQ_PUBLIC_URL: z.string().url().optional(),
});

/** Reads and validates configuration from an environment (process.env by default). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`配置有误：\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const production = !DEVELOPMENT_ENVS.includes(e.NODE_ENV ?? '');
  if (production) {
    const missing: string[] = [];
    if (!e.XQ_SESSION_SECRET) missing.push('XQ_SESSION_SECRET');
    if (!e.WECHAT_APPID) missing.push('WECHAT_APPID');
    if (!e.WECHAT_SECRET) missing.push('WECHAT_SECRET');
    if (!e.DATABASE_URL) missing.push('DATABASE_URL');
    if (!e.XQ_NOTICE_MASTER_KEYS) missing.push('XQ_NOTICE_MASTER_KEYS');
    if (!e.XQ_NOTICE_HMAC_KEY) missing.push('XQ_NOTICE_HMAC_KEY');
    if (!e.XQ_AUDIT_CHECKPOINT_FILE) missing.push('XQ_AUDIT_CHECKPOINT_FILE');
    if (missing.length) throw new ConfigError(`生产环境缺少必需的配置：${missing.join(', ')}`);
    const defaults = developmentDefaultsIn(e);
    if (defaults.length) throw new ConfigError(`生产环境不能使用开发用的公开默认值：${defaults.join(', ')}（请生成新的密钥）`);
    if (e.XQ_DEV_LOGIN) throw new ConfigError('生产环境禁止开启开发登录（XQ_DEV_LOGIN）');
    if (e.XQ_SEED_DEMO) throw new ConfigError('生产环境禁止写入演示数据（XQ_SEED_DEMO）');
    if (e.XQ_BINDING_PHONE_CHECK && !['1', 'true', 'yes'].includes(e.XQ_BINDING_PHONE_CHECK)) throw new ConfigError('生产环境必须核对监护人手机号（XQ_BINDING_PHONE_CHECK）');
  }
  const master = parseMasterKeys(e.XQ_NOTICE_MASTER_KEYS ?? DEV_MASTER_KEYS);
  const phoneCheck = e.XQ_BINDING_PHONE_CHECK === undefined ? production : ['1', 'true', 'yes'].includes(e.XQ_BINDING_PHONE_CHECK);
  return {
    production,
    port: e.PORT,
    databaseUrl: e.DATABASE_URL ?? null,
    transactionPooler: e.XQ_PG_TRANSACTION_POOLER,
    pgliteDir: path.resolve(cwd, e.PGLITE_DIR ?? '.data/pglite'),
    sessionSecret: e.XQ_SESSION_SECRET ?? DEV_SECRET,
    sessionTtlHours: e.XQ_SESSION_TTL_HOURS,
    wechat: {
      appId: e.WECHAT_APPID ?? null,
      secret: e.WECHAT_SECRET ?? null,
      apiBase: e.WECHAT_API_BASE.replace(/\/+$/, ''),
      timeoutMs: e.WECHAT_TIMEOUT_MS,
    },
    devLogin: e.XQ_DEV_LOGIN,
    seedDemo: e.XQ_SEED_DEMO,
    staticDir: e.XQ_STATIC_DIR === '' ? null : path.resolve(cwd, e.XQ_STATIC_DIR ?? 'dist/h5'),
    bodyLimitBytes: e.XQ_BODY_LIMIT_KB * 1024,
    trustedProxies: e.XQ_TRUST_PROXY,
    jobsIntervalSeconds: e.XQ_JOBS_INTERVAL_SECONDS,
    privacyVersion: PRIVACY_VERSION,
    lessonCompleteRatio: e.XQ_LESSON_COMPLETE_RATIO,
    quiz: { maxFails: e.XQ_QUIZ_MAX_FAILS, cooldownMinutes: e.XQ_QUIZ_COOLDOWN_MINUTES },
    mediaMaxBytes: Math.round(e.XQ_MEDIA_MAX_MB * 1024 * 1024),
    events: {
      templates: { signup_result: e.WECHAT_TMPL_SIGNUP_RESULT, event_reminder: e.WECHAT_TMPL_EVENT_REMINDER, event_cancelled: e.WECHAT_TMPL_EVENT_CANCELLED },
      reminderHours: e.XQ_EVENT_REMINDER_HOURS,
      offerHours: e.XQ_WAITLIST_OFFER_HOURS,
    },
    notices: {
      masterKeys: master.keys,
      currentKeyId: master.current,
      hmacKey: Buffer.from(e.XQ_NOTICE_HMAC_KEY ?? DEV_HMAC_KEY, 'base64'),
      requirePhoneMatch: phoneCheck,
      templateId: e.WECHAT_TMPL_NOTICE,
      checkpointFile: path.resolve(cwd, e.XQ_AUDIT_CHECKPOINT_FILE ?? '.data/audit-checkpoints.jsonl'),
      checkpointMinutes: e.XQ_AUDIT_CHECKPOINT_MINUTES,
    },
    print: { fontFile: path.resolve(cwd, e.XQ_PRINT_FONT), fontFace: e.XQ_PRINT_FONT_FACE, publicUrl: e.XQ_PUBLIC_URL ? e.XQ_PUBLIC_URL.replace(/\/+$/, '') : null },
  };
}

/** The version of the privacy guide in force; bump it when the guide's text changes. */
export const PRIVACY_VERSION = '2026.12';
