/** Course content: the JSON files in src/server/content/courses, imported (upserted by slug) into the database. */
import fs from 'node:fs';
import path from 'node:path';
import type { CourseContent } from '../../../../types';
import { AppError } from '../errors';
import { CourseContentSchema, issueList } from './content-schema';
import { maybeOne, one, type Sql } from '../../storage/db';

/** Where the shipped content lives. */
export const CONTENT_DIR = path.resolve(__dirname, '..', '..', 'content');

/** The URL of a media file's WebVTT captions (`x.mp4` → `/media/x.vtt`) when the media folder holds them, else null. */
export function captionsUrl(media: string | null, dir: string = path.join(CONTENT_DIR, 'media')): string | null {
  if (!media) return null;
  const vtt = `${media.replace(/\.[a-z0-9]+$/, '')}.vtt`;
  return fs.existsSync(path.join(dir, vtt)) ? `/media/${vtt}` : null;
}

/** Where a lesson's media and captions are served: both null for an article. */
export function lessonMedia(media: string | null): { mediaUrl: string | null; captionsUrl: string | null } {
  return { mediaUrl: media ? `/media/${media}` : null, captionsUrl: captionsUrl(media) };
}

/** Reads and validates every course file; throws naming the file and field that are wrong. */
export function readCourseFiles(dir: string = path.join(CONTENT_DIR, 'courses')): CourseContent[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const parsed = CourseContentSchema.safeParse(JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')));
      if (!parsed.success) throw new Error(`${f}: ${issueList(parsed.error).join('; ')}`);
      return parsed.data;
    });
}

/**
 * Inserts or updates one course by slug: lessons keep their ids (and parents' progress) by slug, removed lessons retire;
 * quiz questions keep their ids by position. `draft`: an audio or video lesson may still lack its media (authoring).
 */
export async function upsertCourse(tx: Sql, c: CourseContent, opts: { draft?: boolean } = {}): Promise<string> {
  const slugs = new Set<string>();
  for (const l of c.lessons) {
    if (slugs.has(l.slug)) throw new AppError('VALIDATION_FAILED', `课时标识重复：${l.slug}`);
    slugs.add(l.slug);
    if (l.kind !== 'article' && !l.media && !opts.draft) throw new AppError('VALIDATION_FAILED', `音频、视频课时须有媒体文件：${l.slug}`);
    if (l.slides && l.kind !== 'video') throw new AppError('VALIDATION_FAILED', `只有视频课时可以有幻灯片：${l.slug}`);
    const at = (l.slides ?? []).map((x) => x.at);
    if (at.length > 0 && (at[0] !== 0 || at.some((a, i) => a >= l.body.length || (i > 0 && a <= at[i - 1])))) {
      throw new AppError('VALIDATION_FAILED', `幻灯片须从第 1 段开始、按段落顺序递增且不超出文稿：${l.slug}`);
    }
  }
  for (const q of c.quiz?.questions ?? []) {
    if (q.answer >= q.options.length) throw new AppError('VALIDATION_FAILED', `测验答案超出选项范围：${q.prompt}`);
    if (new Set(q.options.map((o) => o.trim())).size !== q.options.length) throw new AppError('VALIDATION_FAILED', `测验选项重复：${q.prompt}`);
  }
  const existing = await maybeOne<{ id: string }>(tx, 'SELECT id FROM courses WHERE slug = $1', [c.slug]);
  const course = existing
    ? await one<{ id: string }>(
        tx,
        `UPDATE courses SET title = $2, summary = $3, module = $4, stages = $5, quiz_pass_mark = $6, updated_at = now()
          WHERE id = $1 RETURNING id`,
        [existing.id, c.title, c.summary, c.module, c.stages, c.quiz?.passMark ?? null],
      )
    : await one<{ id: string }>(
        tx,
        'INSERT INTO courses (slug, title, summary, module, stages, quiz_pass_mark) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id',
        [c.slug, c.title, c.summary, c.module, c.stages, c.quiz?.passMark ?? null],
      );
  await tx.query('UPDATE lessons SET retired = true, position = position + 1000 WHERE course_id = $1 AND NOT (slug = ANY($2))', [course.id, [...slugs]]);
  for (const [i, l] of c.lessons.entries()) {
    await tx.query(
      `INSERT INTO lessons (course_id, slug, position, title, kind, duration_seconds, media, body)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (course_id, slug) DO UPDATE SET position = excluded.position, title = excluded.title, kind = excluded.kind,
         duration_seconds = excluded.duration_seconds, media = excluded.media, body = excluded.body, retired = false`,
      [course.id, l.slug, i + 1, l.title, l.kind, l.durationSeconds, l.media ?? null, l.body],
    );
  }
  // Questions keep their ids by position, so option ids (derived from question id and text, quiz.ts) survive a re-import.
  const questions = c.quiz?.questions ?? [];
  await tx.query('DELETE FROM quiz_questions WHERE course_id = $1 AND position > $2', [course.id, questions.length]);
  for (const [i, q] of questions.entries()) {
    await tx.query(
      `INSERT INTO quiz_questions (course_id, position, prompt, options, answer, explanation) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (course_id, position) DO UPDATE SET prompt = excluded.prompt, options = excluded.options, answer = excluded.answer, explanation = excluded.explanation`,
      [course.id, i + 1, q.prompt, q.options, q.answer, q.explanation],
    );
  }
  return course.id;
}

/**
 * Imports every shipped course file in one transaction; returns how many courses were written. A course that staff
 * have edited in the authoring console (origin 'console', migration 019) belongs to the console and is left alone.
 */
export async function importCourses(db: { transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T> }, courses: CourseContent[] = readCourseFiles()): Promise<number> {
  return db.transaction(async (tx) => {
    const owned = new Set((await tx.query<{ slug: string }>("SELECT slug FROM courses WHERE origin = 'console'")).map((r) => r.slug));
    const shipped = courses.filter((c) => !owned.has(c.slug));
    for (const c of shipped) await upsertCourse(tx, c);
    return shipped.length;
  });
}
