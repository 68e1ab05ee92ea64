/** WeChat subscribe messages: one-time grants from the user, an outbox table, and the job that sends it. */
import type { MessageTemplate } from '../../../../types';
import type { AppDeps } from '../../deps';
import type { Config } from '../../env';
import type { Sql } from '../../storage/db';

/** The Chinese title of each template, as configured in the WeChat admin console. */
export const TEMPLATE_TITLES: Record<MessageTemplate, string> = {
  signup_result: '活动报名结果通知',
  event_reminder: '活动开始提醒',
  event_cancelled: '活动取消通知',
  school_notice: '学校通知提醒',
};

/** The WeChat template id configured for a template. */
export function templateId(config: Config, template: MessageTemplate): string {
  return template === 'school_notice' ? config.notices.templateId : config.events.templates[template];
}

/** Retries before a message is marked failed; the delay doubles from one minute. */
const MAX_ATTEMPTS = 5;
const BATCH = 50;

/** Records the templates users accepted in wx.requestSubscribeMessage (each allows one message), in one statement. */
export async function recordGrants(tx: Sql, grants: readonly { userId: string; templates: readonly MessageTemplate[] }[], now: Date): Promise<void> {
  const rows = grants.flatMap((g) => [...new Set(g.templates)].map((template) => ({ userId: g.userId, template })));
  if (rows.length === 0) return;
  await tx.query(
    'INSERT INTO message_grants (user_id, template, granted_at) SELECT u, t, $3 FROM unnest($1::uuid[], $2::text[]) AS g(u, t)',
    [rows.map((r) => r.userId), rows.map((r) => r.template), now],
  );
}

/** One message to queue. The payload holds neutral display values only (never personal or notice content). */
export interface OutgoingMessage {
  userId: string;
  template: MessageTemplate;
  /** The mini-program page the message opens. */
  page: string;
  payload: Record<string, string>;
  /** One message per key: queuing the same key again does nothing. */
  dedupeKey: string;
  sendAfter: Date;
}

/**
 * Queues a message when the user holds an unused grant of its template (and uses the grant); returns whether it was queued.
 * The school-notice template is a long-term subscription (open to education services): its grant is kept, not used up.
 */
export async function enqueue(tx: Sql, msg: OutgoingMessage): Promise<boolean> {
  const longTerm = msg.template === 'school_notice';
  const [grant] = await tx.query<{ id: string }>(
    `SELECT id FROM message_grants WHERE user_id = $1 AND template = $2 AND used_at IS NULL ORDER BY granted_at LIMIT 1 FOR UPDATE SKIP LOCKED`,
    [msg.userId, msg.template],
  );
  if (!grant) return false;
  const inserted = await tx.query(
    `INSERT INTO outbox (user_id, template, page, payload, dedupe_key, send_after) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (dedupe_key) DO NOTHING RETURNING id`,
    [msg.userId, msg.template, msg.page, JSON.stringify(msg.payload), msg.dedupeKey, msg.sendAfter],
  );
  if (inserted.length === 0) return false;
  if (!longTerm) await tx.query('UPDATE message_grants SET used_at = $2 WHERE id = $1', [grant.id, msg.sendAfter]);
  return true;
}

/** Withdraws queued, unsent messages whose key starts with a prefix (e.g. a cancelled sign-up's reminder). */
export async function withdraw(tx: Sql, dedupePrefix: string): Promise<number> {
  const rows = await tx.query(
    `UPDATE outbox SET status = 'withdrawn' WHERE status = 'pending' AND starts_with(dedupe_key, $1) RETURNING id`,
    [dedupePrefix],
  );
  return rows.length;
}

interface DueRow { id: string; user_id: string; template: MessageTemplate; page: string; payload: Record<string, string>; attempts: number; openid: string | null; dedupe_key: string }

/** Called after WeChat accepted a message (a notice records its delivery). */
export type SentHook = (deps: AppDeps, sent: { template: MessageTemplate; dedupeKey: string }, at: Date) => Promise<void>;

/** Sends the messages that are due; failures are retried with backoff, permanent ones marked failed. Returns the number sent. */
export async function sendDueMessages(deps: AppDeps, now: Date, onSent?: SentHook): Promise<number> {
  const due = await deps.db.transaction(async (tx) => {
    const rows = await tx.query<DueRow>(
      `SELECT o.id, o.user_id, o.template, o.page, o.payload, o.attempts, o.dedupe_key, u.openid FROM outbox o JOIN users u ON u.id = o.user_id
        WHERE o.status = 'pending' AND o.send_after <= $1 ORDER BY o.send_after LIMIT ${BATCH} FOR UPDATE OF o SKIP LOCKED`,
      [now],
    );
    if (rows.length) {
      await tx.query(`UPDATE outbox SET send_after = $2 WHERE id = ANY($1::uuid[])`, [rows.map((r) => r.id), new Date(now.getTime() + 5 * 60_000)]);
    }
    return rows;
  });
  let sent = 0;
  for (const row of due) {
    if (!row.openid) {
      await deps.db.query(`UPDATE outbox SET status = 'skipped', last_error = 'no_wechat_account' WHERE id = $1`, [row.id]);
      continue;
    }
    const result = await deps.wechat.sendSubscribeMessage({
      touser: row.openid,
      templateId: templateId(deps.config, row.template),
      page: row.page,
      data: Object.fromEntries(Object.entries(row.payload).map(([k, v]) => [k, { value: v }])),
    });
    const attempts = row.attempts + 1;
    if (result.ok) {
      sent++;
      await deps.db.query(`UPDATE outbox SET status = 'sent', attempts = $2, sent_at = $3, last_error = NULL WHERE id = $1`, [row.id, attempts, now]);
      if (onSent) await onSent(deps, { template: row.template, dedupeKey: row.dedupe_key }, now);
    } else if (result.retry && attempts < MAX_ATTEMPTS) {
      const retryAt = new Date(now.getTime() + 60_000 * 2 ** (attempts - 1));
      await deps.db.query(`UPDATE outbox SET attempts = $2, send_after = $3, last_error = $4 WHERE id = $1`, [row.id, attempts, retryAt, result.error]);
    } else {
      await deps.db.query(`UPDATE outbox SET status = 'failed', attempts = $2, last_error = $3 WHERE id = $1`, [row.id, attempts, result.error]);
      deps.log.warn('message_failed', { template: row.template, error: result.error, attempts });
    }
  }
  return sent;
}
