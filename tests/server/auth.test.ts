import { createHmac } from 'node:crypto';
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
    expect(first.body.me.privacy).toEqual({ currentVersion: '2026.12', agreedVersion: null, agreedAt: null });
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

  describe('interoperability: tokens signed by another JWT library (jose) with the server secret', () => {
    const NOW = new Date('2026-11-23T08:00:00Z');
    const at = Math.floor(NOW.getTime() / 1000);
    let session: { sub: string; sid: string };
    const secret = () => new TextEncoder().encode(t.deps.config.sessionSecret);
    /** A jose token for the parent's real session: iss, aud, sub, sid, iat and exp as the server issues them, unless overridden. */
    const sign = (over: { iss?: string; aud?: string | string[]; sub?: string; nbf?: number; exp?: number; alg?: string } = {}) => {
      const jwt = new SignJWT({ sid: session.sid })
        .setProtectedHeader({ alg: over.alg ?? 'HS256', typ: 'JWT' })
        .setSubject(over.sub ?? session.sub).setIssuer(over.iss ?? 'xinqiao').setAudience(over.aud ?? 'xinqiao-api')
        .setIssuedAt(at).setExpirationTime(over.exp ?? at + 3600);
      if (over.nbf !== undefined) jwt.setNotBefore(over.nbf);
      return jwt.sign(secret());
    };
    const me = (token: string) => t.call('GET', '/api/me', { token });

    beforeAll(async () => {
      t.setNow(NOW);
      const token = await t.login('parent');
      const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());
      session = { sub: claims.sub, sid: claims.sid };
    });
    beforeEach(() => t.setNow(NOW));

    test('a token with the right iss, aud, sub, sid and exp is accepted as the session it names', async () => {
      const res = await me(await sign());
      expect(res.status).toBe(200);
      expect(res.body.user.id).toBe(session.sub);
      expect((await me(await sign({ aud: ['other-api', 'xinqiao-api'] }))).status).toBe(200);
      expect((await me(await sign({ nbf: at - 60 }))).status).toBe(200);
    });

    test('the wrong audience, the wrong issuer, a future nbf, another algorithm or another subject is TOKEN_INVALID', async () => {
      const cases: Record<string, Parameters<typeof sign>[0]> = {
        audience: { aud: 'other-api' },
        audiences: { aud: ['other-api'] },
        issuer: { iss: 'someone-else' },
        nbf: { nbf: at + 600 },
        alg: { alg: 'HS512' },
        subject: { sub: (await t.db.query<{ id: string }>("SELECT id FROM users WHERE dev_identity = 'admin'"))[0]!.id },
      };
      for (const [name, over] of Object.entries(cases)) {
        const res = await me(await sign(over));
        expect({ name, status: res.status, code: res.body.error?.code }).toEqual({ name, status: 401, code: 'TOKEN_INVALID' });
      }
    });

    test('an expired jose token is TOKEN_EXPIRED', async () => {
      const res = await me(await sign({ exp: at - 1 }));
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('TOKEN_EXPIRED');
    });

    test('a token whose payload or header was altered after signing is TOKEN_INVALID', async () => {
      const token = await sign();
      expect((await me(token)).status).toBe(200);
      const [h, p, sig] = token.split('.') as [string, string, string];
      const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
      const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
      const altered = [
        `${h}.${encode({ ...claims, exp: claims.exp + 86_400 * 365 })}.${sig}`,
        `${h}.${encode({ exp: claims.exp, ...claims })}.${sig}`, // the same claims, re-encoded in another key order
        `${h}.${p.slice(0, -2)}${p.slice(-2) === 'AA' ? 'AB' : 'AA'}.${sig}`,
        `${encode({ alg: 'HS256' })}.${p}.${sig}`,
        `${h}.${p}.${sig.slice(0, -1)}`,
      ];
      for (const [i, token] of altered.entries()) {
        const res = await me(token);
        expect({ i, status: res.status, code: res.body.error?.code }).toEqual({ i, status: 401, code: 'TOKEN_INVALID' });
      }
    });

    test('a header naming another algorithm or a critical extension is TOKEN_INVALID even under a valid HS256 MAC', async () => {
      const payload = (await sign()).split('.')[1]!;
      const macd = (header: object) => {
        const input = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${payload}`;
        return `${input}.${createHmac('sha256', t.deps.config.sessionSecret).update(input).digest('base64url')}`;
      };
      expect((await me(macd({ alg: 'HS256', typ: 'JWT' }))).status).toBe(200);
      for (const header of [{ alg: 'HS512', typ: 'JWT' }, { alg: 'none' }, { typ: 'JWT' }, { alg: 'HS256', crit: ['exp'] }]) {
        const res = await me(macd(header));
        expect({ header, status: res.status, code: res.body.error?.code }).toEqual({ header, status: 401, code: 'TOKEN_INVALID' });
      }
    });
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
