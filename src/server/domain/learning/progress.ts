/** Ingests learning statements: merges played segments, credits unique seconds, completes lessons and courses. */
import type { ProgressOutput, ProgressStatementInput } from '../../../../types';
import type { AppDeps } from '../../deps';
import type { Caller } from '../caller';

/** The progress service: built per request for a logged-in parent. */
export class ProgressService {
  constructor(private readonly deps: AppDeps, private readonly caller: Caller) {}

  /** Applies the caller's statements in order, atomically, in the next batch of the ingestion queue (ingest.ts); refused statements are listed, not thrown. */
  ingest(statements: ProgressStatementInput[]): Promise<ProgressOutput> {
    return this.deps.progress.submit({ userId: this.caller.userId, statements });
  }
}
