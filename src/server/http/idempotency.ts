/**
 * Idempotency keys (the IETF httpapi Idempotency-Key header): a create or submit repeated with the same key — a double
 * tap, a retry after a lost answer — gets the first request's answer instead of creating a second row.
 */
import { createHash } from 'node:crypto';
import type { Database } from '../storage/db';
import { maybeOne } from '../storage/db';
import type { Logger } from '../log';
import { AppError } from '../domain/errors';

/** The request header that carries the key. */
export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
/** The response header set on an answer replayed from a stored key. */
export const REPLAYED_HEADER = 'Idempotent-Replayed';
/** A key's form: what the client's key maker produces, and room for other API callers' UUIDs. */
export const IDEMPOTENCY_KEY_PATTERN = /^[A-Za-z0-9_-]{8,100}$/;

/** Reads the header: null when absent; VALIDATION_FAILED when it is not 8–100 letters, digits, '-' or '_'. */
export function idempotencyKeyOf(header: string | undefined): string | null {
  if (header === undefined) return null;
  if (!IDEMPOTENCY_KEY_PATTERN.test(header)) {
    throw new AppError('VALIDATION_FAILED', undefined, [{ path: `header.${IDEMPOTENCY_HEADER}`, message: '须为 8–100 个字母、数字、“-”或“_”' }]);
  }
  return header;
}

/** What makes two requests the same: method, concrete path and raw body. */
export function requestFingerprint(method: string, path: string, rawBody: string): string {
  return createHash('sha256').update(`${method.toUpperCase()}\n${path}\n`).update(rawBody).digest('hex');
}

/** A JSON answer, as stored and replayed. */
export interface StoredAnswer {
  status: number;
  body: unknown;
}

/** The outcome of a keyed request: its own answer, a stored one, or a non-JSON Response (not kept). */
export type KeyedOutcome = { replayed: false; answer: StoredAnswer | Response } | { replayed: true; answer: StoredAnswer };

/** Runs keyed requests at most once per (user, key). */
export interface IdempotencyStore {
  /** Runs fn unless the key was used: then waits for and replays the first answer (or refuses a different request). */
  run(userId: string, key: string, fingerprint: string, fn: () => Promise<StoredAnswer | Response>): Promise<KeyedOutcome>;
}

/** How a store waits for a request that holds the key. */
export interface IdempotencyTiming {
  pollMs: number;
  waitMs: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface KeyRow {
  fingerprint: string;
  state: 'pending' | 'done';
  status: number | null;
  response: unknown;
}

/** The store on the app's database; created_at comes from the app's clock (the purge job uses it), waiting uses real time. */
export function createIdempotencyStore(
  deps: { db: Database; clock: () => Date; log: Logger },
  timing: IdempotencyTiming = { pollMs: 30, waitMs: 10_000 },
): IdempotencyStore {
  const { db, clock, log } = deps;

  const release = async (userId: string, key: string): Promise<void> => {
    try {
      await db.query(`DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2 AND state = 'pending'`, [userId, key]);
    } catch (err) {
      log.error('idempotency_release_failed', { name: (err as Error).name, message: (err as Error).message });
    }
  };

  const execute = async (userId: string, key: string, fn: () => Promise<StoredAnswer | Response>): Promise<KeyedOutcome> => {
    let answer: StoredAnswer | Response;
    try {
      answer = await fn();
    } catch (err) {
      await release(userId, key);
      throw err;
    }
    if (answer instanceof Response) {
      await release(userId, key);
      return { replayed: false, answer };
    }
    try {
      await db.query(
        `UPDATE idempotency_keys SET state = 'done', status = $3, response = $4::jsonb, completed_at = $5 WHERE user_id = $1 AND key = $2`,
        [userId, key, answer.status, JSON.stringify(answer.body ?? null), clock()],
      );
    } catch (err) {
      // The row was made: the key stays claimed so a retry is refused as in progress rather than run twice.
      log.error('idempotency_store_failed', { name: (err as Error).name, message: (err as Error).message });
    }
    return { replayed: false, answer };
  };

  return {
    async run(userId, key, fingerprint, fn) {
      const deadline = Date.now() + timing.waitMs;
      for (;;) {
        const claimed = await db.query(
          `INSERT INTO idempotency_keys (user_id, key, fingerprint, created_at) VALUES ($1, $2, $3, $4)
           ON CONFLICT (user_id, key) DO NOTHING RETURNING key`,
          [userId, key, fingerprint, clock()],
        );
        if (claimed.length > 0) return execute(userId, key, fn);
        for (;;) {
          const row = await maybeOne<KeyRow>(db, 'SELECT fingerprint, state, status, response FROM idempotency_keys WHERE user_id = $1 AND key = $2', [userId, key]);
          if (!row) break;
          if (row.fingerprint !== fingerprint) throw new AppError('IDEMPOTENCY_KEY_REUSED');
          if (row.state === 'done') return { replayed: true, answer: { status: row.status as number, body: row.response } };
          if (Date.now() >= deadline) throw new AppError('REQUEST_IN_PROGRESS');
          await sleep(timing.pollMs);
        }
      }
    },
  };
}
