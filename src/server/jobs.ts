/** The one entry for timed work: a timer trigger in the cloud, an interval locally, a direct call in tests. */
import type { AppDeps } from './deps';
import { expireOffers } from './domain/events/waitlist';
import { sendDueMessages } from './domain/messages/outbox';
import { escalateNotices, markNoticeDelivered, purgeNotices } from './domain/notices/ladder';
import { checkpointAudit } from './domain/notices/audit';
import { expireDrafts } from './domain/notices/drafts';
import { expireUploads } from './domain/learning/media';
import { expireLearningRecords, purgeClosedAccounts } from './domain/rights';

/** What one run did: rows touched per job. */
export type JobReport = Record<string, number>;

type Job = (deps: AppDeps, now: Date) => Promise<number>;

const DAY = 86_400_000;

/** The jobs, in order. Later parts of the product add theirs here. */
export const JOBS: Record<string, Job> = {
  /** Deletes sessions that expired or were revoked more than 30 days ago. */
  async pruneSessions({ db }, now) {
    const rows = await db.query<{ id: string }>(
      'DELETE FROM auth_sessions WHERE expires_at < $1 OR revoked_at < $1 RETURNING id',
      [new Date(now.getTime() - 30 * DAY)],
    );
    return rows.length;
  },
  /** Forgets guess and rate-limit counters whose window has ended (attempts.ts). */
  async pruneFailedAttempts({ db }, now) {
    const rows = await db.query<{ n: number }>('WITH gone AS (DELETE FROM attempt_counters WHERE window_end <= $1 RETURNING 1) SELECT count(*)::int AS n FROM gone', [now]);
    return rows[0]?.n ?? 0;
  },
  /** Forgets idempotency keys older than a day (a double tap or a retry comes within minutes). */
  async pruneIdempotencyKeys({ db }, now) {
    const rows = await db.query<{ n: number }>(
      'WITH gone AS (DELETE FROM idempotency_keys WHERE created_at < $1 RETURNING 1) SELECT count(*)::int AS n FROM gone',
      [new Date(now.getTime() - DAY)],
    );
    return rows[0]?.n ?? 0;
  },
  /** Deletes lesson media uploads started more than a day ago, with the parts of any never finished (the files themselves stay). */
  expireMediaUploads: ({ db }, now) => expireUploads(db, now),
  /** Expires waitlist offers not confirmed in time and offers the seats to the next parents. */
  expireWaitlistOffers: (deps, now) => expireOffers(deps, now),
  /** Climbs the notices' escalation ladder: second messages, call tasks, follow-up tasks. */
  escalateNotices: (deps, now) => escalateNotices(deps, now),
  /** Deletes drafts of notices not saved for DRAFT_KEEP_DAYS (14 days). */
  expireNoticeDrafts: (deps, now) => expireDrafts(deps, now),
  /** Purges the content of closed notices past their retention period. */
  purgeNotices: (deps, now) => purgeNotices(deps, now),
  /** Sends due subscribe messages from the outbox (retries with backoff); a notice's first message records its delivery. */
  sendMessages: (deps, now) => sendDueMessages(deps, now, markNoticeDelivered),
  /** Removes the personal data of closed accounts (the privacy guide promises within 30 days; due as soon as closed). */
  purgeClosedAccounts: (deps, now) => purgeClosedAccounts(deps, now),
  /** Deletes learning statements, quiz answers and first-open anchors older than the guide's 3 years. */
  expireLearningRecords: (deps, now) => expireLearningRecords(deps, now),
  /** Anchors the audit chain's head outside the database every XQ_AUDIT_CHECKPOINT_MINUTES when it moved (refuses a chain cut behind the last anchor). */
  auditCheckpoint: (deps, now) => checkpointAudit(deps, now),
};

/** Runs every job that is due at `now`; a failing job is logged and the others still run. */
export async function runDueJobs(deps: AppDeps, now: Date = deps.clock()): Promise<JobReport> {
  const report: JobReport = {};
  for (const [name, job] of Object.entries(JOBS)) {
    try {
      report[name] = await job(deps, now);
    } catch (err) {
      deps.log.error('job_failed', { job: name, name: (err as Error).name, message: (err as Error).message });
      report[name] = -1;
    }
  }
  return report;
}
