/** The tamper-evident audit log of notices and bindings: each entry carries an HMAC over the previous entry's hash and its own fields. */
import { createHmac, randomUUID } from 'node:crypto';
import type { AuditAction, AuditVerifyOutput } from '../../../../types';
import { iso, one, type Sql } from '../../storage/db';

/** One event to append. */
export interface AuditEvent {
  actorId: string | null;
  action: AuditAction;
  noticeId?: string | null;
  /** What else the event is about: a recipient, a binding code, a guardianship, a task, a referral. */
  subjectId?: string | null;
  details?: Record<string, string | number | boolean | null>;
}

interface AuditRow {
  seq: string | number;
  id: string;
  at: Date;
  actor_id: string | null;
  action: string;
  notice_id: string | null;
  subject_id: string | null;
  details: Record<string, unknown>;
  prev_hash: string;
  hash: string;
}

function canonical(details: Record<string, unknown>): string {
  return JSON.stringify(Object.keys(details).sort().map((k) => [k, details[k]]));
}

function entryHash(key: Buffer, prev: string, e: { id: string; at: string; actorId: string | null; action: string; noticeId: string | null; subjectId: string | null; details: Record<string, unknown> }): string {
  const material = JSON.stringify([prev, e.id, e.at, e.actorId, e.action, e.noticeId, e.subjectId, canonical(e.details)]);
  return createHmac('sha256', key).update(material).digest('hex');
}

/** Appends events to the chain inside the caller's transaction (appends serialise on the chain's head row). */
export async function appendAudit(tx: Sql, key: Buffer, at: Date, events: AuditEvent | AuditEvent[]): Promise<void> {
  const list = Array.isArray(events) ? events : [events];
  if (list.length === 0) return;
  const head = await one<{ hash: string }>(tx, 'SELECT hash FROM audit_head WHERE one FOR UPDATE');
  let prev = head.hash;
  let seq = 0;
  const when = new Date(at.getTime());
  for (const e of list) {
    const entry = { id: randomUUID(), at: when.toISOString(), actorId: e.actorId, action: e.action, noticeId: e.noticeId ?? null, subjectId: e.subjectId ?? null, details: e.details ?? {} };
    const hash = entryHash(key, prev, entry);
    const row = await one<{ seq: string }>(
      tx,
      `INSERT INTO audit_log (id, at, actor_id, action, notice_id, subject_id, details, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING seq`,
      [entry.id, when, entry.actorId, entry.action, entry.noticeId, entry.subjectId, JSON.stringify(entry.details), prev, hash],
    );
    seq = Number(row.seq);
    prev = hash;
  }
  await tx.query('UPDATE audit_head SET seq = $1, hash = $2 WHERE one', [seq, prev]);
}

/** Walks the whole chain in order and names the first entry that does not verify. */
export async function verifyAudit(sql: Sql, key: Buffer): Promise<AuditVerifyOutput> {
  const PAGE = 1000;
  let prev = 'genesis';
  let after = 0;
  let checked = 0;
  let last: AuditRow | null = null;
  for (;;) {
    const rows = await sql.query<AuditRow>('SELECT * FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT ' + PAGE, [after]);
    for (const r of rows) {
      const brokenAt = (reason: 'hash_mismatch' | 'link_mismatch') => ({ ok: false, checked, firstBroken: { seq: Number(r.seq), id: r.id, action: r.action, at: iso(r.at), reason } });
      if (r.prev_hash !== prev) return brokenAt('link_mismatch');
      const expected = entryHash(key, prev, { id: r.id, at: iso(r.at), actorId: r.actor_id, action: r.action, noticeId: r.notice_id, subjectId: r.subject_id, details: r.details ?? {} });
      if (expected !== r.hash) return brokenAt('hash_mismatch');
      prev = r.hash;
      checked++;
      last = r;
    }
    if (rows.length < PAGE) break;
    after = Number(rows[rows.length - 1]?.seq);
  }
  const head = await one<{ seq: string; hash: string }>(sql, 'SELECT seq, hash FROM audit_head WHERE one');
  if (head.hash !== prev) {
    return { ok: false, checked, firstBroken: { seq: Number(head.seq), id: last?.id ?? '', action: last?.action ?? '', at: last ? iso(last.at) : new Date(0).toISOString(), reason: 'truncated' } };
  }
  return { ok: true, checked, firstBroken: null };
}
