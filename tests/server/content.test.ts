import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CourseContent } from '../../types';
import { CONTENT_DIR, importCourses, readCourseFiles } from '../../src/server/domain/learning/content';
import { MODULE_LABELS, STAGE_LABELS } from '../../src/shared/labels';
import { testApp, type TestApp } from '../helpers/app';

/** Runs the content check (src/server/content/check.mjs) on a content folder: its exit status, output and summary line. */
function runCheck(dir: string): { status: number | null; output: string; summary: Record<string, number> } {
  const run = spawnSync('node', [path.join(CONTENT_DIR, 'check.mjs'), dir], { encoding: 'utf8', maxBuffer: 16 << 20 });
  const output = `${run.stdout}${run.stderr}`;
  const line = output.split('\n').find((l) => l.startsWith('SUMMARY '));
  return { status: run.status, output, summary: line ? JSON.parse(line.slice('SUMMARY '.length)) : {} };
}

/** A scratch copy of the shipped content (course files copied, media linked), with the course files changed by `edit`. */
function contentCopy(edit: (courses: CourseContent[]) => void): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xq-content-'));
  scratch.push(dir);
  fs.mkdirSync(path.join(dir, 'courses'));
  fs.mkdirSync(path.join(dir, 'media'));
  const files = fs.readdirSync(path.join(CONTENT_DIR, 'courses')).filter((f) => f.endsWith('.json')).sort();
  const all = files.map((f) => JSON.parse(fs.readFileSync(path.join(CONTENT_DIR, 'courses', f), 'utf8')) as CourseContent);
  edit(all);
  all.forEach((c, i) => fs.writeFileSync(path.join(dir, 'courses', files[i]), `${JSON.stringify(c, null, 2)}\n`));
  for (const f of fs.readdirSync(path.join(CONTENT_DIR, 'media'))) fs.symlinkSync(path.join(CONTENT_DIR, 'media', f), path.join(dir, 'media', f));
  return dir;
}

const scratch: string[] = [];
afterAll(() => {
  for (const dir of scratch) fs.rmSync(dir, { recursive: true, force: true });
});

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

  test('the content check passes: 75 lessons, 50 distinct media with captions, durations from the media, under 60 MB', () => {
    const { status, output, summary } = runCheck(CONTENT_DIR);
    expect(output.split('\n').filter((line) => line.startsWith('ERROR'))).toEqual([]);
    expect(status).toBe(0);
    expect(summary).toMatchObject({ courses: 25, lessons: 75, article: 25, audio: 25, video: 25, distinctMedia: 50, errors: 0 });
    expect(summary.mediaBytes).toBeLessThan(60 * 1024 * 1024);
    expect(summary.mediaMinSeconds).toBeGreaterThanOrEqual(240);
    expect(summary.mediaMaxSeconds).toBeLessThanOrEqual(480);
    // The per-lesson table: one row per lesson.
    for (const c of courses) for (const l of c.lessons) expect(output).toContain(`${c.slug}/${l.slug}`);
  }, 120_000);

  test('the content check fails when two lessons share a media file, or a lesson\'s duration lies', () => {
    const [first, second] = courses.flatMap((c) => c.lessons.filter((l) => l.kind === 'audio').map((l) => ({ course: c, lesson: l })));
    const shared = contentCopy((all) => {
      const target = all.find((c) => c.slug === second.course.slug)!.lessons.find((l) => l.slug === second.lesson.slug)!;
      target.media = first.lesson.media;
    });
    const sharedRun = runCheck(shared);
    expect(sharedRun.status).toBe(1);
    expect(sharedRun.output).toContain(`ERROR ${first.lesson.media}: shared by 2 lessons`);
    expect(sharedRun.summary.distinctMedia).toBe(49);

    const lie = contentCopy((all) => {
      all.find((c) => c.slug === first.course.slug)!.lessons.find((l) => l.slug === first.lesson.slug)!.durationSeconds += 40;
    });
    const lieRun = runCheck(lie);
    expect(lieRun.status).toBe(1);
    expect(lieRun.output).toMatch(new RegExp(`ERROR .*\\(${first.lesson.slug}\\): durationSeconds ${first.lesson.durationSeconds + 40} but ${first.lesson.media!.replace(/\./g, '\\.')} lasts ${first.lesson.durationSeconds} s`));

    // A lesson narrated from another script: its media no longer fits its transcript.
    const swapped = contentCopy((all) => {
      const target = all.find((c) => c.slug === first.course.slug)!.lessons.find((l) => l.slug === first.lesson.slug)!;
      target.body = target.body.slice(0, Math.ceil(target.body.length / 2));
    });
    const swappedRun = runCheck(swapped);
    expect(swappedRun.status).toBe(1);
    expect(swappedRun.output).toMatch(new RegExp(`ERROR .*\\(${first.lesson.slug}\\): .*more than 10 % apart`));
    expect(swappedRun.output).toMatch(new RegExp(`ERROR .*\\(${first.lesson.slug}\\): .*does not spell the lesson's script`));
  }, 180_000);

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

  test('media are served with byte ranges (for seeking), captions as text/vtt; nothing else in the folder is', async () => {
    const media = courses.flatMap((c) => c.lessons).find((l) => l.kind === 'video')!.media as string;
    const whole = await t.call('GET', `/media/${media}`);
    expect(whole.status).toBe(200);
    const part = await t.call('GET', `/media/${media}`, { headers: { range: 'bytes=0-99' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toMatch(/^bytes 0-99\/\d+$/);
    const captions = await t.call('GET', `/media/${media.replace(/\.mp4$/, '.vtt')}`);
    expect(captions.status).toBe(200);
    expect(captions.headers.get('content-type')).toMatch(/^text\/vtt/);
    expect(captions.body).toMatch(/^WEBVTT\n\n1\n00:00:\d\d\.\d{3} --> /);
    for (const script of ['generate.sh', 'generate.mjs', 'speech.mjs', 'manifest.json']) expect((await t.call('GET', `/media/${script}`)).status).toBe(404);
    expect((await t.call('GET', '/media/../../env.ts')).status).toBe(404);
    expect((await t.call('GET', '/media/missing.mp4')).status).toBe(404);
  });
});
