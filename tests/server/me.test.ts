import { testApp, type TestApp } from '../helpers/app';

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
});
afterAll(() => t.close());

describe('我的: the caller sees themselves, from the server session', () => {
  test('a parent sees their two bound children with school, class, stage and relation', async () => {
    const token = await t.login('parent');
    const me = await t.call('GET', '/api/me', { token });
    expect(me.body.user.displayName).toBe('张敏');
    expect(me.body.roles).toEqual([]);
    expect(me.body.children).toEqual([
      expect.objectContaining({ name: '李子涵', schoolName: '小店区育英小学', grade: '五年级', className: '2班', stage: 'primary', relation: 'mother' }),
      expect.objectContaining({ name: '李子轩', schoolName: '小店区第二实验中学', grade: '初二', className: '3班', stage: 'junior', relation: 'mother' }),
    ]);
  });

  test('a psychology teacher sees their role and school, and no children', async () => {
    const me = await t.call('GET', '/api/me', { token: await t.login('psychologist') });
    expect(me.body.roles).toEqual([expect.objectContaining({ role: 'school_psychologist', scopeType: 'school', scopeName: '小店区育英小学' })]);
    expect(me.body.children).toEqual([]);
  });

  test('a user id in the query or body is ignored: identity comes from the token', async () => {
    const parent = await t.login('parent');
    const adminId = (await t.db.query<{ id: string }>("SELECT id FROM users WHERE dev_identity = 'admin'"))[0].id;
    const me = await t.call('GET', `/api/me?userId=${adminId}`, { token: parent });
    expect(me.body.user.displayName).toBe('张敏');
    const renamed = await t.call('PUT', '/api/me/profile', { token: parent, body: { displayName: '张敏妈妈', id: adminId } });
    expect(renamed.body.user.displayName).toBe('张敏妈妈');
    const admin = await t.call('GET', '/api/me', { token: await t.login('admin') });
    expect(admin.body.user.displayName).toBe('平台管理员');
  });

  test('a display name is validated: blank, too long, or with control characters is refused', async () => {
    const token = await t.login('psychologist');
    for (const displayName of ['   ', '名'.repeat(21), 'a<script>', 'x\u0007y']) {
      const res = await t.call('PUT', '/api/me/profile', { token, body: { displayName } });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    }
    expect((await t.call('GET', '/api/me', { token })).body.user.displayName).toBe('王静');
  });
});

describe('the privacy guide and its agreement', () => {
  test('the guide is public, versioned, and says what is collected, why and for how long', async () => {
    const res = await t.call('GET', '/api/privacy');
    expect(res.body.version).toBe('2026.12');
    const text = JSON.stringify(res.body);
    for (const words of ['收集', '保存多久', '敏感个人信息', '单独同意', '妇联', '少于 5']) expect(text).toContain(words);
  });

  test('a newcomer must agree before personal data is collected; the agreement is recorded with its version', async () => {
    const token = await t.login('newcomer');
    const before = await t.call('GET', '/api/me', { token });
    expect(before.body.privacy).toEqual({ currentVersion: '2026.12', agreedVersion: null, agreedAt: null });
    const refused = await t.call('PUT', '/api/me/profile', { token, body: { displayName: '小明爸爸' } });
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({ code: 'PRIVACY_CONSENT_REQUIRED', message: '请先阅读并同意隐私保护指引' });

    const stale = await t.call('POST', '/api/me/privacy-consent', { token, body: { version: '2025.01' } });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('PRIVACY_VERSION_MISMATCH');

    const agreed = await t.call('POST', '/api/me/privacy-consent', { token, body: { version: '2026.12' } });
    expect(agreed.body.privacy).toEqual({ currentVersion: '2026.12', agreedVersion: '2026.12', agreedAt: '2026-11-23T08:00:00.000Z' });
    const twice = await t.call('POST', '/api/me/privacy-consent', { token, body: { version: '2026.12' } });
    expect(twice.status).toBe(200);
    const rows = await t.db.query<{ version: string }>("SELECT version FROM privacy_consents c JOIN users u ON u.id = c.user_id WHERE u.dev_identity = 'newcomer'");
    expect(rows).toEqual([{ version: '2026.12' }]);
    expect((await t.call('PUT', '/api/me/profile', { token, body: { displayName: '小明爸爸' } })).body.user.displayName).toBe('小明爸爸');
  });
});
