import { ConfigError, loadConfig } from '../../src/server/env';

const PROD = {
  NODE_ENV: 'production',
  XQ_SESSION_SECRET: 's'.repeat(40),
  WECHAT_APPID: 'wx123',
  WECHAT_SECRET: 'secret',
  DATABASE_URL: 'postgres://u:p@db.internal:5432/xinqiao',
};

describe('configuration', () => {
  test('development defaults: port 8787, embedded PGlite under .data, dev login off unless enabled', () => {
    const c = loadConfig({}, '/srv/app');
    expect(c).toMatchObject({ production: false, port: 8787, databaseUrl: null, pgliteDir: '/srv/app/.data/pglite', devLogin: false, seedDemo: false, staticDir: '/srv/app/dist/h5' });
    expect(loadConfig({ XQ_DEV_LOGIN: '1', PORT: '9000' }).devLogin).toBe(true);
  });

  test('production refuses to start without its secrets, and names them', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(ConfigError);
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow('XQ_SESSION_SECRET, WECHAT_APPID, WECHAT_SECRET, DATABASE_URL');
    expect(loadConfig(PROD).production).toBe(true);
  });

  test('production refuses the development login and demo data', () => {
    expect(() => loadConfig({ ...PROD, XQ_DEV_LOGIN: '1' })).toThrow('生产环境禁止开启开发登录');
    expect(() => loadConfig({ ...PROD, XQ_SEED_DEMO: 'true' })).toThrow('生产环境禁止写入演示数据');
  });

  test('malformed values are refused with the variable named', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ XQ_SESSION_SECRET: 'short' })).toThrow(/XQ_SESSION_SECRET/);
    expect(() => loadConfig({ XQ_DEV_LOGIN: 'maybe' })).toThrow(/XQ_DEV_LOGIN/);
  });
});
