import { ConfigError, loadConfig } from '../../src/server/env';

const PROD = {
  NODE_ENV: 'production',
  XQ_SESSION_SECRET: 's'.repeat(40),
  WECHAT_APPID: 'wx123',
  WECHAT_SECRET: 'secret',
  DATABASE_URL: 'postgres://u:p@db.internal:5432/xinqiao',
  XQ_NOTICE_MASTER_KEYS: 'k2026:uKTWIXBON7mOZVU7rwN/6aYtGudjRrrL4bRGPHQp6/w=',
  XQ_NOTICE_HMAC_KEY: 'Wf5t7Sr6CZ2zrLf2cRX7fMCvO3gRHSt42w8Sdc1WjJQ=',
  XQ_AUDIT_CHECKPOINT_FILE: '/mnt/audit-anchor/xinqiao/checkpoints.jsonl',
};

/** The public development defaults (from src/server/env.ts), as an operator might copy them into production. */
const DEV = {
  XQ_SESSION_SECRET: 'xinqiao-development-secret-not-for-production-use',
  XQ_NOTICE_MASTER_KEYS: 'dev-1:eGlucWlhby1kZXYtbm90aWNlLW1hc3Rlci1rZXkhISE=',
  XQ_NOTICE_HMAC_KEY: 'eGlucWlhby1kZXYtYXVkaXQtaG1hYy1rZXktb25seSEh',
};

describe('configuration', () => {
  test('development defaults: port 8787, embedded PGlite under .data, dev login off unless enabled', () => {
    const c = loadConfig({}, '/srv/app');
    expect(c).toMatchObject({ production: false, port: 8787, databaseUrl: null, pgliteDir: '/srv/app/.data/pglite', devLogin: false, seedDemo: false, staticDir: '/srv/app/dist/h5' });
    expect(loadConfig({ XQ_DEV_LOGIN: '1', PORT: '9000' }).devLogin).toBe(true);
  });

  test('production refuses to start without its secrets, and names them', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(ConfigError);
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow('XQ_SESSION_SECRET, WECHAT_APPID, WECHAT_SECRET, DATABASE_URL, XQ_NOTICE_MASTER_KEYS, XQ_NOTICE_HMAC_KEY, XQ_AUDIT_CHECKPOINT_FILE');
    expect(loadConfig(PROD).production).toBe(true);
  });

  test('any NODE_ENV but unset, empty, development or test gets the production checks', () => {
    for (const dev of [undefined, '', 'development', 'test']) {
      const env = dev === undefined ? { XQ_DEV_LOGIN: '1' } : { NODE_ENV: dev, XQ_DEV_LOGIN: '1' };
      expect(loadConfig(env)).toMatchObject({ production: false, devLogin: true });
    }
    for (const value of ['production', 'Production', 'PRODUCTION', 'prod', 'production ', ' production', 'staging', 'Development', 'development ']) {
      expect(() => loadConfig({ NODE_ENV: value, XQ_DEV_LOGIN: '1' })).toThrow('生产环境缺少必需的配置');
      expect(() => loadConfig({ ...PROD, NODE_ENV: value, XQ_DEV_LOGIN: '1' })).toThrow('生产环境禁止开启开发登录');
      expect(loadConfig({ ...PROD, NODE_ENV: value })).toMatchObject({ production: true, devLogin: false });
    }
  });

  test('production refuses each public development default, also in another spelling of the same key bytes', () => {
    expect(() => loadConfig({ ...PROD, XQ_SESSION_SECRET: DEV.XQ_SESSION_SECRET })).toThrow('生产环境不能使用开发用的公开默认值：XQ_SESSION_SECRET');
    expect(() => loadConfig({ ...PROD, XQ_NOTICE_MASTER_KEYS: DEV.XQ_NOTICE_MASTER_KEYS })).toThrow('生产环境不能使用开发用的公开默认值：XQ_NOTICE_MASTER_KEYS');
    const devMasterBytes = DEV.XQ_NOTICE_MASTER_KEYS.split(':')[1] as string;
    expect(() => loadConfig({ ...PROD, XQ_NOTICE_MASTER_KEYS: `${PROD.XQ_NOTICE_MASTER_KEYS},old:${devMasterBytes}` })).toThrow('XQ_NOTICE_MASTER_KEYS');
    expect(() => loadConfig({ ...PROD, XQ_NOTICE_HMAC_KEY: DEV.XQ_NOTICE_HMAC_KEY })).toThrow('生产环境不能使用开发用的公开默认值：XQ_NOTICE_HMAC_KEY');
    expect(() => loadConfig({ ...PROD, XQ_NOTICE_HMAC_KEY: `${DEV.XQ_NOTICE_HMAC_KEY}=` })).toThrow('XQ_NOTICE_HMAC_KEY');
    expect(() => loadConfig({ ...PROD, ...DEV })).toThrow('XQ_SESSION_SECRET, XQ_NOTICE_MASTER_KEYS, XQ_NOTICE_HMAC_KEY');
    expect(() => loadConfig({ ...PROD, NODE_ENV: 'prod', ...DEV })).toThrow('生产环境不能使用开发用的公开默认值');
    expect(loadConfig({ ...DEV }).production).toBe(false);
  });

  test('the audit checkpoints: a file under .data in development, the explicit path in production, every 10 minutes by default', () => {
    expect(loadConfig({}, '/srv/app').notices).toMatchObject({ checkpointFile: '/srv/app/.data/audit-checkpoints.jsonl', checkpointMinutes: 10 });
    expect(loadConfig({ ...PROD, XQ_AUDIT_CHECKPOINT_MINUTES: '5' }).notices).toMatchObject({ checkpointFile: PROD.XQ_AUDIT_CHECKPOINT_FILE, checkpointMinutes: 5 });
    const { XQ_AUDIT_CHECKPOINT_FILE: _file, ...noFile } = PROD;
    expect(() => loadConfig(noFile)).toThrow('生产环境缺少必需的配置：XQ_AUDIT_CHECKPOINT_FILE');
    expect(() => loadConfig({ XQ_AUDIT_CHECKPOINT_MINUTES: '0' })).toThrow(/XQ_AUDIT_CHECKPOINT_MINUTES/);
  });

  test('production refuses the development login and demo data', () => {
    expect(() => loadConfig({ ...PROD, XQ_DEV_LOGIN: '1' })).toThrow('生产环境禁止开启开发登录');
    expect(() => loadConfig({ ...PROD, XQ_SEED_DEMO: 'true' })).toThrow('生产环境禁止写入演示数据');
  });

  test('malformed values are refused with the variable named', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ XQ_SESSION_SECRET: 'short' })).toThrow(/XQ_SESSION_SECRET/);
    expect(() => loadConfig({ XQ_DEV_LOGIN: 'maybe' })).toThrow(/XQ_DEV_LOGIN/);
    expect(() => loadConfig({ XQ_NOTICE_MASTER_KEYS: 'k1:c2hvcnQ=' })).toThrow(/XQ_NOTICE_MASTER_KEYS/);
  });

  test('notice keys: the first master key wraps new data keys, older ones still unwrap; production always checks the phone', () => {
    const c = loadConfig({ ...PROD, XQ_NOTICE_MASTER_KEYS: `${PROD.XQ_NOTICE_MASTER_KEYS}, k2025:${Buffer.alloc(32, 7).toString('base64')}` });
    expect(c.notices.currentKeyId).toBe('k2026');
    expect([...c.notices.masterKeys.keys()]).toEqual(['k2026', 'k2025']);
    expect(c.notices.requirePhoneMatch).toBe(true);
    expect(loadConfig({}).notices.requirePhoneMatch).toBe(false);
    expect(loadConfig({ XQ_BINDING_PHONE_CHECK: '1' }).notices.requirePhoneMatch).toBe(true);
    expect(() => loadConfig({ ...PROD, XQ_BINDING_PHONE_CHECK: '0' })).toThrow('生产环境必须核对监护人手机号');
  });
});
