import type { NoticeDraftContent } from '../../types';
import { runDueJobs } from '../../src/server/jobs';
import { createLogger } from '../../src/server/log';
import type { Database } from '../../src/server/storage/db';
import { testApp, type TestApp } from '../helpers/app';
import { describeOn, scratchPostgres } from '../helpers/db';

const DAY = 86_400_000;
const NOW = new Date('2026-11-23T08:00:00Z');
const after = (days: number) => new Date(NOW.getTime() + days * DAY);

/** Words of a draft that must never be readable at rest, in logs or in the audit chain. */
const SECRET = {
  observed: '最近一周午饭后常独自躲在器材室里不愿回教室',
  recommendation: '建议家长这周末抽时间陪孩子聊聊学校里的烦心事',
  place: '图书馆二楼安静角',
};

const draft = (studentId: string | null, over: Partial<NoticeDraftContent> = {}): NoticeDraftContent => ({
  studentId, level: 'class', observed: SECRET.observed, recommendation: SECRET.recommendation,
  institutions: [], meetingSlots: [], meetingPlace: SECRET.place, contactName: '王老师', contactPhone: '', ...over,
});

for (const driver of ['PGlite', 'PostgreSQL']) {
  describeOn(driver)(`drafts of notices (${driver})`, () => {
    let t: TestApp;
    let pg: Database | null = null;
    const logs: string[] = [];
    const tok: Record<string, string> = {};
    let school = '';
    const student: Record<string, string> = {};

    beforeAll(async () => {
      pg = driver === 'PostgreSQL' ? await scratchPostgres(4) : null;
      t = await testApp({ ...(pg ? { db: pg } : {}), log: createLogger((line) => logs.push(line)) });
      t.setNow(NOW);
      school = (await t.db.query<{ id: string }>(`SELECT id FROM schools WHERE name = '小店区育英小学'`))[0]!.id;
      // A second psychology teacher at the same school: the head teacher is given the role too.
      await t.db.query(
        `INSERT INTO role_grants (user_id, role, scope_type, scope_id) SELECT id, 'school_psychologist', 'school', $1 FROM users WHERE dev_identity = 'head_teacher'`,
        [school],
      );
      for (const who of ['psychologist', 'head_teacher', 'leader', 'parent']) tok[who] = await t.login(who);
      for (const name of ['李子涵', '孙浩然']) student[name] = (await t.db.query<{ id: string }>('SELECT id FROM students WHERE name = $1', [name]))[0]!.id;
    }, 120_000);
    afterAll(async () => {
      await t?.close();
      await pg?.close();
    });
    beforeEach(() => t.setNow(NOW));

    async function create(content: NoticeDraftContent = draft(null)): Promise<string> {
      const res = await t.call('POST', '/api/notice-drafts', { token: tok.psychologist, body: { schoolId: school, content } });
      expect(res.status).toBe(201);
      return res.body.id as string;
    }

    test('the author saves, reopens, autosaves and lists a draft; it expires 14 days after the last save', async () => {
      const id = await create();
      const got = await t.call('GET', `/api/notice-drafts/${id}`, { token: tok.psychologist });
      expect(got.status).toBe(200);
      expect(got.body).toMatchObject({ id, schoolId: school, content: draft(null), expiresAt: after(14).toISOString() });
      t.setNow(after(2));
      const saved = await t.call('PUT', `/api/notice-drafts/${id}`, { token: tok.psychologist, body: { content: draft(student['李子涵']!, { observed: '改过的观察' }) } });
      expect(saved.status).toBe(200);
      expect(saved.body.content).toMatchObject({ studentId: student['李子涵'], observed: '改过的观察' });
      expect(saved.body.expiresAt).toBe(after(16).toISOString());
      const list = await t.call('GET', `/api/schools/${school}/notice-drafts`, { token: tok.psychologist });
      expect(list.status).toBe(200);
      expect((list.body.drafts as { id: string }[]).map((d) => d.id)).toContain(id);
    });

    test('a draft is private to its author: another psychology teacher, a leader and a parent get 404 and do not see it listed', async () => {
      const id = await create();
      for (const who of ['head_teacher', 'leader', 'parent']) {
        expect((await t.call('GET', `/api/notice-drafts/${id}`, { token: tok[who] })).status).toBe(404);
        expect((await t.call('PUT', `/api/notice-drafts/${id}`, { token: tok[who], body: { content: draft(null) } })).status).toBe(404);
        expect((await t.call('DELETE', `/api/notice-drafts/${id}`, { token: tok[who] })).status).toBe(404);
      }
      const theirs = await t.call('GET', `/api/schools/${school}/notice-drafts`, { token: tok.head_teacher });
      expect(theirs.status).toBe(200);
      expect((theirs.body.drafts as { id: string }[]).map((d) => d.id)).not.toContain(id);
      expect((await t.call('GET', `/api/schools/${school}/notice-drafts`, { token: tok.parent })).status).toBe(404);
      // Only psychology teachers write notices: a leader cannot start a draft.
      expect((await t.call('POST', '/api/notice-drafts', { token: tok.leader, body: { schoolId: school, content: draft(null) } })).status).toBe(403);
      // Still there for its author.
      expect((await t.call('GET', `/api/notice-drafts/${id}`, { token: tok.psychologist })).status).toBe(200);
    });

    test('sealed at rest: no word of the draft is in the table, the logs or the audit chain', async () => {
      const id = await create();
      const rows = await t.db.query<{ j: string }>('SELECT row_to_json(d)::text AS j FROM notice_drafts d');
      const raw = await t.db.query<{ content: Buffer }>('SELECT content FROM notice_drafts WHERE id = $1', [id]);
      const table = rows.map((r) => r.j).join('\n') + Buffer.from(raw[0]!.content).toString('utf8');
      const audit = (await t.db.query<{ j: string }>('SELECT row_to_json(a)::text AS j FROM audit_log a')).map((r) => r.j).join('\n');
      for (const words of Object.values(SECRET)) {
        expect(table).not.toContain(words);
        expect(table).not.toContain(Buffer.from(words, 'utf8').toString('hex'));
        expect(logs.join('\n')).not.toContain(words);
        expect(audit).not.toContain(words);
      }
      // Its key is bound to the draft: content moved to another row does not open.
      const other = await create();
      await t.db.query('UPDATE notice_drafts SET content = (SELECT content FROM notice_drafts WHERE id = $1) WHERE id = $2', [id, other]);
      const tampered = await t.call('GET', `/api/notice-drafts/${other}`, { token: tok.psychologist });
      expect(tampered.status).toBe(409);
      expect(tampered.body.error.code).toBe('NOTICE_UNREADABLE');
      await t.call('DELETE', `/api/notice-drafts/${other}`, { token: tok.psychologist });
    });

    test('submitting the notice deletes its draft in the same transaction; a refused submit keeps it', async () => {
      const body = (studentId: string, draftId: string) => ({
        studentId, level: 'class', observed: SECRET.observed, recommendation: SECRET.recommendation, institutions: [], meetingSlots: [],
        meetingPlace: SECRET.place, contactName: '王老师', contactPhone: '0351-0000101', draftId,
      });
      const kept = await create(draft(student['孙浩然']!));
      const refused = await t.call('POST', '/api/notices', { token: tok.psychologist, body: body(student['孙浩然']!, kept) });
      expect(refused.status).toBe(409);
      expect(refused.body.error.code).toBe('NO_GUARDIANS');
      expect((await t.call('GET', `/api/notice-drafts/${kept}`, { token: tok.psychologist })).status).toBe(200);

      const id = await create(draft(student['李子涵']!));
      const sent = await t.call('POST', '/api/notices', { token: tok.psychologist, body: body(student['李子涵']!, id) });
      expect(sent.status).toBe(201);
      expect((await t.call('GET', `/api/notice-drafts/${id}`, { token: tok.psychologist })).status).toBe(404);
      expect(await t.db.query('SELECT 1 FROM notice_drafts WHERE id = $1', [id])).toHaveLength(0);
    });

    test('discarding deletes the draft', async () => {
      const id = await create();
      const gone = await t.call('DELETE', `/api/notice-drafts/${id}`, { token: tok.psychologist });
      expect(gone.status).toBe(200);
      expect(await t.db.query('SELECT 1 FROM notice_drafts WHERE id = $1', [id])).toHaveLength(0);
    });

    test('attacked as an outsider would: racing autosaves, an autosave after the send, odd text, another author\'s draft id', async () => {
      const id = await create(draft(student['李子涵']!));
      // Ten autosaves at once: each answers 200 and the draft ends as exactly one of them, never a mix.
      const versions = Array.from({ length: 10 }, (_, i) => draft(student['李子涵']!, { observed: `第 ${i} 版观察`, recommendation: `第 ${i} 版建议` }));
      const saves = await Promise.all(versions.map((content) => t.call('PUT', `/api/notice-drafts/${id}`, { token: tok.psychologist, body: { content } })));
      expect(saves.map((r) => r.status)).toEqual(versions.map(() => 200));
      const final = (await t.call('GET', `/api/notice-drafts/${id}`, { token: tok.psychologist })).body.content as NoticeDraftContent;
      const n = /第 (\d) 版观察/.exec(final.observed)?.[1];
      expect(final.recommendation).toBe(`第 ${n} 版建议`);
      // A NUL or half an emoji is refused by field, not stored.
      for (const bad of ['观察\u0000', '观察\ud83d']) {
        const r = await t.call('PUT', `/api/notice-drafts/${id}`, { token: tok.psychologist, body: { content: draft(null, { observed: bad }) } });
        expect([r.status, r.body.error?.code, r.body.error?.details?.[0]?.path]).toEqual([400, 'VALIDATION_FAILED', 'body.content.observed']);
      }
      // Another teacher's draft id on a notice of mine does not delete their draft.
      const theirs = (await t.call('POST', '/api/notice-drafts', { token: tok.head_teacher, body: { schoolId: school, content: draft(null) } })).body.id as string;
      const body = { studentId: student['李子涵'], level: 'class', observed: SECRET.observed, recommendation: SECRET.recommendation, institutions: [], meetingSlots: [], meetingPlace: SECRET.place, contactName: '王老师', contactPhone: '0351-0000101' };
      const mine = await t.call('POST', '/api/notices', { token: tok.psychologist, body: { ...body, draftId: theirs } });
      expect(mine.status === 201 || mine.status === 404).toBe(true);
      expect(await t.db.query('SELECT 1 FROM notice_drafts WHERE id = $1', [theirs])).toHaveLength(1);
      // The send and a late autosave race: once the notice exists its draft is gone, and a replayed autosave does not bring it back.
      const [sent, late] = await Promise.all([
        t.call('POST', '/api/notices', { token: tok.psychologist, body: { ...body, draftId: id } }),
        t.call('PUT', `/api/notice-drafts/${id}`, { token: tok.psychologist, body: { content: versions[0] } }),
      ]);
      expect(sent.status).toBe(201);
      expect([200, 404]).toContain(late.status);
      const replay = await t.call('PUT', `/api/notice-drafts/${id}`, { token: tok.psychologist, body: { content: versions[1] } });
      expect(replay.status).toBe(404);
      expect(await t.db.query('SELECT 1 FROM notice_drafts WHERE id = $1', [id])).toHaveLength(0);
    });

    test('runDueJobs deletes drafts 14 days after their last save, not before', async () => {
      await t.db.query('DELETE FROM notice_drafts');
      const old = await create();
      t.setNow(after(10));
      tok.psychologist = await t.login('psychologist');
      const fresh = await create();
      expect((await runDueJobs(t.deps, after(13))).expireNoticeDrafts).toBe(0);
      const report = await runDueJobs(t.deps, after(14));
      expect(report.expireNoticeDrafts).toBe(1);
      const left = await t.db.query<{ id: string }>('SELECT id FROM notice_drafts');
      expect(left.map((r) => r.id)).toEqual([fresh]);
      t.setNow(after(14));
      tok.psychologist = await t.login('psychologist');
      expect((await t.call('GET', `/api/notice-drafts/${old}`, { token: tok.psychologist })).status).toBe(404);
    });
  });
}
