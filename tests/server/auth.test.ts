import { SignJWT } from 'jose';
import { createLogger } from '../../src/server/log';
import { testApp, type TestApp } from '../helpers/app';
import { startWeChatFake, type WeChatFake } from '../helpers/wechat-fake';

let fake: WeChatFake;
let t: TestApp;
const logs: string[] = [];

beforeAll(async () => {
  fake = await startWeChatFake();
  t = await testApp({ wechatBase: fake.url, log: createLogger((line) => logs.push(line)) });
});
afterAll(async () => {
  await t.close();
  await fake.close();
});
beforeEach(() => {
  fake.mode = 'ok';
});

describe('WeChat login through code2Session', () => {
  test('a valid code creates the user once and returns a working token; session_key never leaves the server', async () => {
    const first = await t.call('POST', '/api/auth/login', { body: { code: 'good-alice' } });
    expect(first.status).toBe(200);
    expect(first.body.me.user.displayName).toBe('微信用户');
    expect(first.body.me.roles).toEqual([]);
    expect(first.body.me.privacy).toEqual({ currentVersion: '2026.11', agreedVersion: null, agreedAt: null });
    expect(JSON.stringify(first.body)).not.toContain('sk-alice');
    expect(JSON.stringify(first.body)).not.toContain('o-alice');
    const call = fake.calls.at(-1)!;
    expect(call.path).toBe('/sns/jscode2session');
    expect(call.query).toMatchObject({ appid: 'wx-fake-appid', js_code: 'good-alice', grant_type: 'authorization_code' });

    const again = await t.call('POST', '/api/auth/login', { body: { code: 'good-alice' } });
    expect(again.body.me.user.id).toBe(first.body.me.user.id);
    const me = await t.call('GET', '/api/me', { token: again.body.token });
    expect(me.status).toBe(200);
    expect(me.body.user.id).toBe(first.body.me.user.id);

    const [row] = await t.db.query<{ session_key: string }>(
      "SELECT s.session_key FROM auth_sessions s JOIN users u ON u.id = s.user_id WHERE u.openid = 'o-alice' LIMIT 1",
    );
    expect(row.session_key).toBe('sk-alice-secret');
    expect(logs.join('\n')).not.toMatch(/sk-alice|o-alice|good-alice|eyJ/);
  });

  test('an invalid code is refused with WECHAT_LOGIN_FAILED and creates nobody', async () => {
    const [{ n: before }] = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM users');
    const res = await t.call('POST', '/api/auth/login', { body: { code: 'stolen-code' } });
    expect(res.status).toBe(401);
    expect(res.body.error).toMatchObject({ code: 'WECHAT_LOGIN_FAILED', message: '微信登录失败，请重新进入小程序' });
    const [{ n: after }] = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM users');
    expect(after).toBe(before);
  });

  test('WeChat busy or unreachable answers 502 WECHAT_UNAVAILABLE', async () => {
    fake.mode = 'busy';
    expect((await t.call('POST', '/api/auth/login', { body: { code: 'good-bob' } })).body.error.code).toBe('WECHAT_UNAVAILABLE');
    fake.mode = 'down';
    const res = await t.call('POST', '/api/auth/login', { body: { code: 'good-bob' } });
    expect(res.status).toBe(502);
    expect(res.body.error.code).toBe('WECHAT_UNAVAILABLE');
  });
});

describe('tokens', () => {
  test('no token, a forged token, a token signed with another secret are refused', async () => {
    expect((await t.call('GET', '/api/me')).body.error.code).toBe('UNAUTHENTICATED');
    expect((await t.call('GET', '/api/me', { token: 'not-a-jwt' })).body.error.code).toBe('TOKEN_INVALID');
    const token = await t.login('parent');
    const [h, p] = token.split('.');
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
    const admin = (await t.db.query<{ id: string }>("SELECT id FROM users WHERE dev_identity = 'admin'"))[0].id;
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...claims, sub: admin })).toString('base64url')}.${token.split('.')[2]}`;
    const res = await t.call('GET', '/api/me', { token: tampered });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('TOKEN_INVALID');
    const otherSecret = await new SignJWT({ sid: claims.sid })
      .setProtectedHeader({ alg: 'HS256' }).setSubject(admin).setIssuer('xinqiao').setAudience('xinqiao-api').setExpirationTime('1h')
      .sign(new TextEncoder().encode('x'.repeat(48)));
    expect((await t.call('GET', '/api/me', { token: otherSecret })).body.error.code).toBe('TOKEN_INVALID');
    const none = `${Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url')}.${p}.`;
    expect((await t.call('GET', '/api/me', { token: none })).body.error.code).toBe('TOKEN_INVALID');
  });

  test('a token expires after the session lifetime (7 days by default)', async () => {
    t.setNow(new Date('2026-11-23T08:00:00Z'));
    const token = await t.login('parent');
    t.setNow(new Date('2026-11-30T07:59:00Z'));
    expect((await t.call('GET', '/api/me', { token })).status).toBe(200);
    t.setNow(new Date('2026-11-30T08:00:01Z'));
    const res = await t.call('GET', '/api/me', { token });
    expect(res.status).toBe(401);
    expect(res.body.error).toMatchObject({ code: 'TOKEN_EXPIRED', message: '登录已过期，请重新登录' });
    t.setNow(new Date('2026-11-23T08:00:00Z'));
  });

  test('logout revokes the token at once', async () => {
    const token = await t.login('parent');
    expect((await t.call('POST', '/api/auth/logout', { token })).body).toEqual({ ok: true });
    expect((await t.call('GET', '/api/me', { token })).body.error.code).toBe('TOKEN_INVALID');
  });
});

describe('development login', () => {
  test('lists the demo identities, one per role, and logs in as one', async () => {
    const list = await t.call('GET', '/api/auth/dev-identities');
    expect(list.body.identities.map((i: { key: string }) => i.key)).toEqual(['parent', 'psychologist', 'head_teacher', 'leader', 'station', 'federation', 'admin', 'newcomer', 'parent2', 'parent3']);
    const token = await t.login('federation');
    const me = await t.call('GET', '/api/me', { token });
    expect(me.body.roles).toEqual([expect.objectContaining({ role: 'federation_staff', scopeType: 'region', scopeName: '太原市' })]);
  });

  test('an unknown identity is NOT_FOUND', async () => {
    const res = await t.call('POST', '/api/auth/dev-login', { body: { identity: 'root' } });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
  });

  test('without XQ_DEV_LOGIN the development login does not exist', async () => {
    const closed = await testApp({ env: { XQ_DEV_LOGIN: '0' } });
    try {
      for (const [method, path, body] of [['GET', '/api/auth/dev-identities', undefined], ['POST', '/api/auth/dev-login', { identity: 'admin' }]] as const) {
        const res = await closed.call(method, path, { body });
        expect(res.status).toBe(404);
        expect(res.body.error.code).toBe('DEV_LOGIN_DISABLED');
      }
      const [{ n }] = await closed.db.query<{ n: number }>('SELECT count(*)::int AS n FROM auth_sessions');
      expect(n).toBe(0);
    } finally {
      await closed.close();
    }
  });
});
