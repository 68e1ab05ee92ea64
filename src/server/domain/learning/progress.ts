/**
 * Ingests learning statements: merges played segments, credits unique seconds, completes lessons and courses.
 * The work runs in the database in one statement (xq_ingest_progress, migration 003): one round trip per request,
 * the segment merge there mirroring segments.ts, which stays the reference.
 */
import type { LessonProgress, ProgressOutput, ProgressStatementInput } from '../../../../types';
import type { AppDeps } from '../../deps';
import { AppError } from '../../http/errors';
import { isoOrNull } from '../../storage/db';
import type { Caller } from '../caller';
import { randomCode } from '../codes';

/** One statement's outcome as xq_ingest_progress reports it. */
interface IngestResult {
  id: string;
  lessonId?: string;
  outcome: 'accepted' | 'duplicate' | 'rejected';
  code?: 'NOT_FOUND' | 'NOT_ENROLLED' | 'STATEMENT_FROM_FUTURE' | 'IMPLAUSIBLE_PROGRESS' | 'SEGMENT_OUT_OF_RANGE';
  reason?: 'lesson' | 'before_enrolment' | 'read_too_fast' | null;
  progress?: { position: number | string; creditedSeconds: number | string; segments: [number, number][]; completedAt: string | null } | null;
}

/** The messages of refusals that say more than their code's default message. */
const REASONS: Record<string, string> = {
  lesson: '课时不存在',
  before_enrolment: '学习记录早于加入课程的时间，未予记录',
  read_too_fast: '阅读时间过短，请读完全文',
};

/** The progress service: built per request for a logged-in parent. */
export class ProgressService {
  constructor(private readonly deps: AppDeps, private readonly caller: Caller) {}

  /** Applies a batch of statements in order, atomically, in one database round trip; refused statements are listed, not thrown. */
  async ingest(statements: ProgressStatementInput[]): Promise<ProgressOutput> {
    const input = statements.map((st) => ({
      id: st.id, lessonId: st.lessonId, verb: st.verb, segments: st.segments, position: st.position, timestamp: new Date(st.timestamp).toISOString(),
    }));
    const codes = [...new Set(statements.map((st) => st.lessonId))].map(() => randomCode(12));
    const [row] = await this.deps.db.query<{ results: IngestResult[] }>(
      'SELECT xq_ingest_progress($1, $2::jsonb, $3, $4, $5::text[]) AS results',
      [this.caller.userId, JSON.stringify(input), this.deps.clock(), this.deps.config.lessonCompleteRatio, codes],
    );
    const touched = new Map<string, LessonProgress>();
    const rejected: ProgressOutput['rejected'] = [];
    let accepted = 0;
    let duplicates = 0;
    for (const r of row.results) {
      if (r.outcome === 'rejected') {
        const refusal = new AppError(r.code ?? 'INTERNAL', r.reason ? REASONS[r.reason] : undefined);
        rejected.push({ id: r.id, code: refusal.code, message: refusal.message });
        continue;
      }
      if (r.outcome === 'accepted') accepted++;
      else duplicates++;
      if (r.lessonId && r.progress) touched.set(r.lessonId, toLessonProgress(r.progress));
    }
    return { accepted, duplicates, rejected, lessons: [...touched].map(([lessonId, progress]) => ({ lessonId, progress })) };
  }
}

function toLessonProgress(p: NonNullable<IngestResult['progress']>): LessonProgress {
  return {
    position: Number(p.position),
    creditedSeconds: Number(p.creditedSeconds),
    segments: p.segments,
    completed: p.completedAt !== null,
    completedAt: isoOrNull(p.completedAt),
  };
}
