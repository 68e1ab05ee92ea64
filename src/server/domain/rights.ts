/**
 * A guardian's rights in the app (PIPL art. 15, 44–47): withdraw (or give again) the separate notice consent, unbind a
 * child, close the account. Closing ends the account at once; purgeClosedAccounts (runDueJobs) then removes its personal
 * data, keeping under the account's bare id only what the audit chain and the 妇联 counts are computed from.
 * expireLearningRecords deletes learning details past the privacy guide's 3 years.
 */
import type { CloseAccountOutput, MyDataOutput } from '../../../types';
import type { AppDeps } from '../deps';
import { AppError } from './errors';
import { maybeOne, type Sql } from '../storage/db';
import type { Caller } from './caller';
import { promoteWaitlist } from './events/waitlist';
import { IdentityService } from './identity';
import { withdraw } from './messages/outbox';
import { NoticeBoardService } from './notices/board';
import { appendAudit } from './notices/audit';
import { requireId } from './registry';

const DAY = 86_400_000;
/** The privacy guide promises removal within this many days of closing an account. */
export const ACCOUNT_PURGE_DAYS = 30;
/** The privacy guide keeps learning details this many years. */
export const LEARNING_RETENTION_YEARS = 3;
/** The name a closed account shows where its records remain (a school's receipt, a roster). */
export const CLOSED_ACCOUNT_NAME = '已注销用户';
const BATCH = 100;

/**
 * Cancels a closing account's sign-ups (seats, offers, waitlist places) for sessions not yet started, as the parent's own
 * cancellation would, and offers each freed seat to the waitlist. Sign-ups of sessions already started stay for the figures.
 */
async function cancelFutureSignups(tx: Sql, deps: AppDeps, userId: string, now: Date): Promise<void> {
  const events = await tx.query<{ id: string }>(
    `SELECT e.id FROM events e WHERE e.status <> 'cancelled' AND e.starts_at > $2
        AND EXISTS (SELECT 1 FROM event_signups s WHERE s.event_id = e.id AND s.user_id = $1 AND s.status IN ('confirmed', 'waitlisted', 'offered'))
      ORDER BY e.id FOR UPDATE`,
    [userId, now],
  );
  for (const { id } of events) {
    await tx.query(
      `UPDATE event_signups SET status = 'cancelled', cancelled_at = $3 WHERE event_id = $1 AND user_id = $2 AND status IN ('confirmed', 'waitlisted', 'offered')`,
      [id, userId, now],
    );
    await promoteWaitlist(tx, deps, id, now);
  }
}

/** Takes a guardianship's copies out of the guardian's view and withdraws their unsent messages. */
async function removeCopies(tx: Sql, where: { guardianshipId?: string; userId?: string }, reason: 'unbound' | 'consent_withdrawn' | 'account_closed', now: Date): Promise<void> {
  const rows = await tx.query<{ id: string; notice_id: string }>(
    `UPDATE notice_recipients SET revoked_at = $3, removed_reason = $4
      WHERE revoked_at IS NULL AND (guardianship_id = $1 OR user_id = $2) RETURNING id, notice_id`,
    [where.guardianshipId ?? null, where.userId ?? null, now, reason],
  );
  for (const r of rows) await withdraw(tx, `notice:${r.notice_id}:${r.id}:`);
}

/** The rights service: built per request for the caller. */
export class RightsService {
  constructor(private readonly deps: AppDeps, private readonly caller: Caller) {}

  private async binding(tx: Sql, studentId: string): Promise<{ id: string; notice_consent_at: Date | null }> {
    const g = await maybeOne<{ id: string; notice_consent_at: Date | null }>(
      tx,
      'SELECT id, notice_consent_at FROM guardianships WHERE user_id = $1 AND student_id = $2 AND revoked_at IS NULL FOR UPDATE',
      [this.caller.userId, requireId(studentId, '孩子')],
    );
    if (!g) throw new AppError('NOT_FOUND', '你没有绑定这个孩子');
    return g;
  }

  /**
   * Withdraws (consent false) or gives again (true) the separate consent to receive a child's notices. Withdrawing: no
   * new notice reaches the guardian, their copies leave their view, the school sees when. Giving again: new notices
   * only; copies removed before stay removed. Repeating the current state changes nothing.
   */
  async setNoticeConsent(studentId: string, consent: boolean): Promise<MyDataOutput> {
    const now = this.deps.clock();
    if (consent) await new IdentityService(this.deps).requireConsent(this.caller);
    await this.deps.db.transaction(async (tx) => {
      const g = await this.binding(tx, studentId);
      if ((g.notice_consent_at !== null) === consent) return;
      if (consent) {
        await tx.query('UPDATE guardianships SET notice_consent_at = $2, notice_consent_withdrawn_at = NULL WHERE id = $1', [g.id, now]);
      } else {
        await tx.query('UPDATE guardianships SET notice_consent_at = NULL, notice_consent_withdrawn_at = $2 WHERE id = $1', [g.id, now]);
        await removeCopies(tx, { guardianshipId: g.id }, 'consent_withdrawn', now);
      }
      await appendAudit(tx, this.deps.config.notices.hmacKey, now, {
        actorId: this.caller.userId, action: consent ? 'notice_consent_given' : 'notice_consent_withdrawn', subjectId: g.id, details: { studentId },
      });
    });
    return new NoticeBoardService(this.deps, this.caller).myData();
  }

  /** The guardian ends their own binding to a child: the child's notices leave their view; the school sees who ended it. */
  async unbind(studentId: string): Promise<MyDataOutput> {
    const now = this.deps.clock();
    await this.deps.db.transaction(async (tx) => {
      const g = await this.binding(tx, studentId);
      await tx.query(
        `UPDATE guardianships SET revoked_at = $2, revoked_by = $3, revoke_reason = 'guardian', notice_consent_at = NULL WHERE id = $1`,
        [g.id, now, this.caller.userId],
      );
      await removeCopies(tx, { guardianshipId: g.id }, 'unbound', now);
      await appendAudit(tx, this.deps.config.notices.hmacKey, now, { actorId: this.caller.userId, action: 'guardian_unbound', subjectId: g.id, details: { studentId } });
    });
    return new NoticeBoardService(this.deps, this.caller).myData();
  }

  /**
   * Closes the caller's account at once: every session is revoked, the WeChat link released (the same WeChat user who
   * logs in again starts a new, empty account), bindings, staff roles and unsent messages end, and its sign-ups for
   * sessions not yet started are cancelled (the waitlist is offered the seats). The personal data is
   * removed by purgeClosedAccounts, at the latest ACCOUNT_PURGE_DAYS later.
   */
  async closeAccount(): Promise<CloseAccountOutput> {
    const now = this.deps.clock();
    const userId = this.caller.userId;
    await this.deps.db.transaction(async (tx) => {
      const user = await maybeOne<{ closed_at: Date | null }>(tx, 'SELECT closed_at FROM users WHERE id = $1 FOR UPDATE', [userId]);
      if (!user || user.closed_at) throw new AppError('TOKEN_INVALID');
      await tx.query('UPDATE users SET closed_at = $2, openid = NULL, unionid = NULL, dev_identity = NULL WHERE id = $1', [userId, now]);
      await tx.query('UPDATE auth_sessions SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL', [userId, now]);
      await tx.query(
        `UPDATE guardianships SET revoked_at = $2, revoked_by = $1, revoke_reason = 'account_closed', notice_consent_at = NULL WHERE user_id = $1 AND revoked_at IS NULL`,
        [userId, now],
      );
      await removeCopies(tx, { userId }, 'account_closed', now);
      await cancelFutureSignups(tx, this.deps, userId, now);
      await tx.query('UPDATE role_grants SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL', [userId, now]);
      await tx.query(`UPDATE outbox SET status = 'withdrawn' WHERE user_id = $1 AND status = 'pending'`, [userId]);
      await appendAudit(tx, this.deps.config.notices.hmacKey, now, { actorId: userId, action: 'account_closed', subjectId: userId });
    });
    return { closedAt: now.toISOString(), purgeBy: new Date(now.getTime() + ACCOUNT_PURGE_DAYS * DAY).toISOString() };
  }
}

/**
 * Removes the personal data of closed accounts (runDueJobs; each account in its own transaction, due from the moment it
 * closed). Deleted: sessions, privacy consents, message grants and messages, idempotency keys and counters, certificates
 * (they carry the name), quiz answers, lesson positions, the 其他监护人 note, the school's phone record of the binding
 * slot. Kept under the bare account id, which no longer leads to a person: the audit chain (HMAC-linked, it cannot
 * change), the school's notice receipts (purged on the school's retention period), and the rows the 妇联 counts are
 * computed from — bindings with their dates, enrolments, learning statements (until their 3 years end) and sign-ups.
 */
export async function purgeClosedAccounts(deps: AppDeps, now: Date): Promise<number> {
  const due = await deps.db.query<{ id: string }>(
    'SELECT id FROM users WHERE closed_at IS NOT NULL AND purged_at IS NULL AND closed_at <= $1 ORDER BY closed_at LIMIT $2',
    [now, BATCH],
  );
  let purged = 0;
  for (const { id } of due) {
    const done = await deps.db.transaction(async (tx) => {
      const user = await maybeOne(tx, 'SELECT 1 FROM users WHERE id = $1 AND purged_at IS NULL FOR UPDATE SKIP LOCKED', [id]);
      if (!user) return false;
      await tx.query('UPDATE users SET display_name = $2, openid = NULL, unionid = NULL, dev_identity = NULL, last_login_at = NULL, purged_at = $3 WHERE id = $1', [id, CLOSED_ACCOUNT_NAME, now]);
      for (const table of ['auth_sessions', 'privacy_consents', 'message_grants', 'outbox', 'idempotency_keys', 'certificates', 'quiz_attempts', 'lesson_progress', 'lesson_opens']) {
        await tx.query(`DELETE FROM ${table} WHERE user_id = $1`, [id]);
      }
      await tx.query('DELETE FROM attempt_counters WHERE subject = $1', [`user:${id}`]);
      await tx.query('UPDATE guardianships SET relation_note = NULL WHERE user_id = $1', [id]);
      await tx.query('UPDATE notice_recipients SET relation_note = NULL WHERE user_id = $1', [id]);
      await tx.query('UPDATE binding_codes SET phone_hash = NULL, phone_masked = NULL WHERE used_by = $1', [id]);
      await appendAudit(tx, deps.config.notices.hmacKey, now, { actorId: null, action: 'account_purged', subjectId: id });
      return true;
    });
    if (done) purged++;
  }
  return purged;
}

/**
 * Deletes learning details older than the guide's LEARNING_RETENTION_YEARS (by the server's receive time): learning
 * statements, quiz answers and first-open anchors. The 妇联 rollups keep their counts (no trigger runs on deletion);
 * enrolments, completions and certificates stay while the account exists (a certificate must remain verifiable).
 */
export async function expireLearningRecords(deps: AppDeps, now: Date): Promise<number> {
  const horizon = new Date(now);
  horizon.setUTCFullYear(horizon.getUTCFullYear() - LEARNING_RETENTION_YEARS);
  return deps.db.transaction(async (tx) => {
    let n = 0;
    const steps: [string, string][] = [
      ['learning_statements', 'id IN (SELECT id FROM learning_statements WHERE stored_at < $1 ORDER BY stored_at LIMIT 20000)'],
      ['quiz_attempts', 'created_at < $1'],
      ['lesson_opens', 'first_at < $1'],
    ];
    for (const [table, where] of steps) {
      const [row] = await tx.query<{ n: number }>(`WITH gone AS (DELETE FROM ${table} WHERE ${where} RETURNING 1) SELECT count(*)::int AS n FROM gone`, [horizon]);
      n += row?.n ?? 0;
    }
    return n;
  });
}
