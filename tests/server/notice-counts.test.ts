/** GET /api/me/notices/counts (issue 14): the numbers behind the 我的 tab badge and the 首页 card, for the caller's own copies only, and nothing else. */
import type { AcknowledgeInput, NoticeInput } from '../../types';
import { testApp, type TestApp } from '../helpers/app';
import { describeOn, scratchPostgres } from '../helpers/db';

const start = new Date('2026-11-23T08:00:00Z');
const OBSERVED = '近两周在课堂上多次独自落泪';

for (const driver of ['PGlite', 'PostgreSQL']) {
  describeOn(driver)(`the guardian's notice counts (${driver})`, () => {
    let t: TestApp;
    let pg: Awaited<ReturnType<typeof scratchPostgres>>;
    const tok: Record<string, string> = {};
    const student = async (name: string) => (await t.db.query<{ id: string }>('SELECT id FROM students WHERE name = $1', [name]))[0]!.id;
    const counts = async (who: string) => {
      const res = await t.call('GET', '/api/me/notices/counts', { token: tok[who] });
      expect(res.status).toBe(200);
      return res.body as Record<string, unknown>;
    };
    const input = async (pupil: string): Promise<NoticeInput> => ({
      studentId: await student(pupil), level: 'grade', observed: OBSERVED, recommendation: '建议家长本周内带孩子做一次情绪评估',
      institutions: [{ name: '太原市精神卫生绿色通道定点医院（演示）', phone: '0351-0000301', address: '小店区示例路 1 号' }],
      meetingSlots: [], meetingPlace: '', contactName: '韩老师', contactPhone: '0351-0000101',
    });
    /** The psychology teacher writes a notice and the leader approves it, which sends it to the pupil's bound guardians. */
    const send = async (pupil: string): Promise<string> => {
      const created = await t.call('POST', '/api/notices', { token: tok.psychologist, body: await input(pupil) });
      expect(created.status).toBe(201);
      expect((await t.call('POST', `/api/notices/${created.body.id}/approve`, { token: tok.leader, body: {} })).status).toBe(200);
      return created.body.id as string;
    };
    const ack: AcknowledgeInput = { choice: 'self_care', reason: null, meetingSlot: null, signedName: '张敏', signature: { strokes: [[100, 200, 150, 180, 200, 220, 260, 190, 320, 230], [400, 150, 420, 300, 440, 160]] } };

    beforeAll(async () => {
      pg = driver === 'PostgreSQL' ? await scratchPostgres(4) : null;
      t = await testApp(pg ? { db: pg } : {});
      for (const who of ['parent', 'parent2', 'parent3', 'psychologist', 'leader', 'admin']) tok[who] = await t.login(who);
    });
    afterAll(async () => {
      await t.close();
      await pg?.close();
    });
    beforeEach(() => t.setNow(start));

    test('unread and unconfirmed follow the caller\'s own copies: opening clears unread, confirming clears the rest; others see nothing of it', async () => {
      expect(await counts('parent')).toEqual({ unread: 0, unconfirmed: 0, waiting: 0 });
      const first = await send('李子涵');
      const second = await send('李子涵');
      expect(await counts('parent')).toEqual({ unread: 2, unconfirmed: 2, waiting: 2 });
      // 赵小雨's mother and a stranger with no child at 育英, and the staff who wrote and approved it, have nothing waiting.
      for (const who of ['parent2', 'parent3', 'psychologist', 'leader', 'admin']) expect([who, await counts(who)]).toEqual([who, { unread: 0, unconfirmed: 0, waiting: 0 }]);

      expect((await t.call('GET', `/api/notices/${first}`, { token: tok.parent })).status).toBe(200);
      expect(await counts('parent')).toEqual({ unread: 1, unconfirmed: 2, waiting: 2 });
      expect((await t.call('POST', `/api/notices/${first}/acknowledge`, { token: tok.parent, body: ack })).status).toBe(200);
      expect(await counts('parent')).toEqual({ unread: 1, unconfirmed: 1, waiting: 1 });
      expect((await t.call('GET', `/api/notices/${second}`, { token: tok.parent })).status).toBe(200);
      expect((await t.call('POST', `/api/notices/${second}/acknowledge`, { token: tok.parent, body: ack })).status).toBe(200);
      expect(await counts('parent')).toEqual({ unread: 0, unconfirmed: 0, waiting: 0 });
    });

    test('numbers only: no school, pupil, id or content in the answer; a closed notice still counts as unread but no longer asks to be confirmed', async () => {
      const before = await counts('parent');
      const id = await send('李子涵');
      const res = await t.call('GET', '/api/me/notices/counts', { token: tok.parent });
      expect(Object.keys(res.body).sort()).toEqual(['unconfirmed', 'unread', 'waiting']);
      const text = JSON.stringify(res.body);
      for (const secret of ['李子涵', '育英', OBSERVED, id]) expect(text).not.toContain(secret);
      expect(before).toEqual({ unread: 0, unconfirmed: 0, waiting: 0 });
      expect(res.body).toEqual({ unread: 1, unconfirmed: 1, waiting: 1 });

      expect((await t.call('POST', `/api/notices/${id}/close`, { token: tok.psychologist, body: {} })).status).toBe(200);
      expect(await counts('parent')).toEqual({ unread: 1, unconfirmed: 0, waiting: 1 });
    });

    test('only for a logged-in caller', async () => {
      const res = await t.call('GET', '/api/me/notices/counts');
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('UNAUTHENTICATED');
    });
  });
}
