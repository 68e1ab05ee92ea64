/** The course catalogue, lessons, quizzes, completion and certificates, as one parent sees them. */
import type {
  CertificateOutput, CertificateVerifyOutput, CourseContent, CourseDetailOutput, CourseListOutput, CourseListQuery, CourseSummary, LessonDetailOutput,
  LessonKind, LessonProgress, LessonSummary, MyLearningOutput, PolicyModule, QuizAnswer, QuizOutput, QuizResultOutput, SchoolContact, Segment, Stage,
} from '../../../../types';
import type { AppDeps } from '../../deps';
import { AppError } from '../errors';
import { iso, isoOrNull, maybeOne, type Sql } from '../../storage/db';
import type { Caller } from '../caller';
import { groupCode, normaliseCode, randomCode } from '../codes';
import { requireId } from '../registry';
import { lessonMedia, upsertCourse } from './content';
import { attemptHistory, chosenIndexes, cooldownError, optionId, shuffled, standing, type AttemptHistory, type QuestionRow } from './quiz';

/** The modules whose lessons carry the safety card (hotline and school contacts). */
export const SAFETY_MODULES: PolicyModule[] = ['abnormal_awareness', 'mh_aid'];
const STAGE_ORDER = ['preschool', 'primary', 'junior', 'senior', 'vocational'];

interface CourseRow {
  id: string; slug: string; title: string; summary: string; module: PolicyModule; stages: Stage[]; quiz_pass_mark: number | null;
  lesson_count: number; duration_seconds: number; enrolled_at: Date | null; completed_at: Date | null; completed_lessons: number; last_activity_at: Date | null;
}
interface LessonRow {
  id: string; slug: string; title: string; kind: LessonKind; duration_seconds: number; media: string | null; body: string[]; course_id: string; module: PolicyModule;
  segments: Segment[] | null; credited_seconds: string | number | null; position: string | number | null; completed_at: Date | null;
}

/**
 * Who sees a course: a platform course (no region) everyone; a region's own course only parents with a bound child
 * (active guardianship) at a school in that region or below it. `$1` is the viewer (null for a guest: no region course).
 */
const VISIBLE_SQL = `(c.region_id IS NULL OR EXISTS (SELECT 1 FROM guardianships g JOIN students s ON s.id = g.student_id
    JOIN schools sc ON sc.id = s.school_id WHERE g.user_id = $1 AND g.revoked_at IS NULL AND sc.region_id IN (SELECT id FROM subtree(c.region_id))))`;

const COURSE_SQL = `SELECT c.id, c.slug, c.title, c.summary, c.module, c.stages, c.quiz_pass_mark,
    (SELECT count(*)::int FROM lessons l WHERE l.course_id = c.id AND NOT l.retired) AS lesson_count,
    (SELECT coalesce(sum(l.duration_seconds), 0)::int FROM lessons l WHERE l.course_id = c.id AND NOT l.retired) AS duration_seconds,
    e.enrolled_at, e.completed_at,
    greatest(e.last_activity_at, (SELECT max(p.updated_at) FROM lesson_progress p JOIN lessons l ON l.id = p.lesson_id
      WHERE p.user_id = $1 AND l.course_id = c.id)) AS last_activity_at,
    (SELECT count(*)::int FROM lesson_progress p JOIN lessons l ON l.id = p.lesson_id
      WHERE p.user_id = $1 AND l.course_id = c.id AND NOT l.retired AND p.completed_at IS NOT NULL) AS completed_lessons
  FROM courses c LEFT JOIN enrollments e ON e.course_id = c.id AND e.user_id = $1
  WHERE c.published AND ${VISIBLE_SQL}`;

function toSummary(r: CourseRow): CourseSummary {
  return {
    id: r.id, slug: r.slug, title: r.title, summary: r.summary, module: r.module, stages: r.stages,
    lessonCount: r.lesson_count, durationSeconds: r.duration_seconds, hasQuiz: r.quiz_pass_mark !== null,
    mine: r.enrolled_at ? { enrolledAt: iso(r.enrolled_at), completedLessons: r.completed_lessons, completedAt: isoOrNull(r.completed_at) } : null,
  };
}

/** The progress of a lesson from its row (null when never started). */
export function toProgress(r: Pick<LessonRow, 'segments' | 'credited_seconds' | 'position' | 'completed_at'>): LessonProgress | null {
  if (r.segments === null) return null;
  return {
    position: Number(r.position ?? 0),
    creditedSeconds: Number(r.credited_seconds ?? 0),
    segments: r.segments,
    completed: r.completed_at !== null,
    completedAt: isoOrNull(r.completed_at),
  };
}

function toLesson(r: LessonRow): LessonSummary {
  return {
    id: r.id, slug: r.slug, title: r.title, kind: r.kind, durationSeconds: r.duration_seconds,
    safetyCard: SAFETY_MODULES.includes(r.module), progress: toProgress(r),
  };
}

interface CertRow { code: string; display_name: string; course_title: string; module: PolicyModule; issued_at: Date }
const toCertificate = (r: CertRow): CertificateOutput => ({ code: r.code, displayName: r.display_name, courseTitle: r.course_title, module: r.module, issuedAt: iso(r.issued_at) });

/**
 * The published catalogue as `userId` sees it: with their enrolments, children's stages and courses to continue, or
 * (userId null: a guest) the same courses with none of them: the enrolment and progress joins match no row.
 */
async function catalogue(db: Sql, userId: string | null, query: CourseListQuery): Promise<CourseListOutput> {
  const myStages = userId === null ? [] : (await db.query<{ stage: Stage }>(
    `SELECT DISTINCT s.stage FROM guardianships g JOIN students s ON s.id = g.student_id WHERE g.user_id = $1 AND g.revoked_at IS NULL`,
    [userId],
  )).map((r) => r.stage).sort((a, b) => STAGE_ORDER.indexOf(a) - STAGE_ORDER.indexOf(b));
  const where: string[] = [];
  const params: unknown[] = [userId];
  if (query.module) { params.push(query.module); where.push(`c.module = $${params.length}`); }
  if (query.stage) { params.push(query.stage); where.push(`$${params.length} = ANY(c.stages)`); }
  if (query.q) {
    params.push(`%${query.q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`);
    where.push(`(c.title ILIKE $${params.length} OR c.summary ILIKE $${params.length})`);
  }
  params.push(myStages);
  const rows = await db.query<CourseRow>(
    `${COURSE_SQL} ${where.map((w) => `AND ${w}`).join(' ')}
     ORDER BY (c.stages && $${params.length}::text[]) DESC,
              array_position(ARRAY['preschool','primary','junior','senior','vocational'], c.stages[1]),
              array_position(ARRAY['mh_education','mh_aid','mh_care','abnormal_awareness','parent_child'], c.module), c.title`,
    params,
  );
  const continuing = userId === null ? [] : await db.query<CourseRow>(`${COURSE_SQL} AND e.enrolled_at IS NOT NULL AND e.completed_at IS NULL ORDER BY e.last_activity_at DESC LIMIT 5`, [userId]);
  return { courses: rows.map(toSummary), myStages, continueLearning: continuing.map(toSummary) };
}

/** A published course's outline (lessons, quiz size and pass mark) with `userId`'s progress and attempts, or none for a guest (null). */
async function outline(sql: Sql, userId: string | null, courseId: string): Promise<Omit<CourseDetailOutput, 'certificate' | 'schoolContacts'>> {
  const row = await maybeOne<CourseRow>(sql, `${COURSE_SQL} AND c.id = $2`, [userId, requireId(courseId, '课程')]);
  if (!row) throw new AppError('NOT_FOUND', '课程不存在');
  const lessons = await sql.query<LessonRow>(
    `SELECT l.id, l.slug, l.title, l.kind, l.duration_seconds, l.media, l.body, l.course_id, c.module,
            p.segments, p.credited_seconds, p.position, p.completed_at
       FROM lessons l JOIN courses c ON c.id = l.course_id
       LEFT JOIN lesson_progress p ON p.lesson_id = l.id AND p.user_id = $1
      WHERE l.course_id = $2 AND NOT l.retired ORDER BY l.position`,
    [userId, courseId],
  );
  let quiz: CourseDetailOutput['quiz'] = null;
  if (row.quiz_pass_mark !== null) {
    const [q] = await sql.query<{ n: number; attempts: number; passed: boolean }>(
      `SELECT (SELECT count(*)::int FROM quiz_questions WHERE course_id = $2) AS n,
              (SELECT count(*)::int FROM quiz_attempts WHERE course_id = $2 AND user_id = $1) AS attempts,
              EXISTS (SELECT 1 FROM quiz_attempts WHERE course_id = $2 AND user_id = $1 AND passed) AS passed`,
      [userId, courseId],
    );
    quiz = { questionCount: q.n, passMark: row.quiz_pass_mark, attempts: q.attempts, passed: q.passed };
  }
  return { course: toSummary(row), lessons: lessons.map(toLesson), quiz };
}

/**
 * What a guest may read without logging in: the published catalogue and course outlines (titles, summaries, lesson
 * titles, kinds and durations, the quiz's size and pass mark), with no per-user field. Lesson text and media, the
 * quiz's questions, enrolment and progress stay behind login (README, 课程内容).
 */
export class PublicCourses {
  constructor(private readonly db: Sql) {}

  /** The catalogue, filtered, as a guest sees it. */
  list(query: CourseListQuery): Promise<CourseListOutput> {
    return catalogue(this.db, null, query);
  }

  /** A course's outline, as a guest sees it. */
  async detail(courseId: string): Promise<CourseDetailOutput> {
    return { ...(await outline(this.db, null, courseId)), certificate: null, schoolContacts: [] };
  }
}

/** The course service: built per request for a logged-in caller. */
export class CourseService {
  constructor(private readonly deps: AppDeps, private readonly caller: Caller) {}

  /** The catalogue, filtered; courses for the caller's children's stages first. */
  list(query: CourseListQuery): Promise<CourseListOutput> {
    return catalogue(this.deps.db, this.caller.userId, query);
  }

  /** One course with its lessons, the caller's progress, quiz state and certificate, and their children's schools' contacts. */
  async detail(courseId: string, sql: Sql = this.deps.db): Promise<CourseDetailOutput> {
    const outlined = await outline(sql, this.caller.userId, courseId);
    const cert = await maybeOne<CertRow>(sql, 'SELECT code, display_name, course_title, module, issued_at FROM certificates WHERE user_id = $1 AND course_id = $2', [this.caller.userId, courseId]);
    const schoolContacts = outlined.lessons.some((l) => l.safetyCard) ? await this.schoolContacts() : [];
    return { ...outlined, certificate: cert ? toCertificate(cert) : null, schoolContacts };
  }

  /** Joins a course (idempotent). */
  async enroll(courseId: string): Promise<CourseDetailOutput> {
    const now = this.deps.clock();
    await this.detail(courseId);
    await this.deps.db.query(
      'INSERT INTO enrollments (user_id, course_id, enrolled_at, last_activity_at) VALUES ($1, $2, $3, $3) ON CONFLICT (user_id, course_id) DO NOTHING',
      [this.caller.userId, courseId, now],
    );
    return this.detail(courseId);
  }

  /** A lesson's content and the caller's progress in it. */
  async lesson(lessonId: string): Promise<LessonDetailOutput> {
    const { db } = this.deps;
    const row = await maybeOne<LessonRow & { course_title: string; lesson_position: number }>(
      db,
      `SELECT l.id, l.slug, l.title, l.kind, l.duration_seconds, l.media, l.body, l.course_id, l.position AS lesson_position, c.module, c.title AS course_title,
              p.segments, p.credited_seconds, p.position, p.completed_at
         FROM lessons l JOIN courses c ON c.id = l.course_id AND c.published AND ${VISIBLE_SQL}
         LEFT JOIN lesson_progress p ON p.lesson_id = l.id AND p.user_id = $1
        WHERE l.id = $2 AND NOT l.retired`,
      [this.caller.userId, requireId(lessonId, '课时')],
    );
    if (!row) throw new AppError('NOT_FOUND', '课时不存在');
    // The first time the parent reaches a lesson starts its credit budget (ingest.ts): the server's clock, not the phone's.
    await db.query('INSERT INTO lesson_opens (user_id, lesson_id, first_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [this.caller.userId, row.id, this.deps.clock()]);
    const next = await maybeOne<{ id: string }>(db, 'SELECT id FROM lessons WHERE course_id = $1 AND position > $2 AND NOT retired ORDER BY position LIMIT 1', [row.course_id, row.lesson_position]);
    const lesson = toLesson(row);
    return {
      lesson, courseId: row.course_id, courseTitle: row.course_title, body: row.body,
      ...lessonMedia(row.media), schoolContacts: lesson.safetyCard ? await this.schoolContacts() : [], nextLessonId: next?.id ?? null,
    };
  }

  /** How to reach the psychology teachers of the caller's children's schools (only schools that set a contact), in the order of the children as 我的 lists them. */
  private async schoolContacts(): Promise<SchoolContact[]> {
    const rows = await this.deps.db.query<{ id: string; name: string; psych_contact_name: string; psych_contact_phone: string; psych_contact_hours: string }>(
      `SELECT sc.id, sc.name, sc.psych_contact_name, sc.psych_contact_phone, sc.psych_contact_hours
         FROM guardianships g JOIN students s ON s.id = g.student_id JOIN schools sc ON sc.id = s.school_id
        WHERE g.user_id = $1 AND g.revoked_at IS NULL AND sc.psych_contact_phone IS NOT NULL
        GROUP BY sc.id ORDER BY min(g.created_at), min(array_position(ARRAY['preschool','primary','junior','senior','vocational'], s.stage)), sc.id`,
      [this.caller.userId],
    );
    return rows.map((r) => ({ schoolId: r.id, schoolName: r.name, contact: { name: r.psych_contact_name, phone: r.psych_contact_phone, officeHours: r.psych_contact_hours } }));
  }

  /** The quiz of a course for an attempt: options by id in a new order, no answers or explanations (enrolled parents only). */
  async quiz(courseId: string): Promise<QuizOutput> {
    const detail = await this.requireEnrolled(courseId);
    if (!detail.quiz) throw new AppError('NOT_FOUND', '该课程没有测验');
    const secret = this.deps.config.sessionSecret;
    const questions = await this.deps.db.query<{ id: string; prompt: string; options: string[] }>(
      'SELECT id, prompt, options FROM quiz_questions WHERE course_id = $1 ORDER BY position', [courseId],
    );
    const history = await attemptHistory(this.deps.db, this.caller.userId, courseId);
    return {
      passMark: detail.quiz.passMark,
      questions: questions.map((q) => ({ id: q.id, prompt: q.prompt, options: shuffled(q.options.map((text) => ({ id: optionId(secret, q.id, text), text }))) })),
      attempts: history.attempts,
      passed: history.passed,
      ...standing(this.deps.config.quiz, history, this.deps.clock()),
    };
  }

  /**
   * Grades a quiz attempt by option ids. A failed attempt names the wrong questions only; a pass also answers the correct
   * options and explanations, and after all lessons completes the course. Too many failed attempts in a row are refused
   * for a cooldown, counted under the parent's course lock so that concurrent attempts cannot slip past the limit.
   */
  async submitQuiz(courseId: string, answers: QuizAnswer[]): Promise<QuizResultOutput> {
    const detail = await this.requireEnrolled(courseId);
    if (!detail.quiz) throw new AppError('NOT_FOUND', '该课程没有测验');
    if (detail.lessons.some((l) => !l.progress?.completed)) throw new AppError('LESSONS_INCOMPLETE');
    const secret = this.deps.config.sessionSecret;
    const limit = this.deps.config.quiz;
    const questions = await this.deps.db.query<QuestionRow>(
      'SELECT id, prompt, options, answer, explanation FROM quiz_questions WHERE course_id = $1 ORDER BY position', [courseId],
    );
    const chosen = chosenIndexes(secret, questions, answers);
    const wrongQuestionIds = questions.filter((q) => chosen.get(q.id) !== q.answer).map((q) => q.id);
    const score = Math.round(((questions.length - wrongQuestionIds.length) / questions.length) * 100);
    const passed = score >= detail.quiz.passMark;
    const now = this.deps.clock();
    const { history, certificate } = await this.deps.db.transaction(async (tx) => {
      // The lock xq_complete_course takes (migration 003): one attempt of a parent at a course at a time.
      await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`${this.caller.userId}:course:${courseId}`]);
      const before = await attemptHistory(tx, this.caller.userId, courseId);
      const wait = standing(limit, before, now).retryAfterSeconds;
      if (wait !== null) throw cooldownError(limit, wait);
      await tx.query(
        'INSERT INTO quiz_attempts (user_id, course_id, answers, score, passed, created_at) VALUES ($1, $2, $3, $4, $5, $6)',
        [this.caller.userId, courseId, questions.map((q) => chosen.get(q.id)), score, passed, now],
      );
      const after: AttemptHistory = passed
        ? { ...before, attempts: before.attempts + 1, passed: true }
        : { ...before, attempts: before.attempts + 1, fails: before.fails + 1, lastFailAt: now };
      return { history: after, certificate: passed ? await this.completeIfDone(tx, courseId, now) : null };
    });
    const review = passed
      ? questions.map((q) => ({
          questionId: q.id,
          chosenOptionId: optionId(secret, q.id, q.options[chosen.get(q.id) as number] as string),
          correctOptionId: optionId(secret, q.id, q.options[q.answer] as string),
          explanation: q.explanation,
        }))
      : null;
    return { score, passMark: detail.quiz.passMark, passed, attempts: history.attempts, wrongQuestionIds, review, ...standing(limit, history, now), certificate };
  }

  /** Marks the course complete and issues its certificate when every lesson is complete and the quiz (if any) passed (xq_complete_course, migration 003). */
  async completeIfDone(tx: Sql, courseId: string, now: Date): Promise<CertificateOutput | null> {
    const row = await maybeOne<CertRow>(tx, 'SELECT * FROM xq_complete_course($1, $2, $3, $4)', [this.caller.userId, courseId, now, randomCode(12)]);
    return row ? toCertificate(row) : null;
  }

  /** The caller's learning: courses in progress and completed, hours learned. */
  async myLearning(): Promise<MyLearningOutput> {
    const { db } = this.deps;
    const rows = await db.query<CourseRow>(`${COURSE_SQL} AND e.enrolled_at IS NOT NULL ORDER BY e.last_activity_at DESC`, [this.caller.userId]);
    const certs = await db.query<CertRow & { course_id: string }>('SELECT course_id, code, display_name, course_title, module, issued_at FROM certificates WHERE user_id = $1', [this.caller.userId]);
    const [totals] = await db.query<{ seconds: string; lessons: number }>(
      'SELECT coalesce(sum(credited_seconds), 0) AS seconds, count(*) FILTER (WHERE completed_at IS NOT NULL)::int AS lessons FROM lesson_progress WHERE user_id = $1',
      [this.caller.userId],
    );
    const byCourse = new Map(certs.map((c) => [c.course_id, toCertificate(c)]));
    return {
      inProgress: rows.filter((r) => !r.completed_at).map(toSummary),
      completed: rows.filter((r) => r.completed_at).map((r) => ({ ...toSummary(r), certificate: byCourse.get(r.id) ?? null })),
      totalSeconds: Math.round(Number(totals?.seconds ?? 0)),
      completedLessons: totals?.lessons ?? 0,
    };
  }

  /** Publishes or updates a course from its content (administrators). */
  async publish(content: CourseContent): Promise<CourseDetailOutput> {
    this.caller.requireAdmin();
    const id = await this.deps.db.transaction((tx) => upsertCourse(tx, content));
    return this.detail(id);
  }

  private async requireEnrolled(courseId: string): Promise<CourseDetailOutput> {
    const detail = await this.detail(courseId);
    if (!detail.course.mine) throw new AppError('NOT_ENROLLED');
    return detail;
  }
}

/** Public verification of a certificate code (no login). */
export async function verifyCertificate(sql: Sql, code: string): Promise<CertificateVerifyOutput> {
  const normal = normaliseCode(code);
  if (normal.length !== 12) return { valid: false, certificate: null };
  const row = await maybeOne<CertRow>(sql, 'SELECT code, display_name, course_title, module, issued_at FROM certificates WHERE code = $1', [groupCode(normal)]);
  return row ? { valid: true, certificate: toCertificate(row) } : { valid: false, certificate: null };
}
