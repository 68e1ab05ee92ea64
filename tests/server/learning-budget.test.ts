/**
 * Learning credit that real time allows (issue 12 §1): a (parent, lesson) is credited at most 2 played seconds per second
 * of server time since the parent first reached the lesson, plus 20 s, whatever timestamps the client sends; honest
 * viewers, offline replays included, keep their credit. On PGlite and (when DATABASE_URL is set) PostgreSQL.
 */
import { randomUUID } from 'node:crypto';
import type { CourseContent, ProgressStatementInput, Segment } from '../../types';
import { rebuildRollups } from '../../src/server/domain/reports/rebuild';
import type { Database } from '../../src/server/storage/db';
import { testApp, type TestApp } from '../helpers/app';
import { describeOn, scratchPostgres } from '../helpers/db';
import { createParents } from '../helpers/parents';

const COURSE: CourseContent = {
  slug: 'budget-test-primary',
  title: '学习时长预算测试课',
  summary: '一小时的视频和一段很短的视频。',
  module: 'mh_education',
  stages: ['primary'],
  lessons: [
    { slug: 'long', title: '一小时讲座', kind: 'video', durationSeconds: 3600, media: 'mh_education.mp4', body: ['讲座全文。'] },
    { slug: 'short', title: '短片', kind: 'video', durationSeconds: 28, media: 'mh_education.mp4', body: ['短片说明。'] },
    { slug: 'audio', title: '睡前聊天', kind: 'audio', durationSeconds: 120, media: 'mh_education.m4a', body: ['先听后说。'] },
    { slug: 'article', title: '读一读', kind: 'article', durationSeconds: 200, body: ['一篇文章。'] },
  ],
};
const NOW = new Date('2026-11-23T08:00:00Z');
const plus = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);
const NO_DIFFERENCES = { rpt_reach: 0, rpt_reach_hist: 0, rpt_learning: 0, rpt_event: 0, rpt_sessions: 0, rpt_station_month: 0 };

for (const driver of ['PGlite', 'PostgreSQL']) {
  describeOn(driver)(`the credit budget of a lesson (${driver})`, () => {
    let t: TestApp;
    let pg: Database | null = null;
    let courseId: string;
    const lesson: Record<string, string> = {};

    beforeAll(async () => {
      pg = driver === 'PostgreSQL' ? await scratchPostgres(4) : null;
      t = await testApp(pg ? { db: pg } : {});
      t.setNow(NOW);
      const published = await t.call('POST', '/api/admin/courses', { token: await t.login('admin'), body: COURSE });
      expect(published.status).toBe(201);
      courseId = published.body.course.id;
      for (const l of published.body.lessons as { id: string; slug: string }[]) lesson[l.slug] = l.id;
    }, 120_000);
    afterAll(async () => {
      await t?.close();
      await pg?.close();
    });

    /** A new parent with a child at 育英, enrolled at `at`. */
    async function parent(at: Date): Promise<string> {
      t.setNow(at);
      const [school] = await t.db.query<{ id: string }>("SELECT id FROM schools WHERE name = '小店区育英小学'");
      const [token] = await createParents(t.db, t.deps.config.sessionSecret, 1, school!.id, t.deps.config.privacyVersion, at);
      expect((await t.call('POST', `/api/courses/${courseId}/enroll`, { token: token!, body: {} })).status).toBe(200);
      return token!;
    }
    const statement = (lessonId: string, segments: Segment[], timestamp: Date, verb: ProgressStatementInput['verb'] = 'played'): ProgressStatementInput => ({
      id: randomUUID(), lessonId, verb, segments, position: segments.length ? segments[segments.length - 1]![1] : 0, timestamp: timestamp.toISOString(),
    });
    const send = async (token: string, statements: ProgressStatementInput[], at: Date) => {
      t.setNow(at);
      const res = await t.call('POST', '/api/progress', { token, body: { statements } });
      expect(res.status).toBe(200);
      return res.body as { accepted: number; rejected: unknown[]; lessons: { lessonId: string; progress: { creditedSeconds: number; completed: boolean } }[] };
    };
    const credited = async (token: string, lessonId: string) => (await t.call('GET', `/api/lessons/${lessonId}`, { token })).body.lesson.progress as { creditedSeconds: number; completed: boolean } | null;

    test('84 statements sharing one timestamp, 13 s after enrolment, earn at most 2 × 13 s + 20 s of a one-hour video', async () => {
      const token = await parent(NOW);
      await t.call('GET', `/api/lessons/${lesson.long}`, { token });
      const stamp = plus(13);
      const burst = Array.from({ length: 84 }, (_, i) => statement(lesson.long!, [[i * 43, Math.min(3600, (i + 1) * 43)]], stamp));
      for (let i = 0; i < burst.length; i += 42) await send(token, burst.slice(i, i + 42), plus(13));
      const p = await credited(token, lesson.long!);
      expect(p!.creditedSeconds).toBeLessThanOrEqual(2 * 13 + 20);
      expect(p!.completed).toBe(false);
    });

    test('the same burst sent as the very first contact, without opening the lesson, earns at most the 20 s slack', async () => {
      const token = await parent(NOW);
      const stamp = plus(30);
      await send(token, Array.from({ length: 84 }, (_, i) => statement(lesson.long!, [[i * 43, Math.min(3600, (i + 1) * 43)]], stamp)).slice(0, 90), plus(30));
      expect((await credited(token, lesson.long!))!.creditedSeconds).toBeLessThanOrEqual(20);
    });

    test('two statements 10 ms apart do not complete a 28 s video', async () => {
      const token = await parent(NOW);
      await t.call('GET', `/api/lessons/${lesson.short}`, { token });
      const at = new Date(NOW.getTime() + 10);
      await send(token, [statement(lesson.short!, [[0, 14]], at)], at);
      const later = new Date(NOW.getTime() + 20);
      const res = await send(token, [statement(lesson.short!, [[14, 28]], later)], later);
      expect(res.lessons[0]!.progress.completed).toBe(false);
      expect(res.lessons[0]!.progress.creditedSeconds).toBeLessThanOrEqual(20.04);
    });

    test('client timestamps from the past buy nothing: the budget is the server clock', async () => {
      const token = await parent(plus(-86_400));
      t.setNow(NOW);
      await t.call('GET', `/api/lessons/${lesson.long}`, { token });
      // Each statement looks plausible on its own timestamps (600 s played within an hour), as the old per-statement check saw it.
      const res = await send(token, [statement(lesson.long!, [[0, 600]], plus(-7200)), statement(lesson.long!, [[600, 1200]], plus(-3600))], plus(5));
      expect(res.accepted).toBe(2);
      expect(res.lessons[0]!.progress.creditedSeconds).toBeLessThanOrEqual(2 * 5 + 20);
    });

    test('seconds refused for lack of time are not credited later: waiting does not unlock a forged claim', async () => {
      const token = await parent(plus(-86_400));
      t.setNow(NOW);
      await t.call('GET', `/api/lessons/${lesson.long}`, { token });
      const forged = statement(lesson.long!, [[0, 3600]], plus(-1));
      await send(token, [forged], plus(10));
      const before = (await credited(token, lesson.long!))!.creditedSeconds;
      const res = await send(token, [statement(lesson.long!, [], plus(7200), 'progressed')], plus(7200));
      expect(res.lessons[0]!.progress.creditedSeconds).toBe(before);
      const [stored] = await t.db.query<{ result: { segments: Segment[]; claimedSegments?: Segment[] } }>(
        'SELECT result FROM learning_statements WHERE id = $1', [forged.id],
      );
      expect(stored!.result.claimedSegments).toEqual([[0, 3600]]);
      expect(stored!.result.segments).toEqual([[0, before]]);
    });

    test('an honest viewer reporting every 15 s gets every second; an offline replay is credited from when the lesson was opened', async () => {
      const token = await parent(NOW);
      await t.call('GET', `/api/lessons/${lesson.audio}`, { token });
      for (let s = 15; s <= 60; s += 15) await send(token, [statement(lesson.audio!, [[s - 15, s]], plus(s))], plus(s));
      expect((await credited(token, lesson.audio!))!.creditedSeconds).toBe(60);
      // Offline from here: the queue replays two minutes later, in one batch.
      const queued = [75, 90, 105, 120].map((s) => statement(lesson.audio!, [[s - 15, s]], plus(s)));
      const res = await send(token, queued, plus(300));
      expect(res).toMatchObject({ accepted: 4, rejected: [] });
      expect(res.lessons[0]!.progress).toMatchObject({ creditedSeconds: 120, completed: true });
    });

    test('an article read before it could have been read is refused by the server clock, whatever the phone says', async () => {
      const token = await parent(plus(-86_400));
      t.setNow(NOW);
      await t.call('GET', `/api/lessons/${lesson.article}`, { token });
      const early = await send(token, [statement(lesson.article!, [], plus(-3000), 'read')], plus(5));
      expect(early.rejected).toEqual([expect.objectContaining({ code: 'IMPLAUSIBLE_PROGRESS' })]);
      const read = await send(token, [statement(lesson.article!, [], plus(-2000), 'read')], plus(60));
      expect(read.lessons[0]!.progress).toMatchObject({ creditedSeconds: 200, completed: true });
    });

    test('the rollups still equal a rebuild from the stored statements', async () => {
      expect((await rebuildRollups(t.db)).differences).toEqual(NO_DIFFERENCES);
    });
  });
}
