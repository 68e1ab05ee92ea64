/**
 * Hardening (issue 13): what users and attackers hit before — the 我的报名 list, malformed cursors, text PostgreSQL
 * cannot store, a tampered notice — on PGlite and, when DATABASE_URL is set, on PostgreSQL (skipped visibly otherwise).
 */
import type { NoticeInput } from '../../types';
import { verifyAudit } from '../../src/server/domain/notices/audit';
import type { Database } from '../../src/server/storage/db';
import { testApp, type TestApp } from '../helpers/app';
import { describeOn, scratchPostgres } from '../helpers/db';

const HOUR = 3_600_000;
const start = new Date('2026-11-23T08:00:00Z');
const later = (hours: number) => new Date(start.getTime() + hours * HOUR).toISOString();
const OBSERVED = '近两周午休时常一个人待在走廊尽头（校验测试）';

for (const driver of ['PGlite', 'PostgreSQL']) {
  describeOn(driver)(`hardening (${driver})`, () => {
    let t: TestApp;
    let pg: Database | null = null;
    const tok: Record<string, string> = {};
    const idOf = async (sql: string, value: string) => (await t.db.query<{ id: string }>(sql, [value]))[0]!.id;
    const count = async (table: string) => (await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0]!.n;

    beforeAll(async () => {
      pg = driver === 'PostgreSQL' ? await scratchPostgres(4) : null;
      t = await testApp(pg ? { db: pg } : {});
      for (const who of ['parent', 'parent2', 'station', 'admin', 'psychologist', 'head_teacher', 'leader']) tok[who] = await t.login(who);
    }, 120_000);
    afterAll(async () => {
      await t?.close();
      await pg?.close();
    });
    beforeEach(() => t.setNow(start));

    test('我的报名 (GET /api/events?scope=mine) lists the sessions I signed up for', async () => {
      const station = await idOf('SELECT id FROM stations WHERE name = $1', '坞城街道家庭教育指导服务站');
      const created = await t.call('POST', '/api/events', {
        token: tok.station,
        body: {
          host: { type: 'station', id: station }, title: '我的报名列表测试讲座', description: '说明', topic: '心理健康教育', mentalHealth: true, speaker: '李红',
          startsAt: later(48), endsAt: later(50), mode: 'onsite', address: '坞城路 96 号', latitude: null, longitude: null, onlineUrl: null, capacity: 10, signupDeadline: later(47),
        },
      });
      expect(created.status).toBe(201);
      const signup = await t.call('POST', `/api/events/${created.body.id}/signup`, { token: tok.parent, body: { companion: false, acceptedTemplates: [] } });
      expect(signup.status).toBe(200);
      const mine = await t.call('GET', '/api/events?scope=mine', { token: tok.parent });
      expect(mine.status).toBe(200);
      expect(mine.body.events.map((e: { title: string }) => e.title)).toContain('我的报名列表测试讲座');
      const someoneElse = await t.call('GET', '/api/events?scope=mine', { token: tok.parent2 });
      expect(someoneElse.status).toBe(200);
      expect(someoneElse.body.events.map((e: { title: string }) => e.title)).not.toContain('我的报名列表测试讲座');
    });

    test('a malformed statements cursor is a field error, never a 500', async () => {
      const forged = (text: string) => Buffer.from(text).toString('base64url');
      const bad = ['0', 'not-a-cursor', forged('x|y'), forged('99999999999999999|00000000-0000-0000-0000-000000000000'.replace('9999999999999999', '9'.repeat(20))),
        forged(`${Date.now()}000|------------------------------------`), forged('2026-11-23T08:00:00.000Z|00000000-0000-0000-0000-000000000000'), '%E0%A4%A'];
      for (const path of ['/api/me/statements', '/api/admin/statements']) {
        for (const after of bad) {
          const res = await t.call('GET', `${path}?after=${encodeURIComponent(after)}`, { token: tok.admin });
          expect({ path, after, status: res.status }).toEqual({ path, after, status: 400 });
          expect(res.body.error.code).toBe('VALIDATION_FAILED');
          expect(res.body.error.details[0].path).toBe('query.after');
        }
      }
    });

    test('paging through every statement with the cursor returns each exactly once (microsecond timestamps)', async () => {
      const total = await count('learning_statements');
      expect(total).toBeGreaterThan(20);
      // Statements stored within one millisecond: a millisecond cursor would hand some of them out twice.
      await t.db.query(`UPDATE learning_statements SET stored_at = date_trunc('second', stored_at) + (random() * 900)::int * interval '1 microsecond'`);
      const seen: string[] = [];
      let after: string | null = null;
      for (let page = 0; page < 1000; page++) {
        const res: { status: number; body: { statements: { id: string }[]; more: string | null } } = await t.call('GET', `/api/admin/statements?limit=7${after ? `&after=${after}` : ''}`, { token: tok.admin });
        expect(res.status).toBe(200);
        seen.push(...res.body.statements.map((s) => s.id));
        after = res.body.more;
        if (!after) break;
      }
      expect(seen.length).toBe(total);
      expect(new Set(seen).size).toBe(total);
    });

    test('a NUL or half a surrogate pair in any text is refused with the field named; nothing is written', async () => {
      const before = await count('regions');
      const region = (name: string) => ({ code: '159900', name, level: 'province', parentId: null });
      for (const name of ['太原\u0000市', '\udfff', 'ab\ud83d', '\ud83dx']) {
        const res = await t.call('POST', '/api/admin/regions', { token: tok.admin, body: region(name) });
        expect(res.status).toBe(400);
        expect(res.body.error).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ path: 'body.name', message: expect.stringMatching(/无法识别的字符/) }] });
      }
      // The same as JSON escapes, as a script would send them.
      const raw = await t.call('POST', '/api/admin/regions', { token: tok.admin, body: '{"code":"159900","name":"\\udfff\\u0000","level":"province","parentId":null}' , headers: { 'content-type': 'application/json' } });
      expect(raw.body.error.details).toEqual([{ path: 'body.name', message: expect.any(String) }]);
      const nested = await t.call('PUT', '/api/me/profile', { token: tok.parent, body: { displayName: 'ok', extra: { deep: ['\u0000'] } } });
      expect(nested.status).toBe(400);
      expect(await count('regions')).toBe(before);
      const query = await t.call('GET', '/api/schools?regionId=%00', { token: tok.admin });
      expect(query.status).toBe(400);
      expect(query.body.error.details[0].path).toBe('query.regionId');
      const param = await t.call('GET', '/api/regions/%00', { token: tok.admin });
      expect(param.status).toBe(400);
      // A whole emoji (a proper surrogate pair) is fine.
      const emoji = await t.call('PUT', '/api/me/profile', { token: tok.parent, body: { displayName: '张敏😀' } });
      expect(emoji.status).toBe(200);
    });

    test('a tampered notice answers NOTICE_UNREADABLE without any content, and the failure is audited', async () => {
      const pupil = await idOf('SELECT id FROM students WHERE name = $1', '孙浩然');
      const code = await t.call('POST', `/api/students/${pupil}/binding-codes`, { token: tok.head_teacher, body: { relation: 'mother', phone: null, expiresInDays: 7 } });
      expect(code.status).toBe(201);
      const bound = await t.call('POST', '/api/bindings', { token: tok.parent2, body: { code: code.body.code, relation: 'mother', noticeConsent: true, phoneCode: null, acceptSchoolNotice: false } });
      expect(bound.status).toBe(200);
      const input: NoticeInput = {
        studentId: pupil, level: 'grade', observed: OBSERVED, recommendation: '建议本周内到专科门诊评估', institutions: [{ name: '定点医院（演示）', phone: '0351-0000301', address: '示例路 1 号' }],
        meetingSlots: [later(30)], meetingPlace: '静心小屋', contactName: '韩老师', contactPhone: '0351-0000101',
      };
      const created = await t.call('POST', '/api/notices', { token: tok.psychologist, body: input });
      expect(created.status).toBe(201);
      expect((await t.call('POST', `/api/notices/${created.body.id}/approve`, { token: tok.leader, body: {} })).status).toBe(200);
      const id = created.body.id as string;
      // Flip one byte of the sealed content, as someone with database access might.
      await t.db.query(`UPDATE notices SET content = overlay(content placing decode(lpad(to_hex((get_byte(content, 40) # 1)), 2, '0'), 'hex') from 41 for 1) WHERE id = $1`, [id]);
      for (const who of ['psychologist', 'parent2']) {
        const res = await t.call('GET', `/api/notices/${id}`, { token: tok[who] });
        expect({ who, status: res.status, code: res.body.error?.code }).toEqual({ who, status: 409, code: 'NOTICE_UNREADABLE' });
        expect(JSON.stringify(res.body)).not.toMatch(/走廊|decrypt|auth|cipher|at /i);
      }
      const ackRes = await t.call('POST', `/api/notices/${id}/acknowledge`, { token: tok.parent2, body: { choice: 'meeting', reason: null, meetingSlot: later(30), signedName: '王芳', signature: { strokes: [[100, 200, 150, 180, 200, 220, 260, 190, 320, 230], [400, 150, 420, 300, 440, 160]] } } });
      expect(ackRes.status).toBe(409);
      expect(ackRes.body.error.code).toBe('NOTICE_UNREADABLE');
      const audit = await t.db.query<{ action: string; details: unknown }>("SELECT action, details FROM audit_log WHERE notice_id = $1 AND action = 'decrypt_failed' ORDER BY seq", [id]);
      expect(audit.length).toBe(3);
      expect(JSON.stringify(audit)).not.toMatch(/走廊/);
      // A wrapped key that was swapped is just as unreadable.
      await t.db.query(`UPDATE notices SET wrapped_key = overlay(wrapped_key placing '\\x00'::bytea from 20 for 1) WHERE id = $1`, [id]);
      expect((await t.call('GET', `/api/notices/${id}`, { token: tok.psychologist })).body.error.code).toBe('NOTICE_UNREADABLE');
      expect((await verifyAudit(t.db, t.deps.config.notices.hmacKey, t.deps.checkpoints, t.deps.clock())).ok).toBe(true);
    });
  });
}
