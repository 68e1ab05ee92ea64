/**
 * The tamper-evident audit log of notices, bindings and notice settings: each entry carries an HMAC over the previous entry's hash and its own
 * fields; the head is anchored outside the database by signed checkpoints (checkpoint.ts), so cutting off the end of the chain is found too.
 */
import { createHmac, randomUUID } from 'node:crypto';
import type { AuditAction, AuditVerifyOutput } from '../../../../types';
import type { AppDeps } from '../../deps';
import { iso, maybeOne, one, type Database, type Sql } from '../../storage/db';
import type { AuditCheckpoint, CheckpointStore } from './checkpoint';

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

type AuditBreak = NonNullable<AuditVerifyOutput['firstBroken']>;

/** A point of the chain: an entry's seq and hash (seq 0 and 'genesis' before the first entry). */
interface ChainPoint {
  seq: number;
  hash: string;
}

const GENESIS: ChainPoint = { seq: 0, hash: 'genesis' };

/** Walks the entries after `from` (up to `toSeq`, or to the end) in order: how many verified, the last hash, and the first that does not verify. */
async function walkFrom(sql: Sql, key: Buffer, from: ChainPoint, toSeq: number | null, onEntry: (r: AuditRow) => void = () => undefined): Promise<{ checked: number; prev: string; last: AuditRow | null; broken: AuditBreak | null }> {
  const PAGE = 1000;
  let prev = from.hash;
  let after = from.seq;
  let checked = 0;
  let last: AuditRow | null = null;
  for (;;) {
    const rows = await sql.query<AuditRow>(
      `SELECT * FROM audit_log WHERE seq > $1 ${toSeq === null ? '' : 'AND seq <= $2'} ORDER BY seq LIMIT ${PAGE}`,
      toSeq === null ? [after] : [after, toSeq],
    );
    for (const r of rows) {
      const brokenAt = (reason: 'hash_mismatch' | 'link_mismatch'): AuditBreak => ({ seq: Number(r.seq), id: r.id, action: r.action, at: iso(r.at), reason });
      if (r.prev_hash !== prev) return { checked, prev, last, broken: brokenAt('link_mismatch') };
      const expected = entryHash(key, prev, { id: r.id, at: iso(r.at), actorId: r.actor_id, action: r.action, noticeId: r.notice_id, subjectId: r.subject_id, details: r.details ?? {} });
      if (expected !== r.hash) return { checked, prev, last, broken: brokenAt('hash_mismatch') };
      prev = r.hash;
      checked++;
      last = r;
      onEntry(r);
    }
    if (rows.length < PAGE) break;
    after = Number(rows[rows.length - 1]?.seq);
  }
  return { checked, prev, last, broken: null };
}

async function readHead(sql: Sql): Promise<ChainPoint> {
  const head = await one<{ seq: string; hash: string }>(sql, 'SELECT seq, hash FROM audit_head WHERE one');
  return { seq: Number(head.seq), hash: head.hash };
}

/** Runs fn on one consistent snapshot of the database (entries appended meanwhile are not half seen). */
function snapshot<T>(db: Database, fn: (tx: Sql) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    return fn(tx);
  });
}

/** What walking the whole chain found, and the head it ended on. */
export interface AuditWalk {
  ok: boolean;
  checked: number;
  firstBroken: AuditBreak | null;
  head: ChainPoint;
}

/** Walks the whole chain in order and names the first entry that does not verify; with a checkpoint, also whether the chain still holds its entry. */
export async function walkAudit(sql: Sql, key: Buffer, checkpoint: AuditCheckpoint | null = null): Promise<AuditWalk> {
  const head = await readHead(sql);
  let anchored = checkpoint === null;
  const walk = await walkFrom(sql, key, GENESIS, null, (r) => {
    if (checkpoint && Number(r.seq) === checkpoint.seq && r.hash === checkpoint.hash) anchored = true;
  });
  const { checked, last } = walk;
  if (walk.broken) return { ok: false, checked, firstBroken: walk.broken, head };
  if (head.hash !== walk.prev) {
    return { ok: false, checked, firstBroken: { seq: head.seq, id: last?.id ?? '', action: last?.action ?? '', at: last ? iso(last.at) : new Date(0).toISOString(), reason: 'truncated' }, head };
  }
  if (checkpoint && !anchored) {
    return { ok: false, checked, firstBroken: { seq: checkpoint.seq, id: '', action: '', at: checkpoint.at, reason: 'truncated_after_checkpoint' }, head };
  }
  return { ok: true, checked, firstBroken: null, head };
}

/**
 * Verifies the whole chain against the newest checkpoint outside the database, and anchors a verified head that moved since (a new checkpoint
 * at `now`); a cut or broken chain is never anchored. Forged checkpoint lines are reported after any break of the chain itself.
 */
export async function verifyAudit(db: Database, key: Buffer, store: CheckpointStore, now: Date): Promise<AuditVerifyOutput> {
  // The store is read before the snapshot: a checkpoint written meanwhile is then never newer than the chain walked.
  const read = await store.newest();
  const walk = await snapshot(db, (tx) => walkAudit(tx, key, read.newest));
  let checkpoint = read.newest;
  if (walk.ok && walk.head.seq > 0 && (checkpoint?.seq !== walk.head.seq || checkpoint.hash !== walk.head.hash)) {
    checkpoint = { seq: walk.head.seq, hash: walk.head.hash, at: now.toISOString() };
    await store.append(checkpoint);
  }
  let { ok, firstBroken } = walk;
  const forged = read.forged[0];
  if (ok && forged) {
    ok = false;
    firstBroken = { seq: forged.seq ?? 0, id: '', action: '', at: now.toISOString(), reason: 'checkpoint_forged' };
  }
  return { ok, checked: walk.checked, firstBroken, checkpoint: checkpoint ? { seq: checkpoint.seq, at: checkpoint.at } : null, forgedCheckpoints: read.forged.length };
}

/** Why the job refuses to anchor the head: the chain no longer extends the newest checkpoint. */
function refused(at: number, reason: string): Error {
  return new Error(`审计链与检查点不一致（第 ${at} 条：${reason}），未写入新的检查点；请运行 npm run audit:verify`);
}

/**
 * The job: anchors the chain's head outside the database when it moved and the newest checkpoint is at least `checkpointMinutes` old. Only the
 * entries since that checkpoint are walked; when the chain no longer extends it (cut, wiped, changed) the job throws and writes nothing.
 */
export async function checkpointAudit(deps: AppDeps, now: Date): Promise<number> {
  const { db, config, checkpoints, log } = deps;
  const key = config.notices.hmacKey;
  return snapshot(db, async (tx) => {
    // Every instance runs the jobs: one of them at a time reads the newest checkpoint and appends the next, under a
    // transaction-scoped lock (a session lock would not survive a pooler in transaction mode); the others skip this run.
    const [lock] = await tx.query<{ ok: boolean }>('SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0)) AS ok', ['xq_audit_checkpoint']);
    if (!lock?.ok) return 0;
    const { newest, forged } = await checkpoints.newest();
    if (forged.length) log.warn('audit_checkpoint_forged', { lines: forged.length });
    if (newest && now.getTime() - Date.parse(newest.at) < config.notices.checkpointMinutes * 60_000) return 0;
    const h = await readHead(tx);
    if (newest ? h.seq === newest.seq && h.hash === newest.hash : h.seq === 0) return 0;
    if (newest) {
      const entry = await maybeOne<{ hash: string }>(tx, 'SELECT hash FROM audit_log WHERE seq = $1', [newest.seq]);
      if (entry?.hash !== newest.hash) throw refused(newest.seq, 'truncated_after_checkpoint');
    }
    const walk = await walkFrom(tx, key, newest ?? GENESIS, h.seq);
    if (walk.broken) throw refused(walk.broken.seq, walk.broken.reason);
    if (walk.prev !== h.hash) throw refused(h.seq, 'truncated');
    await checkpoints.append({ seq: h.seq, hash: h.hash, at: now.toISOString() });
    return 1;
  });
}
