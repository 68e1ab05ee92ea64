import type { NoticeSettingsInput } from '../../types';
import type { Database } from '../../src/server/storage/db';
import { testApp, type TestApp } from '../helpers/app';
import { freshDb, scratchPostgres } from '../helpers/db';

const drivers: [string, () => Promise<Database | null>, jest.Describe][] = [
  ['PGlite', freshDb, describe],
  ['PostgreSQL', () => scratchPostgres(4), process.env.DATABASE_URL ? describe : describe.skip],
];

describe.each(drivers)('a school\'s notice settings, on %s', (_driver, open, run) => {
  run('who may change them, and the audit of each change', () => {
    let t: TestApp;
    let db: Database;
    const tok: Record<string, string> = {};
    let yuying: string;
    let shiyan: string;
    const path = (school: string) => `/api/schools/${school}/notice-settings`;
    const current = async (school: string): Promise<NoticeSettingsInput> => {
      const { schoolId: _id, schoolName: _name, canEdit: _edit, ...s } = (await t.call('GET', path(school), { token: tok.admin })).body;
      return s as NoticeSettingsInput;
    };
    const audit = () => db.query<{ action: string; actor_id: string | null; subject_id: string | null; notice_id: string | null; details: Record<string, unknown> }>(
      `SELECT action, actor_id, subject_id, notice_id, details FROM audit_log WHERE action = 'settings_changed' ORDER BY seq`,
    );
    const userId = async (identity: string) => (await db.query<{ id: string }>('SELECT id FROM users WHERE dev_identity = $1', [identity]))[0]!.id;

    beforeAll(async () => {
      db = (await open())!;
      t = await testApp({ db });
      for (const who of ['leader', 'psychologist', 'head_teacher', 'admin']) tok[who] = await t.login(who);
      const schools = await db.query<{ id: string; name: string }>(`SELECT id, name FROM schools WHERE name IN ('小店区育英小学', '小店区第二实验中学')`);
      yuying = schools.find((s) => s.name === '小店区育英小学')!.id;
      shiyan = schools.find((s) => s.name !== '小店区育英小学')!.id;
    });
    afterAll(() => db.close());

    test('a platform administrator may read a school\'s settings but not turn approval off (nor change anything else)', async () => {
      const before = await current(yuying);
      expect(before.requireApproval).toBe(true);
      expect((await t.call('GET', path(yuying), { token: tok.admin })).body.canEdit).toBe(false);
      const off = await t.call('PUT', path(yuying), { token: tok.admin, body: { ...before, requireApproval: false } });
      expect(off.status).toBe(403);
      expect(off.body.error).toMatchObject({ code: 'FORBIDDEN', message: '告知书设置由本校学校领导决定，平台管理员只能查看' });
      const longer = await t.call('PUT', path(yuying), { token: tok.admin, body: { ...before, retentionDays: 3650 } });
      expect(longer.status).toBe(403);
      expect(await current(yuying)).toEqual(before);
      expect(await audit()).toEqual([]);
    });

    test('staff of another school learn nothing: its settings, drafts, pupils and notice board answer exactly as a school that does not exist', async () => {
      const missing = '00000000-0000-4000-8000-000000000000';
      for (const tail of ['notice-settings', 'notice-drafts', 'students', 'notice-board']) {
        const stranger = await t.call('GET', `/api/schools/${shiyan}/${tail}`, { token: tok.psychologist });
        const none = await t.call('GET', `/api/schools/${missing}/${tail}`, { token: tok.psychologist });
        expect([tail, stranger.status, stranger.body.error?.message]).toEqual([tail, 404, '学校不存在']);
        expect([tail, none.status, none.body.error?.message]).toEqual([tail, 404, '学校不存在']);
      }
    });

    test('psychology teachers, 班主任 and a leader of another school may not change them', async () => {
      const before = await current(yuying);
      for (const who of ['psychologist', 'head_teacher']) {
        const res = await t.call('PUT', path(yuying), { token: tok[who], body: { ...before, requireApproval: false } });
        expect(res.status).toBe(403);
        expect(res.body.error).toMatchObject({ code: 'FORBIDDEN', message: '只有本校学校领导可以修改告知书设置' });
        expect((await t.call('GET', path(yuying), { token: tok[who] })).body.canEdit).toBe(false);
      }
      expect((await t.call('PUT', path(shiyan), { token: tok.leader, body: { ...before, requireApproval: false } })).status).toBe(403);
      expect(await current(yuying)).toEqual(before);
      expect(await audit()).toEqual([]);
    });

    test('the school\'s leader turns approval off; the audit holds the change with before and after values, and no other field', async () => {
      const before = await current(yuying);
      expect((await t.call('GET', path(yuying), { token: tok.leader })).body.canEdit).toBe(true);
      const off = await t.call('PUT', path(yuying), { token: tok.leader, body: { ...before, requireApproval: false } });
      expect(off.status).toBe(200);
      expect(off.body).toMatchObject({ requireApproval: false, canEdit: true });
      expect(await audit()).toEqual([{
        action: 'settings_changed', actor_id: await userId('leader'), subject_id: yuying, notice_id: null,
        details: { 'requireApproval.before': true, 'requireApproval.after': false },
      }]);
    });

    test('every field changed is audited, the ladder and retention with numbers, the institutions as they were and are; an unchanged save writes nothing', async () => {
      const before = await current(yuying);
      const institutions = [...before.institutions, { name: '山西省儿童医院心理科（演示）', phone: '0351-0000302', address: '太原市示例街 2 号' }];
      const changed = await t.call('PUT', path(yuying), { token: tok.leader, body: { ...before, requireApproval: true, unreadHours: 12, headTeacherHours: 36, leaderHours: 60, retentionDays: 180, institutions } });
      expect(changed.status).toBe(200);
      const entries = await audit();
      expect(entries).toHaveLength(2);
      expect(entries[1]!.details).toEqual({
        'requireApproval.before': false, 'requireApproval.after': true,
        'unreadHours.before': 24, 'unreadHours.after': 12,
        'headTeacherHours.before': 48, 'headTeacherHours.after': 36,
        'leaderHours.before': 72, 'leaderHours.after': 60,
        'retentionDays.before': 365, 'retentionDays.after': 180,
        'institutions.before': JSON.stringify(before.institutions), 'institutions.after': JSON.stringify(institutions),
      });
      expect((await t.call('PUT', path(yuying), { token: tok.leader, body: await current(yuying) })).status).toBe(200);
      expect(await audit()).toHaveLength(2);
      const verified = await t.call('GET', '/api/admin/audit/verify', { token: tok.admin });
      expect(verified.body).toMatchObject({ ok: true, checked: 2 });
    });

    test('a school that never saved its settings gets its first change audited against the defaults', async () => {
      const [saved] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM school_notice_settings WHERE school_id = $1`, [shiyan]);
      expect(saved!.n).toBe(0);
      await db.query(
        `INSERT INTO role_grants (user_id, role, scope_type, scope_id) VALUES ($1, 'school_leader', 'school', $2)`,
        [await userId('leader'), shiyan],
      );
      const defaults = await current(shiyan);
      const res = await t.call('PUT', path(shiyan), { token: tok.leader, body: { ...defaults, requireApproval: true } });
      expect(res.status).toBe(200);
      expect((await audit()).at(-1)).toMatchObject({ subject_id: shiyan, details: { 'requireApproval.before': false, 'requireApproval.after': true } });
    });
  });
});
