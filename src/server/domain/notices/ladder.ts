/** Timed work of notices, run by runDueJobs: the escalation ladder, retention purges, and delivery receipts from the outbox. */
import type { AppDeps } from '../../deps';
import type { SentHook } from '../messages/outbox';
import { appendAudit, type AuditEvent } from './audit';
import { queueNoticeMessage, TASK_DUE_HOURS } from './notices';

const HOUR = 3_600_000;

/**
 * Climbs the ladder for every sent notice: unread copies past `unread_hours` get a second message; a notice nobody
 * acknowledged gets a call task for the 班主任 past `head_teacher_hours`, and a task for the psychology teacher / leader
 * past `leader_hours`. Every step is audited once. Returns the number of steps taken.
 */
export async function escalateNotices(deps: AppDeps, now: Date): Promise<number> {
  const key = deps.config.notices.hmacKey;
  return deps.db.transaction(async (tx) => {
    const events: AuditEvent[] = [];
    const unread = await tx.query<{ id: string; notice_id: string; user_id: string; school_name: string }>(
      `SELECT r.id, r.notice_id, r.user_id, sc.name AS school_name
         FROM notice_recipients r JOIN notices n ON n.id = r.notice_id JOIN schools sc ON sc.id = n.school_id
         JOIN guardianships g ON g.id = r.guardianship_id
        WHERE n.status = 'sent' AND r.first_opened_at IS NULL AND r.second_push_at IS NULL AND r.revoked_at IS NULL AND g.revoked_at IS NULL
          AND n.sent_at + make_interval(hours => n.unread_hours) <= $1
        ORDER BY n.sent_at, r.id LIMIT 500 FOR UPDATE OF r SKIP LOCKED`,
      [now],
    );
    for (const r of unread) {
      await tx.query('UPDATE notice_recipients SET second_push_at = $2 WHERE id = $1', [r.id, now]);
      const queued = await queueNoticeMessage(tx, { noticeId: r.notice_id, recipientId: r.id, userId: r.user_id, schoolName: r.school_name, at: now, step: 'second' });
      events.push({ actorId: null, action: 'second_push', noticeId: r.notice_id, subjectId: r.id, details: { queued } });
    }
    const steps: { kind: 'call_guardian' | 'leader_followup'; hours: string; role: string }[] = [
      { kind: 'call_guardian', hours: 'n.head_teacher_hours', role: 'head_teacher' },
      { kind: 'leader_followup', hours: 'n.leader_hours', role: 'school_psychologist' },
    ];
    for (const step of steps) {
      const due = await tx.query<{ id: string }>(
        `SELECT n.id FROM notices n
          WHERE n.status = 'sent' AND n.sent_at + make_interval(hours => ${step.hours}) <= $1
            AND NOT EXISTS (SELECT 1 FROM notice_recipients r WHERE r.notice_id = n.id AND r.acknowledged_at IS NOT NULL)
            AND NOT EXISTS (SELECT 1 FROM notice_tasks t WHERE t.notice_id = n.id AND t.kind = $2)
          ORDER BY n.sent_at LIMIT 500 FOR UPDATE OF n SKIP LOCKED`,
        [now, step.kind],
      );
      for (const n of due) {
        const created = await tx.query<{ id: string }>(
          `INSERT INTO notice_tasks (notice_id, kind, assignee_role, created_at, due_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (notice_id, kind) DO NOTHING RETURNING id`,
          [n.id, step.kind, step.role, now, new Date(now.getTime() + TASK_DUE_HOURS * HOUR)],
        );
        if (created[0]) events.push({ actorId: null, action: 'escalated', noticeId: n.id, subjectId: created[0].id, details: { step: step.kind } });
      }
    }
    await appendAudit(tx, key, now, events);
    return events.length;
  });
}

/** Purges the content of cases closed (or sent back) longer ago than the school's retention period; the metadata and audit stay. */
export async function purgeNotices(deps: AppDeps, now: Date): Promise<number> {
  return deps.db.transaction(async (tx) => {
    const due = await tx.query<{ id: string }>(
      `SELECT id FROM notices WHERE status IN ('closed', 'rejected') AND purge_after <= $1 ORDER BY purge_after LIMIT 500 FOR UPDATE SKIP LOCKED`,
      [now],
    );
    if (due.length === 0) return 0;
    const ids = due.map((d) => d.id);
    await tx.query('UPDATE notice_recipients SET ack_sealed = NULL WHERE notice_id = ANY($1::uuid[])', [ids]);
    await tx.query(
      `UPDATE notices SET status = 'purged', purged_at = $2, content = NULL, wrapped_key = NULL, rejection_sealed = NULL WHERE id = ANY($1::uuid[])`,
      [ids, now],
    );
    await appendAudit(tx, deps.config.notices.hmacKey, now, ids.map((id) => ({ actorId: null, action: 'purged' as const, noticeId: id })));
    return ids.length;
  });
}

const FIRST_MESSAGE = /^notice:([0-9a-f-]{36}):([0-9a-f-]{36}):first$/;

/** Records that WeChat accepted a notice copy's first message (the delivery receipt). */
export const markNoticeDelivered: SentHook = async (deps, sent, at) => {
  const m = sent.template === 'school_notice' ? FIRST_MESSAGE.exec(sent.dedupeKey) : null;
  if (!m) return;
  await deps.db.transaction(async (tx) => {
    const rows = await tx.query<{ id: string }>('UPDATE notice_recipients SET delivered_at = $2 WHERE id = $1 AND delivered_at IS NULL RETURNING id', [m[2], at]);
    if (rows.length) await appendAudit(tx, deps.config.notices.hmacKey, at, { actorId: null, action: 'delivered', noticeId: m[1], subjectId: m[2] });
  });
};
