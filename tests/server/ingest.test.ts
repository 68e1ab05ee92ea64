/**
 * Progress ingestion by group commit (src/server/domain/learning/ingest.ts), seen from the callers: heartbeats that arrive
 * together are written in batches, yet every parent gets their own answer, refusals stay per statement, concurrent requests
 * of one parent lose nothing, a failing batch is retried request by request, and the 妇联 rollups kept by the triggers
 * equal a rebuild from the records.
 */
import { randomUUID } from 'node:crypto';
import type { CourseContent, ProgressOutput, ProgressStatementInput, Segment } from '../../types';
import { createProgressIngester } from '../../src/server/domain/learning/ingest';
import { rebuildRollups, rollupLines } from '../../src/server/domain/reports/rebuild';
import type { Database, Sql } from '../../src/server/storage/db';
import { testApp, type TestApp } from '../helpers/app';
import { describeOn, scratchPostgres } from '../helpers/db';
import { createParents } from '../helpers/parents';

const COURSE: CourseContent = {
  slug: 'ingest-burst-primary',
  title: '陪孩子度过考试季',
  summary: '考试前后的情绪与作息。',
  module: 'abnormal_awareness',
  stages: ['primary'],
  lessons: [
    { slug: 'video', title: '考试焦虑', kind: 'video', durationSeconds: 300, media: 'abnormal_awareness.mp4', body: ['考试前的紧张是正常的。'] },
    { slug: 'audio', title: '睡个好觉', kind: 'audio', durationSeconds: 120, media: 'abnormal_awareness.m4a', body: ['规律作息。'] },
    { slug: 'article', title: '考后怎么聊', kind: 'article', durationSeconds: 100, body: ['先问感受，再谈分数。'] },
  ],
};

const NOW = new Date('2026-11-23T08:00:00Z');
/** When the test parents were bound to their children (before any of their study). */
const BOUND = new Date('2026-01-05T00:00:00Z');
const NO_DIFFERENCES = { rpt_reach: 0, rpt_reach_hist: 0, rpt_learning: 0, rpt_event: 0, rpt_sessions: 0, rpt_station_month: 0 };

const plus = (d: Date, seconds: number) => new Date(d.getTime() + seconds * 1000);
const subOf = (token: string): string => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).sub;
const statement = (lessonId: string, segments: Segment[], timestamp: Date, over: Partial<ProgressStatementInput> = {}): ProgressStatementInput => ({
  id: randomUUID(), lessonId, verb: 'played', segments, position: segments.length ? segments[segments.length - 1]![1] : 0, timestamp: timestamp.toISOString(), ...over,
});

/** The app under test with a published course and a school of its own. */
interface World {
  t: TestApp;
  courseId: string;
  video: string;
  audio: string;
  article: string;
  schoolId: string;
}

/** A new school in 小店区: its rollups hold only the parents a test binds to it. */
async function newSchool(t: TestApp, name: string): Promise<string> {
  const [school] = await t.db.query<{ id: string }>(
    `INSERT INTO schools (name, region_id, stages) SELECT $1, id, '{primary}' FROM regions WHERE name = '小店区' RETURNING id`, [name],
  );
  return school!.id;
}

async function world(db: Database | null): Promise<World> {
  const t = await testApp(db ? { db } : {});
  t.setNow(NOW);
  const published = await t.call('POST', '/api/admin/courses', { token: await t.login('admin'), body: COURSE });
  expect(published.status).toBe(201);
  const lessons: { id: string; slug: string }[] = published.body.lessons;
  const schoolId = await newSchool(t, '小店区组提交测试小学');
  const lesson = (slug: string) => lessons.find((l) => l.slug === slug)!.id;
  return { t, courseId: published.body.course.id, video: lesson('video'), audio: lesson('audio'), article: lesson('article'), schoolId };
}

/** `n` new parents with a child at the world's school (bound since BOUND), enrolled in the course and its lessons opened at the app's current time unless told not to. */
async function parents(w: World, n: number, enrol = true, schoolId = w.schoolId): Promise<{ tokens: string[]; ids: string[] }> {
  const { t } = w;
  const tokens = await createParents(t.db, t.deps.config.sessionSecret, n, schoolId, t.deps.config.privacyVersion, t.deps.clock());
  const ids = tokens.map(subOf);
  await t.db.query('UPDATE guardianships SET created_at = $2 WHERE user_id = ANY($1::uuid[])', [ids, BOUND]);
  if (enrol) {
    for (const token of tokens) {
      expect((await t.call('POST', `/api/courses/${w.courseId}/enroll`, { token, body: {} })).status).toBe(200);
      // The player opens a lesson before it reports: the credit budget runs from then (server time).
      for (const lesson of [w.video, w.audio, w.article]) expect((await t.call('GET', `/api/lessons/${lesson}`, { token })).status).toBe(200);
    }
  }
  return { tokens, ids };
}

const send = (t: TestApp, token: string, statements: ProgressStatementInput[]) => t.call('POST', '/api/progress', { token, body: { statements } });

async function storedIds(db: Database, userId: string): Promise<string[]> {
  return (await db.query<{ id: string }>('SELECT id FROM learning_statements WHERE user_id = $1 ORDER BY id', [userId])).map((r) => r.id);
}

async function progressRow(db: Database, userId: string, lessonId: string): Promise<{ credited: number; segments: Segment[] } | null> {
  const [row] = await db.query<{ credited: string; segments: Segment[] }>(
    'SELECT credited_seconds::text AS credited, segments FROM lesson_progress WHERE user_id = $1 AND lesson_id = $2', [userId, lessonId],
  );
  return row ? { credited: Number(row.credited), segments: row.segments } : null;
}

function suite(name: string, open: () => Promise<Database | null>): void {
  describeOn(name)(`group commit through POST /api/progress (${name})`, () => {
    let w: World;
    let pg: Database | null = null;

    beforeAll(async () => {
      pg = await open();
      w = await world(pg);
    }, 120_000);
    afterAll(async () => {
      if (w) await w.t.close();
      if (pg) await pg.close();
    });

    test('32 parents sending heartbeats at the same moment each get their own progress; each statement is stored once', async () => {
      const { t, video } = w;
      t.setNow(NOW);
      const { tokens, ids } = await parents(w, 32);
      t.setNow(plus(NOW, 60));
      const sent = tokens.map((_, i) => [
        statement(video, [[0, 5 + i]], plus(NOW, 55)),
        statement(video, [[100, 101 + (i % 7)]], plus(NOW, 60)),
      ]);
      const responses = await Promise.all(tokens.map((token, i) => send(t, token, sent[i]!)));
      responses.forEach((res, i) => {
        expect({ i, status: res.status }).toEqual({ i, status: 200 });
        expect(res.body).toEqual({
          accepted: 2, duplicates: 0, rejected: [],
          lessons: [{ lessonId: video, progress: { position: 101 + (i % 7), creditedSeconds: 5 + i + 1 + (i % 7), segments: [[0, 5 + i], [100, 101 + (i % 7)]], completed: false, completedAt: null } }],
        } satisfies ProgressOutput);
      });
      for (const [i, id] of ids.entries()) {
        expect(await storedIds(t.db, id)).toEqual(sent[i]!.map((s) => s.id).sort());
        expect(await progressRow(t.db, id, video)).toEqual({ credited: 5 + i + 1 + (i % 7), segments: [[0, 5 + i], [100, 101 + (i % 7)]] });
      }
      const lessonViews = await Promise.all(tokens.map((token) => t.call('GET', `/api/lessons/${video}`, { token })));
      expect(lessonViews.map((v) => v.body.lesson.progress.creditedSeconds)).toEqual(tokens.map((_, i) => 5 + i + 1 + (i % 7)));
    });

    test('in the same burst, refusals, a duplicate and a bad token reach only their own callers; the others are credited', async () => {
      const { t, video, audio } = w;
      t.setNow(NOW);
      const good = await parents(w, 12);
      const odd = await parents(w, 5);
      const outsider = await parents(w, 1, false);
      const [unknownLesson, future, replayer, mixed, loggedOut] = odd.tokens;
      t.setNow(plus(NOW, 30));
      const stored = statement(audio, [[0, 15]], plus(NOW, 30));
      expect((await send(t, replayer!, [stored])).body).toMatchObject({ accepted: 1, duplicates: 0 });
      expect((await t.call('POST', '/api/auth/logout', { token: loggedOut! })).status).toBe(200);

      t.setNow(plus(NOW, 90));
      const goodSent = good.tokens.map((_, i) => statement(video, [[10 * i, 10 * i + 8]], plus(NOW, 85)));
      const mixedOk = statement(audio, [[0, 12]], plus(NOW, 88));
      const mixedFuture = statement(audio, [[12, 20]], plus(NOW, 90 + 3600));
      const calls: [string, ProgressStatementInput[]][] = [
        ...good.tokens.map((token, i): [string, ProgressStatementInput[]] => [token, [goodSent[i]!]]),
        [outsider.tokens[0]!, [statement(video, [[0, 10]], plus(NOW, 85))]],
        [unknownLesson!, [statement(randomUUID(), [[0, 10]], plus(NOW, 85))]],
        [future!, [statement(video, [[0, 10]], plus(NOW, 90 + 3600))]],
        [replayer!, [stored]],
        [mixed!, [mixedOk, mixedFuture]],
        [loggedOut!, [statement(video, [[0, 10]], plus(NOW, 85))]],
      ];
      // Good calls interleaved with the odd ones, plus one malformed body, all at once.
      const order = calls.map((_, i) => i).sort((a, b) => (a % 3) - (b % 3) || a - b);
      const results = new Map<number, Awaited<ReturnType<typeof send>>>();
      const malformed = t.call('POST', '/api/progress', { token: good.tokens[0], body: { statements: [{ ...goodSent[0]!, id: randomUUID(), segments: [[-5, 3]] }] } });
      await Promise.all([...order.map(async (i) => results.set(i, await send(t, calls[i]![0], calls[i]![1]))), malformed]);
      expect((await malformed).status).toBe(400);

      good.tokens.forEach((_, i) => {
        expect(results.get(i)!.body).toEqual({
          accepted: 1, duplicates: 0, rejected: [],
          lessons: [{ lessonId: video, progress: expect.objectContaining({ creditedSeconds: 8, segments: [[10 * i, 10 * i + 8]] }) }],
        });
      });
      const base = good.tokens.length;
      const rejectedCode = (i: number) => results.get(i)!.body.rejected.map((r: { code: string }) => r.code);
      expect(results.get(base)!.body).toMatchObject({ accepted: 0, duplicates: 0, lessons: [] });
      expect(rejectedCode(base)).toEqual(['NOT_ENROLLED']);
      expect(results.get(base + 1)!.body).toMatchObject({ accepted: 0, lessons: [] });
      expect(rejectedCode(base + 1)).toEqual(['NOT_FOUND']);
      expect(results.get(base + 2)!.body).toMatchObject({ accepted: 0, lessons: [] });
      expect(rejectedCode(base + 2)).toEqual(['STATEMENT_FROM_FUTURE']);
      expect(results.get(base + 3)!.body).toEqual({
        accepted: 0, duplicates: 1, rejected: [], lessons: [{ lessonId: audio, progress: expect.objectContaining({ creditedSeconds: 15, segments: [[0, 15]] }) }],
      });
      expect(results.get(base + 4)!.body).toMatchObject({
        accepted: 1, duplicates: 0, rejected: [{ id: mixedFuture.id, code: 'STATEMENT_FROM_FUTURE' }],
        lessons: [{ lessonId: audio, progress: { creditedSeconds: 12, segments: [[0, 12]] } }],
      });
      expect(results.get(base + 5)!.status).toBe(401);
      expect(results.get(base + 5)!.body.error.code).toBe('TOKEN_INVALID');

      for (const [i, id] of good.ids.entries()) expect(await storedIds(t.db, id)).toEqual([goodSent[i]!.id]);
      const [, , replayerId, mixedId, loggedOutId] = odd.ids;
      for (const id of [outsider.ids[0]!, odd.ids[0]!, odd.ids[1]!, loggedOutId!]) {
        expect(await storedIds(t.db, id)).toEqual([]);
        expect(await t.db.query('SELECT 1 FROM lesson_progress WHERE user_id = $1', [id])).toEqual([]);
      }
      expect(await storedIds(t.db, replayerId!)).toEqual([stored.id]);
      expect(await progressRow(t.db, replayerId!, audio)).toEqual({ credited: 15, segments: [[0, 15]] });
      expect(await storedIds(t.db, mixedId!)).toEqual([mixedOk.id]);
    });

    test('one parent sending several requests for the same lesson at once: every segment is merged, none is lost', async () => {
      const { t, video } = w;
      t.setNow(NOW);
      const { tokens: [token], ids: [userId] } = await parents(w, 1);
      t.setNow(plus(NOW, 120));
      const segs: Segment[] = [[0, 10], [20, 30], [40, 50], [60, 70], [80, 90], [100, 110], [120, 130], [140, 150]];
      // Two at the very same moment, the rest started a little apart so that they also meet batches already in flight.
      const responses = await Promise.all(segs.map(async (seg, i) => {
        if (i >= 2) await new Promise((r) => setTimeout(r, (i - 1) * 2));
        return send(t, token!, [statement(video, [seg], plus(NOW, 100 + i))]);
      }));
      for (const res of responses) expect(res.body).toMatchObject({ accepted: 1, duplicates: 0, rejected: [] });
      // Whichever request was applied last saw every segment.
      const credited = responses.map((r) => r.body.lessons[0].progress.creditedSeconds as number);
      expect(Math.max(...credited)).toBe(80);
      expect(await progressRow(t.db, userId!, video)).toEqual({ credited: 80, segments: segs });
      expect((await t.call('GET', `/api/lessons/${video}`, { token })).body.lesson.progress).toMatchObject({ creditedSeconds: 80, segments: segs });
      expect(await storedIds(t.db, userId!)).toHaveLength(segs.length);
    });

    test('rollups: concurrent heartbeats across two China-time months are counted per month, and xq_rpt_rebuild() changes no row', async () => {
      const { t, video, article } = w;
      // The instants below are in UTC, all on 31 October; China time is UTC+8, so 16:00Z is already 1 November there.
      t.setNow(new Date('2026-10-31T15:00:00Z')); // 23:00 on 31 October in China: the parents enrol
      const school = await newSchool(t, '小店区月末测试小学');
      const { tokens, ids } = await parents(w, 12, true, school);
      const oct = (minute: number) => new Date(`2026-10-31T15:${String(minute).padStart(2, '0')}:00Z`); // 23:mm, October in China
      const nov = (minute: number) => new Date(`2026-10-31T16:${String(minute).padStart(2, '0')}:00Z`); // 00:mm, 1 November in China

      // Burst 1 at 00:20 on 1 November (China): parents 0-3 report October, 4-7 November; 8-9 replay an offline queue that
      // spans midnight in one request (the video, and an article read before midnight and read again after it); 10-11 send an
      // October and a November request at once.
      t.setNow(nov(20));
      const burst1: Promise<unknown>[] = [];
      for (let i = 0; i < 4; i += 1) burst1.push(send(t, tokens[i]!, [statement(video, [[0, 20 + i]], oct(50))]));
      for (let i = 4; i < 8; i += 1) burst1.push(send(t, tokens[i]!, [statement(video, [[0, 20 + i]], nov(10))]));
      for (let i = 8; i < 10; i += 1) {
        burst1.push(send(t, tokens[i]!, [
          statement(video, [[0, 30]], oct(40)), statement(article, [], oct(41), { verb: 'read' }),
          statement(video, [[30, 60]], nov(5)), statement(article, [], nov(6), { verb: 'read' }),
        ]));
      }
      for (let i = 10; i < 12; i += 1) {
        burst1.push(send(t, tokens[i]!, [statement(video, [[0, 25]], oct(45))]));
        burst1.push(send(t, tokens[i]!, [statement(video, [[100, 110]], nov(12))]));
      }
      for (const res of (await Promise.all(burst1)) as Awaited<ReturnType<typeof send>>[]) expect(res.body).toMatchObject({ rejected: [], duplicates: 0 });

      // Burst 2 at 00:40: parents 0-7 report again, in November.
      t.setNow(nov(40));
      const burst2 = await Promise.all(tokens.slice(0, 8).map((token) => send(t, token, [statement(video, [[200, 210]], nov(30))])));
      for (const res of burst2) expect(res.body).toMatchObject({ accepted: 1, rejected: [] });

      // What the school's rollups say, against the statements sent: seconds gained in the month of the latest statement so far.
      const learning = await t.db.query<{ ym: number; enrolments: number; credited: string }>(
        `SELECT ym, enrolments, credited_seconds::text AS credited FROM rpt_learning WHERE scope = $1 AND module = $2 AND stage = 'primary' ORDER BY ym`,
        [school, COURSE.module],
      );
      const oct26 = (20 + 21 + 22 + 23) + 2 * (30 + 100) + 2 * 25;
      const nov26 = (24 + 25 + 26 + 27) + 2 * 30 + 2 * 10 + 8 * 10;
      expect(learning.map((r) => ({ ym: r.ym, enrolments: r.enrolments, credited: Number(r.credited) }))).toEqual([
        { ym: 202610, enrolments: 12, credited: oct26 },
        { ym: 202611, enrolments: 0, credited: nov26 },
      ]);
      const reach = await t.db.query<{ entity: string; mask: number }>(
        `SELECT entity, mask FROM rpt_reach WHERE scope = $1 AND year = 2026 AND kind = 'online' AND entity = ANY($2::uuid[])`, [school, ids],
      );
      const OCT_BIT = 1 << 9;
      const NOV_BIT = 1 << 10;
      expect(Object.fromEntries(reach.map((r) => [r.entity, r.mask]))).toEqual(Object.fromEntries(ids.map((id, i) => [id, i >= 4 && i < 8 ? NOV_BIT : OCT_BIT | NOV_BIT])));

      const before = await rollupLines(t.db);
      const report = await rebuildRollups(t.db);
      expect(report.differences).toEqual(NO_DIFFERENCES);
      expect(await rollupLines(t.db)).toEqual(before);
    });
  });
}

suite('PGlite', async () => null);
suite('PostgreSQL', () => scratchPostgres(8));

describe('a batch that fails is retried request by request (PGlite)', () => {
  let w: World;
  beforeAll(async () => {
    w = await world(null);
  }, 120_000);
  afterAll(() => w.t.close());

  test('only the poisoned request rejects; the others resolve with credit and their rows are stored', async () => {
    const { t, video } = w;
    t.setNow(NOW);
    const { ids } = await parents(w, 6);
    const poisoned = ids[2]!;
    const real = t.db;
    const poison = new Error('poisoned batch');
    /** The users of each transaction's state read, in order: shows how the requests were grouped. */
    const transactions: string[][] = [];
    const wrapped: Database = {
      kind: real.kind,
      query: (text, params) => real.query(text, params),
      exec: (text) => real.exec(text),
      close: () => real.close(),
      transaction: (fn) => real.transaction((tx) => {
        const spy: Sql = {
          async query<T>(text: string, params?: readonly unknown[]): Promise<T[]> {
            if (text.includes('xq_progress_state')) transactions.push([...new Set(params![0] as string[])]);
            const rows = await tx.query<T>(text, params);
            // Fails after the batch's rows were written in this transaction: they must be rolled back.
            if (text.includes('INSERT INTO learning_statements') && JSON.stringify(params).includes(poisoned)) throw poison;
            return rows;
          },
        };
        return fn(spy);
      }),
    };
    const ingester = createProgressIngester(wrapped, t.deps.clock, () => t.deps.config.lessonCompleteRatio);
    t.setNow(plus(NOW, 60));
    const sent = ids.map((_, i) => statement(video, [[0, 10 + i]], plus(NOW, 60)));
    const settled = await Promise.allSettled(ids.map((userId, i) => ingester.submit({ userId, statements: [sent[i]!] })));

    expect(transactions[0]!.sort()).toEqual([...ids].sort());
    expect(transactions.slice(1)).toEqual(ids.map((id) => [id]));
    settled.forEach((s, i) => {
      if (i === 2) {
        expect(s).toEqual({ status: 'rejected', reason: poison });
      } else {
        expect(s).toEqual({
          status: 'fulfilled',
          value: { accepted: 1, duplicates: 0, rejected: [], lessons: [{ lessonId: video, progress: expect.objectContaining({ creditedSeconds: 10 + i, segments: [[0, 10 + i]] }) }] },
        });
      }
    });
    for (const [i, id] of ids.entries()) {
      expect(await storedIds(real, id)).toEqual(i === 2 ? [] : [sent[i]!.id]);
      expect(await progressRow(real, id, video)).toEqual(i === 2 ? null : { credited: 10 + i, segments: [[0, 10 + i]] });
    }
  });
});
