import fs from 'node:fs';
import path from 'node:path';
import { CONTENT_DIR, importCourses, readCourseFiles } from '../../src/server/domain/learning/content';
import { MODULE_LABELS, STAGE_LABELS } from '../../src/shared/labels';
import { testApp, type TestApp } from '../helpers/app';

let t: TestApp;
beforeAll(async () => {
  t = await testApp({ seed: false });
});
afterAll(() => t.close());

describe('the shipped course content', () => {
  const courses = readCourseFiles();

  test('covers every policy module × child stage with at least 3 lessons mixing articles, audio and video, and a quiz', () => {
    const pairs = new Set(courses.flatMap((c) => c.stages.map((s) => `${c.module}/${s}`)));
    for (const m of Object.keys(MODULE_LABELS)) for (const s of Object.keys(STAGE_LABELS)) expect(pairs).toContain(`${m}/${s}`);
    expect(courses.length).toBeGreaterThanOrEqual(25);
    for (const c of courses) {
      expect(c.lessons.length).toBeGreaterThanOrEqual(3);
      expect(c.quiz?.questions.length).toBeGreaterThanOrEqual(3);
    }
    const kinds = new Set(courses.flatMap((c) => c.lessons.map((l) => l.kind)));
    expect([...kinds].sort()).toEqual(['article', 'audio', 'video']);
  });

  test('quiz keys are balanced: no option position holds more than 40 % of the answers, no quiz has all its answers in one position', () => {
    const questions = courses.flatMap((c) => c.quiz?.questions ?? []);
    const byPosition = new Map<number, number>();
    for (const q of questions) byPosition.set(q.answer, (byPosition.get(q.answer) ?? 0) + 1);
    const crowded = [...byPosition].filter(([, n]) => n > 0.4 * questions.length).map(([position, n]) => `${'ABCDEF'[position]}: ${n} of ${questions.length}`);
    expect(crowded).toEqual([]);
    const oneNote = courses.filter((c) => new Set(c.quiz?.questions.map((q) => q.answer)).size === 1).map((c) => c.slug);
    expect(oneNote).toEqual([]);
    for (const q of questions) expect(new Set(q.options).size).toBe(q.options.length);
  });

  test('every audio and video lesson has its media file, shipped small', () => {
    for (const c of courses) {
      for (const l of c.lessons.filter((x) => x.kind !== 'article')) {
        const file = path.join(CONTENT_DIR, 'media', l.media as string);
        expect(fs.existsSync(file)).toBe(true);
        expect(fs.statSync(file).size).toBeLessThan(500 * 1024);
      }
    }
  });

  test('imports into the database, and importing again changes nothing, quiz question ids included', async () => {
    expect(await importCourses(t.db, courses)).toBe(courses.length);
    const count = async () => (await t.db.query<{ c: number; l: number; q: number }>(
      'SELECT (SELECT count(*)::int FROM courses) AS c, (SELECT count(*)::int FROM lessons) AS l, (SELECT count(*)::int FROM quiz_questions) AS q',
    ))[0];
    const first = await count();
    const questionIds = async () => (await t.db.query<{ id: string }>('SELECT id FROM quiz_questions ORDER BY course_id, position')).map((r) => r.id);
    const ids = await questionIds();
    await importCourses(t.db, courses);
    expect(await count()).toEqual(first);
    // Question ids (and so option ids, quiz.ts) survive a re-import: a quiz open across a restart still submits.
    expect(await questionIds()).toEqual(ids);
    expect(first.l).toBe(courses.reduce((n, c) => n + c.lessons.length, 0));
  });

  test('media are served with byte ranges (for seeking); nothing else in the folder is', async () => {
    const media = courses.flatMap((c) => c.lessons).find((l) => l.kind === 'video')!.media as string;
    const whole = await t.call('GET', `/media/${media}`);
    expect(whole.status).toBe(200);
    const part = await t.call('GET', `/media/${media}`, { headers: { range: 'bytes=0-99' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toMatch(/^bytes 0-99\/\d+$/);
    expect((await t.call('GET', '/media/generate.sh')).status).toBe(404);
    expect((await t.call('GET', '/media/../../env.ts')).status).toBe(404);
    expect((await t.call('GET', '/media/missing.mp4')).status).toBe(404);
  });
});
