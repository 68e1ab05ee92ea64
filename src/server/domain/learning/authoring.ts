/**
 * The course authoring console: platform administrators write any course, 妇联 staff their region's own (the region
 * they serve or one below it). Saving goes through the import's upsert by slug, so lessons keep their ids and parents'
 * progress; a published course is edited in place and must stay publishable on every save. Drafts are invisible to
 * parents (courses.ts, ingest's xq_progress_state). Every create, save, publish and unpublish is audited (course_audit).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type {
  AuthoringCourseInput, AuthoringCourseOutput, AuthoringCourseSummary, AuthoringLesson, AuthoringListOutput, AuthoringListQuery, AuthoringProblem,
  AuthoringRegion, CourseContent, CourseDetailOutput, LessonDetailOutput, PolicyModule, Stage,
} from '../../../../types';
import type { AppDeps } from '../../deps';
import { AppError } from '../errors';
import { iso, maybeOne, one, type Sql } from '../../storage/db';
import type { Caller } from '../caller';
import { regionWithin, requireId } from '../registry';
import { CONTENT_DIR, lessonMedia, upsertCourse } from './content';
import { SAFETY_MODULES } from './courses';

const MISSING = '课程不存在';
/** Reading speed used for an article's duration: about 300 汉字 a minute, at least a minute. */
const CHARS_PER_SECOND = 5;

interface CourseRow {
  id: string; slug: string; title: string; summary: string; module: PolicyModule; stages: Stage[]; quiz_pass_mark: number | null;
  published: boolean; region_id: string | null; region_name: string | null; origin: 'content' | 'console'; version: number; updated_at: Date;
}
interface LessonRow { id: string; slug: string; title: string; kind: 'article' | 'audio' | 'video'; duration_seconds: number; media: string | null; body: string[] }
interface MediaRow { name: string; duration_seconds: string | number; has_video: boolean }

/** Splits the editor's markup into the lesson's blocks (one per non-empty line). */
export function markupBlocks(text: string): string[] {
  return text.split(/\r?\n/).map((l) => l.replace(/\s+$/, '')).filter((l) => l.trim() !== '');
}

/** Seconds an article takes to read: its characters at CHARS_PER_SECOND, at least 60. */
export function readingSeconds(blocks: string[]): number {
  const chars = blocks.join('').replace(/^##\s|^-\s|\s/gm, '').length;
  return Math.max(60, Math.ceil(chars / CHARS_PER_SECOND));
}

/** What stands between a course and publishing it, by field, in Chinese. */
export function publishProblems(input: AuthoringCourseInput, media: Map<string, { hasVideo: boolean }>, shipped: Set<string>): AuthoringProblem[] {
  const out: AuthoringProblem[] = [];
  if (input.lessons.length === 0) out.push({ path: 'lessons', message: '至少添加一个课时' });
  input.lessons.forEach((l, i) => {
    const blocks = markupBlocks(l.text);
    if (l.kind === 'article' && blocks.join('').length < 20) out.push({ path: `lessons.${i}.text`, message: `第 ${i + 1} 课时：文章正文至少 20 字` });
    if (l.kind !== 'article') {
      if (!l.media) out.push({ path: `lessons.${i}.media`, message: `第 ${i + 1} 课时：请上传${l.kind === 'video' ? '视频' : '音频'}文件` });
      else if (l.kind === 'video' && !shipped.has(l.media) && !media.get(l.media)?.hasVideo) out.push({ path: `lessons.${i}.media`, message: `第 ${i + 1} 课时：视频课时须上传含画面的 MP4 文件` });
      if (blocks.length === 0) out.push({ path: `lessons.${i}.text`, message: `第 ${i + 1} 课时：请填写文字稿（家长可对照阅读）` });
    }
  });
  const n = input.quiz.questions.length;
  if (n < 4 || n > 6) out.push({ path: 'quiz.questions', message: `测验须有 4–6 道题（现有 ${n} 道）` });
  return out;
}

/** Structural checks every save needs (the database and the quiz's grading depend on them), by field. */
function saveProblems(input: AuthoringCourseInput): AuthoringProblem[] {
  const out: AuthoringProblem[] = [];
  input.lessons.forEach((l, i) => {
    markupBlocks(l.text).forEach((b) => {
      if (b.length > 2000) out.push({ path: `lessons.${i}.text`, message: `第 ${i + 1} 课时：每段最多 2000 字，请分段` });
    });
    if (l.kind === 'article' && l.media) out.push({ path: `lessons.${i}.media`, message: `第 ${i + 1} 课时：文章课时不能附音视频` });
  });
  input.quiz.questions.forEach((q, i) => {
    if (q.answer >= q.options.length) out.push({ path: `quiz.questions.${i}.answer`, message: `第 ${i + 1} 题：请选择正确答案` });
    if (new Set(q.options.map((o) => o.trim())).size !== q.options.length) out.push({ path: `quiz.questions.${i}.options`, message: `第 ${i + 1} 题：选项不能重复` });
  });
  return out;
}

/** The authoring service: built per request for a logged-in caller. */
export class AuthoringService {
  constructor(private readonly deps: AppDeps, private readonly caller: Caller) {}

  /** The regions the caller may own courses in: null for an administrator (any region, or none). */
  private scopes(): string[] | null {
    if (this.caller.isAdmin) return null;
    const scopes = this.caller.scopesOf('federation_staff');
    if (scopes.length === 0) throw new AppError('FORBIDDEN', '只有平台管理员和妇联工作人员可以编写课程');
    return scopes;
  }

  /** The courses the caller may edit, filtered; drafts included. */
  async list(query: AuthoringListQuery): Promise<AuthoringListOutput> {
    const scopes = this.scopes();
    const params: unknown[] = [];
    const where: string[] = [];
    if (scopes) { params.push(scopes); where.push(`c.region_id IN (SELECT s.id FROM unnest($${params.length}::uuid[]) AS r(id), subtree(r.id) s)`); }
    if (query.module) { params.push(query.module); where.push(`c.module = $${params.length}`); }
    if (query.stage) { params.push(query.stage); where.push(`$${params.length} = ANY(c.stages)`); }
    if (query.status) where.push(query.status === 'draft' ? 'NOT c.published' : 'c.published');
    const rows = await this.deps.db.query<CourseRow & { lesson_count: number; question_count: number }>(
      `SELECT c.id, c.title, c.module, c.stages, c.published, c.region_id, r.name AS region_name, c.origin, c.version, c.updated_at,
              (SELECT count(*)::int FROM lessons l WHERE l.course_id = c.id AND NOT l.retired) AS lesson_count,
              (SELECT count(*)::int FROM quiz_questions q WHERE q.course_id = c.id) AS question_count
         FROM courses c LEFT JOIN regions r ON r.id = c.region_id
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY c.published, c.updated_at DESC, c.title`,
      params,
    );
    const courses: AuthoringCourseSummary[] = rows.map((r) => ({
      id: r.id, title: r.title, module: r.module, stages: r.stages, published: r.published, regionId: r.region_id, regionName: r.region_name,
      origin: r.origin, lessonCount: r.lesson_count, questionCount: r.question_count, version: r.version, updatedAt: iso(r.updated_at),
    }));
    const regions = await this.deps.db.query<AuthoringRegion>(
      scopes ? 'SELECT id, name FROM regions WHERE id = ANY($1::uuid[]) ORDER BY code' : "SELECT id, name FROM regions WHERE level IN ('province', 'city') ORDER BY code",
      scopes ? [scopes] : [],
    );
    return { courses, regions, canCreatePlatform: scopes === null };
  }

  /** One course in the editor. */
  async get(courseId: string): Promise<AuthoringCourseOutput> {
    return this.describe(this.deps.db, await this.requireCourse(this.deps.db, courseId, false));
  }

  /** Creates a draft course (only parents of its region see it once published, or everyone for a platform course). */
  async create(input: AuthoringCourseInput): Promise<AuthoringCourseOutput> {
    const regionId = await this.ownerRegion(this.deps.db, input.regionId);
    const now = this.deps.clock();
    return this.deps.db.transaction(async (tx) => {
      const slug = `c-${randomBytes(6).toString('hex')}`;
      await tx.query(
        `INSERT INTO courses (slug, title, summary, module, stages, published, region_id, origin, updated_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, false, $6, 'console', $7, $8, $8)`,
        [slug, input.title, input.summary, input.module, input.stages, regionId, this.caller.userId, now],
      );
      const row = await one<CourseRow>(tx, `${COURSE_SELECT} WHERE c.slug = $1`, [slug]);
      await this.write(tx, row, input, true);
      await this.audit(tx, row.id, 'created', { title: input.title, lessons: input.lessons.length, questions: input.quiz.questions.length });
      return this.describe(tx, await this.requireCourse(tx, row.id, false));
    });
  }

  /** Saves a course edited from `version`; another save in between answers CONFLICT. A published course must stay publishable. */
  async save(courseId: string, input: AuthoringCourseInput & { version: number }): Promise<AuthoringCourseOutput> {
    return this.deps.db.transaction(async (tx) => {
      const row = await this.requireCourse(tx, courseId, true);
      if (row.version !== input.version) throw new AppError('CONFLICT', `这门课程已被他人修改（现为第 ${row.version} 版），请刷新后在最新内容上修改`);
      const regionId = input.regionId === row.region_id ? row.region_id : await this.ownerRegion(tx, input.regionId);
      await this.write(tx, row, input, !row.published);
      if (row.published) {
        const problems = await this.problemsOf(tx, input, row.id);
        if (problems.length) throw new AppError('VALIDATION_FAILED', '已发布的课程保存后仍须可以发布；如需大幅修改，请先下线', problems);
      }
      await tx.query(
        `UPDATE courses SET version = version + 1, origin = 'console', region_id = $2, updated_by = $3, updated_at = $4 WHERE id = $1`,
        [row.id, regionId, this.caller.userId, this.deps.clock()],
      );
      await this.audit(tx, row.id, 'saved', { version: row.version + 1, lessons: input.lessons.length, questions: input.quiz.questions.length, published: row.published });
      return this.describe(tx, await this.requireCourse(tx, row.id, false));
    });
  }

  /** Publishes (or, with false, takes back) the version the author saw; repeating it changes nothing. */
  async setPublished(courseId: string, version: number, published: boolean): Promise<AuthoringCourseOutput> {
    return this.deps.db.transaction(async (tx) => {
      const row = await this.requireCourse(tx, courseId, true);
      if (row.published === published) return this.describe(tx, row);
      if (row.version !== version) throw new AppError('CONFLICT', `这门课程已被他人修改（现为第 ${row.version} 版），请刷新后再${published ? '发布' : '下线'}`);
      if (published) {
        const current = await this.describe(tx, row);
        if (current.problems.length) throw new AppError('VALIDATION_FAILED', '课程还不能发布，请先补全以下内容', current.problems);
      }
      await tx.query('UPDATE courses SET published = $2, origin = \'console\', updated_by = $3, updated_at = $4 WHERE id = $1', [row.id, published, this.caller.userId, this.deps.clock()]);
      await this.audit(tx, row.id, published ? 'published' : 'unpublished', { version: row.version });
      return this.describe(tx, await this.requireCourse(tx, row.id, false));
    });
  }

  /** The course as a parent would see its outline (no progress, nothing written), drafts included. */
  async preview(courseId: string): Promise<CourseDetailOutput> {
    const { db } = this.deps;
    const row = await this.requireCourse(db, courseId, false);
    const lessons = await this.lessons(db, row.id);
    const questions = await one<{ n: number }>(db, 'SELECT count(*)::int AS n FROM quiz_questions WHERE course_id = $1', [row.id]);
    const safety = SAFETY_MODULES.includes(row.module);
    return {
      course: {
        id: row.id, slug: row.slug, title: row.title, summary: row.summary, module: row.module, stages: row.stages, lessonCount: lessons.length,
        durationSeconds: lessons.reduce((s, l) => s + l.duration_seconds, 0), hasQuiz: row.quiz_pass_mark !== null, mine: null,
      },
      lessons: lessons.map((l) => ({ id: l.id, slug: l.slug, title: l.title, kind: l.kind, durationSeconds: l.media || l.kind === 'article' ? l.duration_seconds : 0, safetyCard: safety, progress: null })),
      quiz: row.quiz_pass_mark === null ? null : { questionCount: questions.n, passMark: row.quiz_pass_mark, attempts: 0, passed: false },
      certificate: null,
      schoolContacts: [],
    };
  }

  /** A lesson as a parent would see it (read-only: no lesson open, no progress). */
  async previewLesson(courseId: string, lessonId: string): Promise<LessonDetailOutput> {
    const { db } = this.deps;
    const row = await this.requireCourse(db, courseId, false);
    const lessons = await this.lessons(db, row.id);
    const at = lessons.findIndex((l) => l.id === lessonId);
    const l = lessons[at];
    if (!l) throw new AppError('NOT_FOUND', '课时不存在');
    return {
      lesson: { id: l.id, slug: l.slug, title: l.title, kind: l.kind, durationSeconds: l.duration_seconds, safetyCard: SAFETY_MODULES.includes(row.module), progress: null },
      courseId: row.id, courseTitle: row.title, body: l.body, ...lessonMedia(l.media), schoolContacts: [], nextLessonId: lessons[at + 1]?.id ?? null,
    };
  }

  /** The owner region of a new (or moved) course: an administrator any region or none; 妇联 staff one in their scope. */
  private async ownerRegion(sql: Sql, regionId: string | null): Promise<string | null> {
    const scopes = this.scopes();
    if (regionId === null) {
      if (scopes === null) return null;
      if (scopes.length === 1) return scopes[0] as string;
      throw new AppError('VALIDATION_FAILED', '请选择课程所属地区', [{ path: 'body.regionId', message: '请选择课程所属地区' }]);
    }
    const region = await maybeOne<{ id: string }>(sql, 'SELECT id FROM regions WHERE id = $1', [requireId(regionId, '地区')]);
    if (!region) throw new AppError('NOT_FOUND', '地区不存在');
    if (scopes === null) return region.id;
    for (const own of scopes) if (await regionWithin(sql, region.id, own)) return region.id;
    throw new AppError('NOT_FOUND', '地区不存在');
  }

  /** A course the caller may edit (another region's answers as if it did not exist); `lock` takes its row lock. */
  private async requireCourse(sql: Sql, courseId: string, lock: boolean): Promise<CourseRow> {
    const scopes = this.scopes();
    const row = await maybeOne<CourseRow>(sql, `${COURSE_SELECT} WHERE c.id = $1${lock ? ' FOR UPDATE OF c' : ''}`, [requireId(courseId, '课程')]);
    if (!row) throw new AppError('NOT_FOUND', MISSING);
    if (scopes === null) return row;
    if (row.region_id) for (const own of scopes) if (await regionWithin(sql, row.region_id, own)) return row;
    throw new AppError('NOT_FOUND', MISSING);
  }

  private lessons(sql: Sql, courseId: string): Promise<LessonRow[]> {
    return sql.query<LessonRow>('SELECT id, slug, title, kind, duration_seconds, media, body FROM lessons WHERE course_id = $1 AND NOT retired ORDER BY position', [courseId]);
  }

  /** The uploaded media the input names, and which names are the course's own shipped files (already on its lessons). */
  private async mediaOf(sql: Sql, input: AuthoringCourseInput, courseId: string): Promise<{ uploaded: Map<string, MediaRow>; shipped: Map<string, number> }> {
    const names = [...new Set(input.lessons.map((l) => l.media).filter((m): m is string => !!m))];
    const uploaded = new Map((await sql.query<MediaRow>('SELECT name, duration_seconds, has_video FROM media_files WHERE name = ANY($1::text[])', [names])).map((m) => [m.name, m]));
    const current = await sql.query<{ media: string; duration_seconds: number }>('SELECT media, duration_seconds FROM lessons WHERE course_id = $1 AND media IS NOT NULL', [courseId]);
    const mediaDir = path.join(CONTENT_DIR, 'media');
    const shipped = new Map(current.filter((c) => !uploaded.has(c.media) && fs.existsSync(path.join(mediaDir, path.basename(c.media)))).map((c) => [c.media, c.duration_seconds]));
    return { uploaded, shipped };
  }

  private async problemsOf(sql: Sql, input: AuthoringCourseInput, courseId: string): Promise<AuthoringProblem[]> {
    const { uploaded, shipped } = await this.mediaOf(sql, input, courseId);
    return publishProblems(input, new Map([...uploaded].map(([k, v]) => [k, { hasVideo: v.has_video }])), new Set(shipped.keys()));
  }

  /** Writes the content through the import's upsert (lessons by slug: new lessons get a new slug, ids keep progress). */
  private async write(tx: Sql, row: CourseRow, input: AuthoringCourseInput, draft: boolean): Promise<void> {
    const problems = saveProblems(input);
    const { uploaded, shipped } = await this.mediaOf(tx, input, row.id);
    input.lessons.forEach((l, i) => {
      if (l.media && !uploaded.has(l.media) && !shipped.has(l.media)) problems.push({ path: `lessons.${i}.media`, message: `第 ${i + 1} 课时：媒体文件不存在，请重新上传` });
    });
    const existing = await tx.query<{ id: string; slug: string }>('SELECT id, slug FROM lessons WHERE course_id = $1', [row.id]);
    const slugById = new Map(existing.map((l) => [l.id, l.slug]));
    input.lessons.forEach((l, i) => {
      if (l.id !== null && !slugById.has(l.id)) problems.push({ path: `lessons.${i}.id`, message: `第 ${i + 1} 课时不属于这门课程，请刷新后重试` });
    });
    if (new Set(input.lessons.map((l) => l.id).filter(Boolean)).size !== input.lessons.filter((l) => l.id).length) problems.push({ path: 'lessons', message: '课时重复，请刷新后重试' });
    if (problems.length) throw new AppError('VALIDATION_FAILED', '请修改标出的内容后再保存', problems);
    const content: CourseContent = {
      slug: row.slug, title: input.title, summary: input.summary, module: input.module, stages: input.stages,
      lessons: input.lessons.map((l) => {
        const body = markupBlocks(l.text);
        const media = l.kind === 'article' ? undefined : l.media ?? undefined;
        const seconds = !media ? (l.kind === 'article' ? readingSeconds(body) : 1)
          : uploaded.has(media) ? Math.max(1, Math.round(Number((uploaded.get(media) as MediaRow).duration_seconds))) : (shipped.get(media) as number);
        return { slug: (l.id && slugById.get(l.id)) || `l-${randomBytes(5).toString('hex')}`, title: l.title, kind: l.kind, durationSeconds: seconds, media, body };
      }),
      quiz: input.quiz.questions.length ? { passMark: input.quiz.passMark, questions: input.quiz.questions } : undefined,
    };
    await upsertCourse(tx, content, { draft });
    if (!content.quiz) await tx.query('UPDATE courses SET quiz_pass_mark = NULL WHERE id = $1', [row.id]);
  }

  private async audit(tx: Sql, courseId: string, action: 'created' | 'saved' | 'published' | 'unpublished', detail: Record<string, unknown>): Promise<void> {
    await tx.query('INSERT INTO course_audit (at, actor_id, course_id, action, detail) VALUES ($1, $2, $3, $4, $5)', [this.deps.clock(), this.caller.userId, courseId, action, JSON.stringify(detail)]);
  }

  private async describe(sql: Sql, row: CourseRow): Promise<AuthoringCourseOutput> {
    const lessons = await this.lessons(sql, row.id);
    const questions = await sql.query<{ prompt: string; options: string[]; answer: number; explanation: string }>(
      'SELECT prompt, options, answer, explanation FROM quiz_questions WHERE course_id = $1 ORDER BY position', [row.id],
    );
    const editorLessons: AuthoringLesson[] = lessons.map((l) => {
      const text = l.body.join('\n');
      const hasDuration = l.kind === 'article' || l.media !== null;
      return { id: l.id, title: l.title, kind: l.kind, text, media: l.media, durationSeconds: hasDuration ? l.duration_seconds : 0, mediaUrl: l.media ? `/media/${l.media}` : null };
    });
    const course = {
      title: row.title, summary: row.summary, module: row.module, stages: row.stages, regionId: row.region_id,
      lessons: editorLessons, quiz: { passMark: row.quiz_pass_mark ?? 80, questions },
    };
    return {
      id: row.id, slug: row.slug, published: row.published, origin: row.origin, version: row.version, regionName: row.region_name, updatedAt: iso(row.updated_at),
      course, problems: await this.problemsOf(sql, course, row.id),
    };
  }
}

const COURSE_SELECT = `SELECT c.id, c.slug, c.title, c.summary, c.module, c.stages, c.quiz_pass_mark, c.published, c.region_id, r.name AS region_name,
    c.origin, c.version, c.updated_at FROM courses c LEFT JOIN regions r ON r.id = c.region_id`;
