/**
 * The audit chain's head anchored outside the database: checkpoints (seq, hash, time) signed with the audit HMAC key and appended to a
 * store the database's administrators cannot rewrite, so that cutting entries off the end of the chain is found by verification.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

/** The chain's head at a time: the newest entry's sequence number and hash. */
export interface AuditCheckpoint {
  seq: number;
  hash: string;
  at: string;
}

/** A stored line that did not verify (wrong HMAC, another key, not a checkpoint at all): reported, never trusted. */
export interface ForgedCheckpoint {
  /** 1-based line (or object) number in the store. */
  line: number;
  /** What the line claims, when it says. */
  seq: number | null;
}

/** What a store holds: the newest checkpoint whose HMAC verifies (the highest seq), and the lines that do not verify. */
export interface CheckpointRead {
  newest: AuditCheckpoint | null;
  forged: ForgedCheckpoint[];
}

/** An append-only place outside the database for checkpoints (a file on storage the database admin cannot write, by default). */
export interface CheckpointStore {
  /** Appends one checkpoint durably. */
  append(checkpoint: AuditCheckpoint): Promise<void>;
  /** Reads the store: the newest valid checkpoint and the lines that failed their HMAC. */
  newest(): Promise<CheckpointRead>;
}

/** The stored form: the checkpoint, the id of the key that signed it, and the HMAC over both. */
interface SignedCheckpoint extends AuditCheckpoint {
  kid: string;
  hmac: string;
}

/** Names the HMAC key without revealing it (an HMAC of a fixed label), so a line signed with another key is told apart. */
export function checkpointKeyId(key: Buffer): string {
  return createHmac('sha256', key).update('xq-audit-checkpoint-key-id').digest('hex').slice(0, 16);
}

function mac(key: Buffer, c: AuditCheckpoint, kid: string): string {
  return createHmac('sha256', key).update(JSON.stringify(['xq-audit-checkpoint', c.seq, c.hash, c.at, kid])).digest('hex');
}

/** Signs a checkpoint with the audit HMAC key. */
export function signCheckpoint(key: Buffer, c: AuditCheckpoint): SignedCheckpoint {
  const kid = checkpointKeyId(key);
  return { seq: c.seq, hash: c.hash, at: c.at, kid, hmac: mac(key, c, kid) };
}

/** Checks one stored record; returns the checkpoint when its HMAC verifies with this key, else null. */
export function checkCheckpoint(key: Buffer, record: unknown): AuditCheckpoint | null {
  if (typeof record !== 'object' || record === null) return null;
  const r = record as Record<string, unknown>;
  const { seq, hash, at, kid, hmac } = r;
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 1) return null;
  if (typeof hash !== 'string' || !/^[0-9a-f]{64}$/.test(hash)) return null;
  if (typeof at !== 'string' || Number.isNaN(Date.parse(at))) return null;
  if (typeof kid !== 'string' || kid !== checkpointKeyId(key)) return null;
  if (typeof hmac !== 'string' || !/^[0-9a-f]{64}$/.test(hmac)) return null;
  const c = { seq, hash, at };
  return timingSafeEqual(Buffer.from(hmac, 'hex'), Buffer.from(mac(key, c, kid), 'hex')) ? c : null;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** Reads stored records (in store order) into the newest valid checkpoint and the forged ones. */
export function readCheckpoints(key: Buffer, records: { line: number; text: string }[]): CheckpointRead {
  let newest: AuditCheckpoint | null = null;
  const forged: ForgedCheckpoint[] = [];
  for (const { line, text } of records) {
    const record = parseJson(text);
    const valid = checkCheckpoint(key, record);
    if (!valid) {
      const claimed = (record as { seq?: unknown } | null)?.seq;
      forged.push({ line, seq: typeof claimed === 'number' && Number.isSafeInteger(claimed) ? claimed : null });
    } else if (!newest || valid.seq > newest.seq || (valid.seq === newest.seq && valid.at > newest.at)) {
      newest = valid;
    }
  }
  return { newest, forged };
}

/** A checkpoint store in one file: a JSON line per checkpoint, appended (O_APPEND) and fsync'd (the directory too when the file is new). */
export function createFileCheckpointStore(file: string, key: Buffer): CheckpointStore {
  return {
    async append(checkpoint) {
      const dir = path.dirname(file);
      await fs.mkdir(dir, { recursive: true });
      const created = (await fs.stat(file).catch(() => null)) === null;
      const fh = await fs.open(file, 'a+', 0o640);
      try {
        // A last line left without its newline (a crash mid-write, a stray edit) must not swallow this one.
        const { size } = await fh.stat();
        const last = Buffer.alloc(1);
        const unterminated = size > 0 && (await fh.read(last, 0, 1, size - 1)).bytesRead === 1 && last[0] !== 0x0a;
        await fh.write(`${unterminated ? '\n' : ''}${JSON.stringify(signCheckpoint(key, checkpoint))}\n`);
        await fh.sync();
      } finally {
        await fh.close();
      }
      if (created) {
        const d = await fs.open(dir, 'r');
        try {
          await d.sync();
        } finally {
          await d.close();
        }
      }
    },
    async newest() {
      let text: string;
      try {
        text = await fs.readFile(file, 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { newest: null, forged: [] };
        throw err;
      }
      const records = text.split('\n').map((t, i) => ({ line: i + 1, text: t })).filter((r) => r.text.trim() !== '');
      return readCheckpoints(key, records);
    },
  };
}
