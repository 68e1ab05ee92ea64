/** 提醒未读家长: school staff re-send the neutral message to the guardians who have not opened a notice, at most once per 12 hours per notice. */
import type { RemindOutput } from '../../../../types';
import type { AppDeps } from '../../deps';
import { AppError } from '../errors';
import { maybeOne } from '../../storage/db';
import type { Caller } from '../caller';
import { requireId } from '../registry';
import { requirePupil } from './access';
import { appendAudit } from './audit';
import { queueNoticeMessage } from './notices';

/** A notice's unread guardians may be reminded once in this many hours. */
export const REMIND_INTERVAL_HOURS = 12;
const HOUR = 3_600_000;

/** 12月4日 20:30 in China time (the school's clock), for a refusal's message. */
function chinaTime(d: Date): string {
  const t = new Date(d.getTime() + 8 * HOUR);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${t.getUTCMonth() + 1}月${t.getUTCDate()}日 ${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}`;
}

/**
 * Reminds the unread guardians of a sent notice now. The notice row is locked, so two taps (or two staff members) at
 * once send one reminder and the other is refused with the time the next one is allowed. Audited with the counts only.
 */
export async function remindUnread(deps: AppDeps, caller: Caller, noticeId: string): Promise<RemindOutput> {
  const now = deps.clock();
  return deps.db.transaction(async (tx) => {
    const n = await maybeOne<{ id: string; school_id: string; class_id: string; school_name: string; status: string }>(
      tx,
      `SELECT n.id, n.school_id, s.class_id, sc.name AS school_name, n.status
         FROM notices n JOIN schools sc ON sc.id = n.school_id JOIN students s ON s.id = n.student_id WHERE n.id = $1 FOR UPDATE OF n`,
      [requireId(noticeId, '告知书')],
    );
    if (!n) throw new AppError('NOT_FOUND');
    // A 班主任 reminds only for their own classes' pupils; anyone else at the school is told it does not exist.
    await requirePupil(tx, caller, n);
    if (n.status !== 'sent') throw new AppError('NOTICE_CLOSED', '只有已发送、未结案的告知书可以提醒家长');
    const last = await maybeOne<{ at: Date }>(tx, 'SELECT at FROM notice_reminders WHERE notice_id = $1 ORDER BY at DESC LIMIT 1', [n.id]);
    if (last) {
      const next = new Date(new Date(last.at).getTime() + REMIND_INTERVAL_HOURS * HOUR);
      if (next.getTime() > now.getTime()) {
        throw new AppError(
          'TOO_MANY_ATTEMPTS',
          `该告知书已于 ${chinaTime(new Date(last.at))} 提醒过未读家长，每 ${REMIND_INTERVAL_HOURS} 小时只能提醒一次，请在 ${chinaTime(next)} 之后再试`,
          undefined,
          { retryAfterSeconds: Math.ceil((next.getTime() - now.getTime()) / 1000) },
        );
      }
    }
    const unread = await tx.query<{ id: string; user_id: string }>(
      `SELECT r.id, r.user_id FROM notice_recipients r JOIN guardianships g ON g.id = r.guardianship_id
        WHERE r.notice_id = $1 AND r.revoked_at IS NULL AND g.revoked_at IS NULL AND r.first_opened_at IS NULL ORDER BY r.created_at, r.id`,
      [n.id],
    );
    if (unread.length === 0) throw new AppError('CONFLICT', '所有监护人都已查阅这份告知书，无需提醒');
    let queued = 0;
    for (const r of unread) {
      const ok = await queueNoticeMessage(tx, { noticeId: n.id, recipientId: r.id, userId: r.user_id, schoolName: n.school_name, at: now, step: `remind-${now.getTime()}` });
      if (ok) queued++;
    }
    await tx.query('INSERT INTO notice_reminders (notice_id, sent_by, at, recipients, queued) VALUES ($1, $2, $3, $4, $5)', [n.id, caller.userId, now, unread.length, queued]);
    await appendAudit(tx, deps.config.notices.hmacKey, now, { actorId: caller.userId, action: 'reminded', noticeId: n.id, details: { recipients: unread.length, queued } });
    return {
      recipients: unread.length, queued, remindedAt: now.toISOString(), nextRemindAt: new Date(now.getTime() + REMIND_INTERVAL_HOURS * HOUR).toISOString(),
    };
  });
}
