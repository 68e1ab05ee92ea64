/** Ingests learning statements: merges played segments, credits unique seconds, completes lessons and courses. */
import type { LessonKind, LessonProgress, ProgressOutput, ProgressStatementInput, Segment } from '../../../../types';
import type { AppDeps } from '../../deps';
import { AppError } from '../../http/errors';
import { maybeOne, type Sql } from '../../storage/db';
import type { Caller } from '../caller';
import { CourseService, toProgress } from './courses';
import { coveredSeconds, mergeSegments } from './segments';

/** Seconds a segment or position may run past the lesson's end (players report the last frame late). */
const END_TOLERANCE = 2;
/** How far in the future a statement's timestamp may be (clock skew). */
const FUTURE_TOLERANCE_MS = 2 * 60_000;
/** Played seconds per wall-clock second that are still plausible (2× playback speed), plus a fixed slack. */
const MAX_SPEED = 2;
const SLACK_SECONDS = 20;

interface LessonState {
  id: string; course_id: string; kind: LessonKind; duration_seconds: number; enrolled_at: Date | null;
  segments: Segment[] | null; credited_seconds: string | number | null; position: string | number | null;
  last_statement_at: Date | null; completed_at: Date | null;
}

/** The progress service: built per request for a logged-in parent. */
export class ProgressService {
  constructor(private readonly deps: AppDeps, private readonly caller: Caller) {}

  /** Applies a batch of statements in order, in one transaction; refused statements are listed, not thrown. */
  async ingest(statements: ProgressStatementInput[]): Promise<ProgressOutput> {
    const now = this.deps.clock();
    const ratio = this.deps.config.lessonCompleteRatio;
    return this.deps.db.transaction(async (tx) => {
      const context = await this.context(tx);
      const touched = new Map<string, LessonProgress>();
      const rejected: ProgressOutput['rejected'] = [];
      const completedCourses = new Set<string>();
      let accepted = 0;
      let duplicates = 0;
      for (const st of statements) {
        const lesson = await this.lessonState(tx, st.lessonId);
        const refusal = this.check(st, lesson, now);
        if (refusal) {
          rejected.push({ id: st.id, code: refusal.code, message: refusal.message });
          continue;
        }
        const l = lesson as LessonState;
        const inserted = await tx.query(
          `INSERT INTO learning_statements (id, user_id, verb, object_type, object_id, result, context, timestamp, stored_at)
           VALUES ($1, $2, $3, 'lesson', $4, $5, $6, $7, $8) ON CONFLICT (id) DO NOTHING RETURNING id`,
          [st.id, this.caller.userId, st.verb, l.id, JSON.stringify({ segments: st.segments, position: st.position }), JSON.stringify({ ...context, course: l.course_id }), new Date(st.timestamp), now],
        );
        if (inserted.length === 0) {
          duplicates++;
          const current = toProgress(l);
          if (current) touched.set(l.id, current);
          continue;
        }
        accepted++;
        const before = l.segments ?? [];
        const merged = l.kind === 'article' ? before : mergeSegments([...before, ...st.segments], l.duration_seconds);
        const credited = l.kind === 'article' ? (st.verb === 'read' ? l.duration_seconds : Number(l.credited_seconds ?? 0)) : coveredSeconds(merged);
        const position = l.kind === 'article' ? 0 : Math.min(st.position, l.duration_seconds);
        const done = l.completed_at ?? (credited >= ratio * l.duration_seconds - 1e-9 ? now : null);
        const stamp = new Date(st.timestamp);
        const last = l.last_statement_at && new Date(l.last_statement_at) > stamp ? new Date(l.last_statement_at) : stamp;
        await tx.query(
          `INSERT INTO lesson_progress (user_id, lesson_id, segments, credited_seconds, position, last_statement_at, completed_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
           ON CONFLICT (user_id, lesson_id) DO UPDATE SET segments = excluded.segments, credited_seconds = excluded.credited_seconds,
             position = excluded.position, last_statement_at = excluded.last_statement_at, completed_at = excluded.completed_at, updated_at = excluded.updated_at`,
          [this.caller.userId, l.id, JSON.stringify(merged), credited, position, last, done, now],
        );
        Object.assign(l, { segments: merged, credited_seconds: credited, position, last_statement_at: last, completed_at: done });
        touched.set(l.id, toProgress(l) as LessonProgress);
        if (done && !lesson?.completed_at) completedCourses.add(l.course_id);
        await tx.query('UPDATE enrollments SET last_activity_at = $3 WHERE user_id = $1 AND course_id = $2', [this.caller.userId, l.course_id, now]);
      }
      const courses = new CourseService(this.deps, this.caller);
      for (const courseId of completedCourses) await courses.completeIfDone(tx, courseId, now);
      return { accepted, duplicates, rejected, lessons: [...touched].map(([lessonId, progress]) => ({ lessonId, progress })) };
    });
  }

  private readonly cache = new Map<string, LessonState | null>();

  /** Loads a lesson and the caller's progress in it, holding a per-(parent, lesson) lock until the transaction ends, so that two requests never merge from the same stale segments. */
  private async lessonState(tx: Sql, lessonId: string): Promise<LessonState | null> {
    if (this.cache.has(lessonId)) return this.cache.get(lessonId) ?? null;
    await tx.query("SELECT pg_advisory_xact_lock(hashtextextended($1 || ':' || $2, 0))", [this.caller.userId, lessonId]);
    const row = await maybeOne<LessonState>(
      tx,
      `SELECT l.id, l.course_id, l.kind, l.duration_seconds, e.enrolled_at,
              p.segments, p.credited_seconds, p.position, p.last_statement_at, p.completed_at
         FROM lessons l
         LEFT JOIN enrollments e ON e.course_id = l.course_id AND e.user_id = $1
         LEFT JOIN lesson_progress p ON p.lesson_id = l.id AND p.user_id = $1
        WHERE l.id = $2 AND NOT l.retired`,
      [this.caller.userId, lessonId],
    );
    this.cache.set(lessonId, row);
    return row;
  }

  /** Why a statement is refused, or null when it may be applied. */
  private check(st: ProgressStatementInput, l: LessonState | null, now: Date): AppError | null {
    if (!l) return new AppError('NOT_FOUND', '课时不存在');
    if (!l.enrolled_at) return new AppError('NOT_ENROLLED');
    const at = new Date(st.timestamp).getTime();
    if (at > now.getTime() + FUTURE_TOLERANCE_MS) return new AppError('STATEMENT_FROM_FUTURE');
    const since = new Date(l.last_statement_at && new Date(l.last_statement_at).getTime() < at ? l.last_statement_at : l.enrolled_at).getTime();
    if (at < new Date(l.enrolled_at).getTime() - FUTURE_TOLERANCE_MS) return new AppError('IMPLAUSIBLE_PROGRESS', '学习记录早于加入课程的时间，未予记录');
    const limit = l.duration_seconds + END_TOLERANCE;
    if (st.position > limit || st.segments.some(([, e]) => e > limit)) return new AppError('SEGMENT_OUT_OF_RANGE');
    const elapsed = Math.max(0, (at - since) / 1000);
    if (l.kind === 'article') {
      if (st.verb === 'read' && (at - new Date(l.enrolled_at).getTime()) / 1000 < Math.min(60, l.duration_seconds * 0.25)) {
        return new AppError('IMPLAUSIBLE_PROGRESS', '阅读时间过短，请读完全文');
      }
      return null;
    }
    const claimed = coveredSeconds(mergeSegments(st.segments, l.duration_seconds));
    if (claimed > elapsed * MAX_SPEED + SLACK_SECONDS) return new AppError('IMPLAUSIBLE_PROGRESS');
    return null;
  }

  /** The statement context: the caller's children's schools and their regions (for reporting by region). */
  private async context(tx: Sql): Promise<{ schools: string[]; regions: string[] }> {
    const rows = await tx.query<{ school_id: string; region_id: string }>(
      `SELECT DISTINCT s.school_id, sc.region_id FROM guardianships g JOIN students s ON s.id = g.student_id JOIN schools sc ON sc.id = s.school_id
        WHERE g.user_id = $1 AND g.revoked_at IS NULL`,
      [this.caller.userId],
    );
    return { schools: rows.map((r) => r.school_id), regions: [...new Set(rows.map((r) => r.region_id))] };
  }
}
