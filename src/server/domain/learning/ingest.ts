/**
 * Progress ingestion in batches (group commit): the heartbeats of every parent that arrive together are checked, merged
 * and written in one transaction of four round trips — begin, lock and read (xq_progress_state, migration 008), one set-based
 * write (with any course completions after it), commit —
 * whatever the batch's size (one more write per extra month when a lesson's statements straddle the end of a China-time
 * month). Each request still gets its own answer; a batch that fails is retried request by request,
 * so one bad request never fails another's.
 */
import type { LessonKind, LessonProgress, ProgressOutput, ProgressStatementInput, Segment } from '../../../../types';
import { AppError } from '../errors';
import { Batcher, type BatchOutcome } from '../../storage/batcher';
import type { Database, Sql } from '../../storage/db';
import { randomCode } from '../codes';
import { clipToAllowance, coveredSeconds, mergeSegments } from './segments';

/** Seconds a segment or position may run past the lesson's end (players report the last frame late). */
const END_TOLERANCE = 2;
/** How far in the future a statement's timestamp may be (clock skew). */
const FUTURE_TOLERANCE_MS = 2 * 60_000;
/** Played seconds per wall-clock second that are still plausible (2× playback speed), plus a fixed slack: the per-statement check on
 * client times, and the budget of a (parent, lesson) on server time since the parent first reached the lesson. */
const MAX_SPEED = 2;
const SLACK_SECONDS = 20;
/** The most requests one batch takes (each holds at most 100 statements). */
const MAX_BATCH = 100;

/** One request's statements, for the parent the server's session names. */
export interface IngestRequest {
  userId: string;
  statements: ProgressStatementInput[];
}

/** The ingestion queue of a database: two batches in flight per process (one commits while the next is merged). */
export type ProgressIngester = Batcher<IngestRequest, ProgressOutput>;

/** Builds the ingestion queue on a database, a clock and the completion ratio. */
export function createProgressIngester(db: Database, clock: () => Date, ratio: () => number): ProgressIngester {
  return new Batcher<IngestRequest, ProgressOutput>(
    async (requests) => {
      try {
        return (await db.transaction((tx) => ingestBatch(tx, requests, clock(), ratio()))).map((value) => ({ ok: true, value }));
      } catch (err) {
        if (requests.length === 1) return [{ ok: false, error: err }];
      }
      const outcomes: BatchOutcome<ProgressOutput>[] = [];
      for (const request of requests) {
        try {
          const [value] = await db.transaction((tx) => ingestBatch(tx, [request], clock(), ratio()));
          outcomes.push({ ok: true, value });
        } catch (error) {
          outcomes.push({ ok: false, error });
        }
      }
      return outcomes;
    },
    { maxBatch: MAX_BATCH, maxInFlight: 2 },
  );
}

/** A parent's state in one lesson, as read under the lock and then advanced statement by statement. */
interface LessonState {
  userId: string;
  id: string;
  courseId: string;
  kind: LessonKind;
  duration: number;
  enrolledAt: number | null;
  segments: Segment[] | null;
  credited: number;
  position: number;
  lastAt: number | null;
  completedAt: string | null;
  /** Server time (ms) the parent first reached the lesson (opened it or sent a statement): the start of its credit budget. */
  openedAt: number | null;
  /** Whether the lesson was complete before this batch (a newly complete lesson may complete its course). */
  wasComplete: boolean;
  changed: boolean;
  /** The state before this batch and the statements the batch applied to it (for the month-by-month writes, see monthSteps). */
  before: { segments: Segment[] | null; credited: number; lastAt: number | null };
  applied: { at: number; verb: ProgressStatementInput['verb']; segments: Segment[] }[];
}

interface StateRow {
  u: string; id: string; course_id: string; kind: LessonKind; duration: number; enrolled_at: string | null;
  segments: Segment[] | null; credited: number | null; position: number | null; last_at: string | null; completed_at: string | null; opened_at: string | null;
}

/** The messages of refusals that say more than their code's default message. */
const REASONS = {
  lesson: '课时不存在',
  beforeEnrolment: '学习记录早于加入课程的时间，未予记录',
  readTooFast: '阅读时间过短，请读完全文',
};

const ms = (iso: string | null): number | null => (iso === null ? null : new Date(iso).getTime());
const key = (userId: string, lessonId: string) => `${userId}:${lessonId}`;

/** Checks, merges and writes the statements of several requests in one open transaction; one answer per request, in order. */
export async function ingestBatch(tx: Sql, requests: IngestRequest[], now: Date, ratio: number): Promise<ProgressOutput[]> {
  const pairs = new Map<string, [string, string]>();
  for (const r of requests) for (const st of r.statements) pairs.set(key(r.userId, st.lessonId.toLowerCase()), [r.userId, st.lessonId.toLowerCase()]);
  if (pairs.size === 0) return requests.map(() => ({ accepted: 0, duplicates: 0, rejected: [], lessons: [] }));
  const pairUsers = [...pairs.values()].map((p) => p[0]);
  const pairLessons = [...pairs.values()].map((p) => p[1]);

  const [{ state: read }] = await tx.query<{ state: { lessons: StateRow[]; known: string[]; ctx: { u: string; s: string; r: string }[] } }>(
    'SELECT xq_progress_state($1::uuid[], $2::uuid[], $3::uuid[]) AS state',
    [pairUsers, pairLessons, requests.flatMap((r) => r.statements.map((st) => st.id.toLowerCase()))],
  );
  const states = new Map<string, LessonState>();
  for (const row of read.lessons) {
    states.set(key(row.u, row.id), {
      userId: row.u, id: row.id, courseId: row.course_id, kind: row.kind, duration: Number(row.duration), enrolledAt: ms(row.enrolled_at),
      segments: row.segments, credited: Number(row.credited ?? 0), position: Number(row.position ?? 0), lastAt: ms(row.last_at),
      completedAt: row.completed_at === null ? null : new Date(row.completed_at).toISOString(), openedAt: ms(row.opened_at), wasComplete: row.completed_at !== null, changed: false,
      before: { segments: row.segments, credited: Number(row.credited ?? 0), lastAt: ms(row.last_at) }, applied: [],
    });
  }
  const contexts = new Map<string, { schools: string[]; regions: string[] }>();
  for (const c of read.ctx) {
    const ctx = contexts.get(c.u) ?? { schools: [], regions: [] };
    if (!ctx.schools.includes(c.s)) ctx.schools.push(c.s);
    if (!ctx.regions.includes(c.r)) ctx.regions.push(c.r);
    contexts.set(c.u, ctx);
  }
  const seen = new Set(read.known);
  const nowMs = now.getTime();
  // A statement is the parent's first contact with a lesson they never opened: the budget starts now.
  const opens: { user_id: string; lesson_id: string }[] = [];
  for (const l of states.values()) {
    if (l.openedAt === null && l.enrolledAt !== null) {
      l.openedAt = nowMs;
      opens.push({ user_id: l.userId, lesson_id: l.id });
    }
  }
  const inserts: object[] = [];
  const outputs = requests.map((request) => {
    const touched = new Map<string, LessonProgress>();
    const out: ProgressOutput = { accepted: 0, duplicates: 0, rejected: [], lessons: [] };
    for (const st of request.statements) {
      const l = states.get(key(request.userId, st.lessonId.toLowerCase()));
      const refusal = check(st, l, nowMs);
      if (refusal || !l) {
        const e = refusal ?? new AppError('NOT_FOUND', REASONS.lesson);
        out.rejected.push({ id: st.id, code: e.code, message: e.message });
        continue;
      }
      const id = st.id.toLowerCase();
      if (seen.has(id)) {
        out.duplicates++;
        if (l.segments !== null) touched.set(l.id, progressOf(l));
        continue;
      }
      seen.add(id);
      out.accepted++;
      const at = new Date(st.timestamp);
      const segments = l.kind === 'article' ? st.segments : clipToAllowance(l.segments ?? [], st.segments, l.duration, allowance(l, nowMs));
      const clipped = coveredSeconds(mergeSegments(segments, l.duration)) < coveredSeconds(mergeSegments(st.segments, l.duration));
      inserts.push({
        id, user_id: request.userId, verb: st.verb, lesson_id: l.id, at: at.toISOString(),
        result: { segments, position: st.position, ...(clipped ? { claimedSegments: st.segments } : {}) },
        context: { ...(contexts.get(request.userId) ?? { schools: [], regions: [] }), course: l.courseId },
      });
      Object.assign(l, advance(l, { verb: st.verb, segments }));
      l.position = l.kind === 'article' ? 0 : Math.min(st.position, l.duration);
      l.completedAt = l.completedAt ?? (l.credited >= ratio * l.duration - 1e-9 ? now.toISOString() : null);
      l.lastAt = Math.max(l.lastAt ?? -Infinity, at.getTime());
      l.changed = true;
      l.applied.push({ at: at.getTime(), verb: st.verb, segments });
      touched.set(l.id, progressOf(l));
    }
    out.lessons = [...touched].map(([lessonId, progress]) => ({ lessonId, progress }));
    return out;
  });

  const changed = [...states.values()].filter((l) => l.changed);
  if (inserts.length === 0 && opens.length > 0) {
    await tx.query(
      `INSERT INTO lesson_opens (user_id, lesson_id, first_at) SELECT x.user_id, x.lesson_id, $2 FROM jsonb_to_recordset($1::jsonb) AS x(user_id uuid, lesson_id uuid)
       ORDER BY 1, 2 ON CONFLICT DO NOTHING`,
      [JSON.stringify(opens), now],
    );
  }
  if (inserts.length > 0) {
    // A lesson whose statements in this batch reach more than one China-time month is first written as it stood at the end
    // of each earlier month, so that the rollup trigger credits each month with its own seconds, as xq_rpt_rebuild does.
    const steps = changed.map((l) => ({ l, steps: monthSteps(l) })).filter((x) => x.steps.length > 0);
    for (let round = 0; steps.some((x) => x.steps.length > round); round += 1) {
      await tx.query(
        `INSERT INTO lesson_progress (user_id, lesson_id, segments, credited_seconds, position, last_statement_at, completed_at, updated_at)
         SELECT x.user_id, x.lesson_id, x.segments, x.credited, x.position, x.last_at, NULL, $2
           FROM jsonb_to_recordset($1::jsonb) AS x(user_id uuid, lesson_id uuid, segments jsonb, credited numeric, position numeric, last_at timestamptz)
          ORDER BY x.user_id, x.lesson_id
         ON CONFLICT (user_id, lesson_id) DO UPDATE SET segments = excluded.segments, credited_seconds = excluded.credited_seconds,
           last_statement_at = excluded.last_statement_at, updated_at = excluded.updated_at`,
        [
          JSON.stringify(steps.filter((x) => x.steps.length > round).map(({ l, steps: s }) => ({
            user_id: l.userId, lesson_id: l.id, segments: s[round]!.segments, credited: s[round]!.credited, position: l.position,
            last_at: new Date(s[round]!.lastAt).toISOString(),
          }))),
          now,
        ],
      );
    }
    const [written] = await tx.query<{ inserted: number }>(
      `WITH op AS (
         INSERT INTO lesson_opens (user_id, lesson_id, first_at)
         SELECT x.user_id, x.lesson_id, $3 FROM jsonb_to_recordset($4::jsonb) AS x(user_id uuid, lesson_id uuid) ORDER BY 1, 2
         ON CONFLICT DO NOTHING
       ), st AS (
         INSERT INTO learning_statements (id, user_id, verb, object_type, object_id, result, context, timestamp, stored_at)
         SELECT x.id, x.user_id, x.verb, 'lesson', x.lesson_id, x.result, x.context, x.at, $3
           FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, user_id uuid, verb text, lesson_id uuid, result jsonb, context jsonb, at timestamptz)
         ON CONFLICT (id) DO NOTHING RETURNING 1
       ), pr AS (
         INSERT INTO lesson_progress (user_id, lesson_id, segments, credited_seconds, position, last_statement_at, completed_at, updated_at)
         SELECT x.user_id, x.lesson_id, x.segments, x.credited, x.position, x.last_at, x.completed_at, $3
           FROM jsonb_to_recordset($2::jsonb) AS x(user_id uuid, lesson_id uuid, segments jsonb, credited numeric, position numeric, last_at timestamptz, completed_at timestamptz)
          ORDER BY x.user_id, x.lesson_id
         ON CONFLICT (user_id, lesson_id) DO UPDATE SET segments = excluded.segments, credited_seconds = excluded.credited_seconds,
           position = excluded.position, last_statement_at = excluded.last_statement_at, completed_at = excluded.completed_at, updated_at = excluded.updated_at
         RETURNING 1
       )
       SELECT (SELECT count(*) FROM st)::int AS inserted`,
      [
        JSON.stringify(inserts),
        JSON.stringify(changed.map((l) => ({
          user_id: l.userId, lesson_id: l.id, segments: l.segments, credited: l.credited, position: l.position,
          last_at: new Date(l.lastAt as number).toISOString(), completed_at: l.completedAt,
        }))),
        now,
        JSON.stringify(opens),
      ],
    );
    if (written.inserted !== inserts.length) throw new Error('a statement id was taken concurrently; the batch is retried request by request');
  }
  const completed = new Map(changed.filter((l) => l.completedAt && !l.wasComplete).map((l) => [`${l.userId} ${l.courseId}`, l]));
  for (const l of completed.values()) {
    await tx.query('SELECT * FROM xq_complete_course($1, $2, $3, $4)', [l.userId, l.courseId, now, randomCode(12)]);
  }
  return outputs;
}

/** Why a statement is refused, or null when it may be applied (l: the parent's state in the lesson, none for an unknown lesson). */
function check(st: ProgressStatementInput, l: LessonState | undefined, now: number): AppError | null {
  if (!l) return new AppError('NOT_FOUND', REASONS.lesson);
  if (l.enrolledAt === null) return new AppError('NOT_ENROLLED');
  const at = new Date(st.timestamp).getTime();
  if (at > now + FUTURE_TOLERANCE_MS) return new AppError('STATEMENT_FROM_FUTURE');
  if (at < l.enrolledAt - FUTURE_TOLERANCE_MS) return new AppError('IMPLAUSIBLE_PROGRESS', REASONS.beforeEnrolment);
  const limit = l.duration + END_TOLERANCE;
  if (st.position > limit || st.segments.some(([, e]) => e > limit)) return new AppError('SEGMENT_OUT_OF_RANGE');
  if (l.kind === 'article') {
    const reading = (now - (l.openedAt ?? now)) / 1000;
    if (st.verb === 'read' && l.credited < l.duration && reading < Math.min(60, l.duration * 0.25)) return new AppError('IMPLAUSIBLE_PROGRESS', REASONS.readTooFast);
    return null;
  }
  const since = l.lastAt !== null && l.lastAt < at ? l.lastAt : l.enrolledAt;
  const claimed = coveredSeconds(mergeSegments(st.segments, l.duration));
  if (claimed > Math.max(0, (at - since) / 1000) * MAX_SPEED + SLACK_SECONDS) return new AppError('IMPLAUSIBLE_PROGRESS');
  return null;
}

/** New seconds a (parent, lesson) may still be credited: 2 per second of server time since the parent first reached it, plus the slack, less what is credited. */
function allowance(l: LessonState, now: number): number {
  const since = Math.max(0, now - (l.openedAt ?? now)) / 1000;
  return since * MAX_SPEED + SLACK_SECONDS - l.credited;
}

/** The month (yyyymm) of an instant in China time (UTC+8, no daylight saving), as xq_cn_ym computes it. */
function cnMonth(at: number): number {
  const d = new Date(at + 8 * 3_600_000);
  return d.getUTCFullYear() * 100 + d.getUTCMonth() + 1;
}

/**
 * The states of a lesson at the end of each China-time month of this batch but the last (none when its statements fall in
 * one month). xq_rpt_rebuild replays statements in timestamp order and credits each one's gain to the month of the latest
 * timestamp so far; the rollup trigger credits a written row's gain to the month of its last_statement_at. Writing these
 * states before the final one makes the two agree.
 */
function monthSteps(l: LessonState): { segments: Segment[]; credited: number; lastAt: number }[] {
  const { before } = l;
  const month = (at: number) => Math.max(before.lastAt === null ? 0 : cnMonth(before.lastAt), cnMonth(at));
  const months = [...new Set(l.applied.map((s) => month(s.at)))].sort((a, b) => a - b);
  return months.slice(0, -1).map((m) => {
    const upTo = l.applied.filter((s) => month(s.at) <= m);
    const lastAt = Math.max(before.lastAt ?? -Infinity, ...upTo.map((s) => s.at));
    const { segments, credited } = upTo.reduce((state, st) => ({ ...state, ...advance(state, st) }), { kind: l.kind, duration: l.duration, ...before });
    return { segments: segments ?? [], credited, lastAt };
  });
}

/** A lesson's merged segments and credit after one more statement: played segments add their unique seconds; an article counts whole once read. */
function advance(
  l: { kind: LessonKind; duration: number; segments: Segment[] | null; credited: number },
  st: { verb: ProgressStatementInput['verb']; segments: Segment[] },
): { segments: Segment[]; credited: number } {
  if (l.kind === 'article') return { segments: l.segments ?? [], credited: st.verb === 'read' ? l.duration : l.credited };
  const segments = mergeSegments([...(l.segments ?? []), ...st.segments], l.duration);
  return { segments, credited: coveredSeconds(segments) };
}

function progressOf(l: LessonState): LessonProgress {
  return { position: l.position, creditedSeconds: l.credited, segments: l.segments ?? [], completed: l.completedAt !== null, completedAt: l.completedAt };
}
