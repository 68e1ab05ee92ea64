import { testApp, type TestApp } from '../helpers/app';
import { startWeChatFake, type WeChatFake } from '../helpers/wechat-fake';

let fake: WeChatFake;
let t: TestApp;
let admin: string;
let ids: { school: string; otherSchool: string; station: string; taiyuan: string; xiaodian: string; datong: string };

async function newUser(name: string): Promise<string> {
  const res = await t.call('POST', '/api/auth/login', { body: { code: `good-${name}` } });
  const token = res.body.token as string;
  await t.call('POST', '/api/me/privacy-consent', { token, body: { version: '2026.12' } });
  return token;
}

beforeAll(async () => {
  fake = await startWeChatFake();
  t = await testApp({ wechatBase: fake.url });
  admin = await t.login('admin');
  const id = async (sql: string) => (await t.db.query<{ id: string }>(sql))[0].id;
  ids = {
    school: await id("SELECT id FROM schools WHERE name = '小店区育英小学'"),
    otherSchool: await id("SELECT id FROM schools WHERE name = '杏花岭区明德中学'"),
    station: await id("SELECT id FROM stations WHERE name = '坞城街道家庭教育指导服务站'"),
    taiyuan: await id("SELECT id FROM regions WHERE code = '140100'"),
    xiaodian: await id("SELECT id FROM regions WHERE code = '140105'"),
    datong: await id("SELECT id FROM regions WHERE code = '140200'"),
  };
});
afterAll(async () => {
  await t.close();
  await fake.close();
});

describe('invitation codes', () => {
  test('an admin invites a psychology teacher; the invitee redeems once and holds the role', async () => {
    const created = await t.call('POST', '/api/invitations', { token: admin, body: { role: 'school_psychologist', scopeType: 'school', scopeId: ids.school, expiresInDays: 7, note: '新入职心理教师' } });
    expect(created.status).toBe(201);
    expect(created.body.code).toMatch(/^[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}$/);
    expect(created.body.invitation).toMatchObject({ role: 'school_psychologist', scopeName: '小店区育英小学', status: 'open', note: '新入职心理教师' });
    const stored = await t.db.query<{ code_hash: string }>('SELECT code_hash FROM invitations WHERE id = $1', [created.body.invitation.id]);
    expect(stored[0].code_hash).not.toContain(created.body.code.replace('-', ''));

    const teacher = await newUser('teacher1');
    const redeemed = await t.call('POST', '/api/invitations/redeem', { token: teacher, body: { code: created.body.code.toLowerCase().replace('-', ' ') } });
    expect(redeemed.status).toBe(200);
    expect(redeemed.body.roles).toEqual([expect.objectContaining({ role: 'school_psychologist', scopeId: ids.school, scopeName: '小店区育英小学' })]);

    const someoneElse = await newUser('teacher2');
    const reused = await t.call('POST', '/api/invitations/redeem', { token: someoneElse, body: { code: created.body.code } });
    expect(reused.status).toBe(409);
    expect(reused.body.error).toMatchObject({ code: 'INVITATION_USED', message: '该邀请码已被使用' });
    expect((await t.call('GET', '/api/me', { token: someoneElse })).body.roles).toEqual([]);

    const list = await t.call('GET', '/api/invitations', { token: admin });
    expect(list.body.invitations.find((i: { id: string }) => i.id === created.body.invitation.id).status).toBe('used');
    expect(JSON.stringify(list.body)).not.toContain(created.body.code);
  });

  test('two people redeeming the same code at once: exactly one gets the role', async () => {
    const created = await t.call('POST', '/api/invitations', { token: admin, body: { role: 'head_teacher', scopeType: 'school', scopeId: ids.school, expiresInDays: 1 } });
    const a = await newUser('race-a');
    const b = await newUser('race-b');
    const results = await Promise.all([a, b].map((token) => t.call('POST', '/api/invitations/redeem', { token, body: { code: created.body.code } })));
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    const [{ n }] = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM role_grants WHERE invitation_id = $1', [created.body.invitation.id]);
    expect(n).toBe(1);
  });

  test('an expired code is refused with INVITATION_EXPIRED', async () => {
    const created = await t.call('POST', '/api/invitations', { token: admin, body: { role: 'station_staff', scopeType: 'station', scopeId: ids.station, expiresInDays: 1 } });
    const user = await newUser('late');
    t.setNow(new Date('2026-11-24T08:00:01Z'));
    try {
      const res = await t.call('POST', '/api/invitations/redeem', { token: user, body: { code: created.body.code } });
      expect(res.status).toBe(410);
      expect(res.body.error.code).toBe('INVITATION_EXPIRED');
    } finally {
      t.setNow(new Date('2026-11-23T08:00:00Z'));
    }
  });

  test('redeeming needs the privacy agreement first', async () => {
    const created = await t.call('POST', '/api/invitations', { token: admin, body: { role: 'station_staff', scopeType: 'station', scopeId: ids.station, expiresInDays: 3 } });
    const fresh = (await t.call('POST', '/api/auth/login', { body: { code: 'good-noconsent' } })).body.token;
    const res = await t.call('POST', '/api/invitations/redeem', { token: fresh, body: { code: created.body.code } });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('PRIVACY_CONSENT_REQUIRED');
  });

  test('guessing codes: each wrong code is INVITATION_INVALID, and after 10 the user is stopped for an hour', async () => {
    const guesser = await newUser('guesser');
    for (let i = 0; i < 10; i++) {
      const res = await t.call('POST', '/api/invitations/redeem', { token: guesser, body: { code: `ZZZZ-ZZ${String(i).padStart(2, '2').replace(/[01]/g, '3')}` } });
      expect(res.body.error.code).toBe('INVITATION_INVALID');
    }
    const real = await t.call('POST', '/api/invitations', { token: admin, body: { role: 'station_staff', scopeType: 'station', scopeId: ids.station, expiresInDays: 3 } });
    const blocked = await t.call('POST', '/api/invitations/redeem', { token: guesser, body: { code: real.body.code } });
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.code).toBe('TOO_MANY_ATTEMPTS');
    t.setNow(new Date('2026-11-23T09:00:01Z'));
    try {
      expect((await t.call('POST', '/api/invitations/redeem', { token: guesser, body: { code: real.body.code } })).status).toBe(200);
    } finally {
      t.setNow(new Date('2026-11-23T08:00:00Z'));
    }
  });

  test('who may invite whom', async () => {
    const parent = await t.login('parent');
    const leader = await t.login('leader');
    const station = await t.login('station');
    const federation = await t.login('federation');
    const body = (role: string, scopeType: string, scopeId: string | null) => ({ role, scopeType, scopeId, expiresInDays: 7 });
    const expectStatus = async (token: string, b: object, status: number) => expect((await t.call('POST', '/api/invitations', { token, body: b })).status).toBe(status);
    await expectStatus(parent, body('admin', 'platform', null), 403);
    await expectStatus(leader, body('head_teacher', 'school', ids.school), 201);
    await expectStatus(leader, body('head_teacher', 'school', ids.otherSchool), 403);
    await expectStatus(leader, body('school_leader', 'school', ids.school), 403);
    await expectStatus(station, body('station_staff', 'station', ids.station), 201);
    await expectStatus(federation, body('federation_staff', 'region', ids.xiaodian), 201);
    await expectStatus(federation, body('federation_staff', 'region', ids.datong), 403);
    await expectStatus(federation, body('admin', 'platform', null), 403);
    await expectStatus(admin, body('school_psychologist', 'region', ids.taiyuan), 400);
    await expectStatus(admin, body('admin', 'platform', ids.school), 400);
    await expectStatus(admin, body('station_staff', 'station', '00000000-0000-4000-8000-000000000000'), 404);
  });
});
