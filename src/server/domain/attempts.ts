/**
 * Limits on guesses at secrets (binding, invitation and check-in codes) and on costly requests (logins, evidence uploads)
 * that hold under concurrency. A request reserves its attempt — or its bytes — in a counter per subject and action with
 * one upsert BEFORE anything is checked, so concurrent requests see each other's reservations and a burst evaluates at
 * most the limit. A success, or a refusal that says nothing about the code, gives the reservation back; a wrong code
 * keeps it. Every counter lives in a fixed window; the row keeps the window's end (migration 010).
 */
import { createHmac } from 'node:crypto';
import type { ErrorCode } from '../../../types';
import type { AppDeps } from '../deps';
import { AppError } from './errors';
import type { Sql } from '../storage/db';
import type { Caller } from './caller';

/** The address of requests that arrive without a socket (app.request() in tests) and without a trusted header. */
export const UNKNOWN_ADDRESS = 'unknown';

/** At most `max` attempts (or bytes) in a fixed window of `windowMinutes`. */
export interface Limit {
  readonly max: number;
  readonly windowMinutes: number;
}

const DAY_MINUTES = 24 * 60;
const MB = 1024 * 1024;

/**
 * Every limit of the app, in one place. A guess counts against three counters, and is refused when any is spent:
 * - account: one user's tries (binding codes 5 per 30 minutes, as before; invitation codes 10 an hour; check-in codes 10 per 10 minutes);
 * - target: what the guess aims at. Binding and invitation codes carry no public part (8 random characters, looked up by
 *   their hash), so a guess aims at every open code at once and the target is all binding codes (all invitations) together:
 *   far above the typos of a district's parents binding at the start of term, far below what a spray of fresh accounts
 *   needs (a binding code is 40 random bits and, in production, must also match the guardian's WeChat phone number).
 *   A check-in code belongs to one session: the target is the session.
 * - address: the client address (behind a trusted proxy, from X-Forwarded-For; an IPv6 /64 counts as one address), so
 *   fresh accounts made in one place share one budget; high enough for a parents' meeting on one school's Wi-Fi.
 * Logins count per address; evidence uploads per login session and per account (files and bytes a day).
 */
export const LIMITS = {
  binding: { account: { max: 5, windowMinutes: 30 }, target: { max: 600, windowMinutes: 30 }, address: { max: 30, windowMinutes: 30 } },
  invitation: { account: { max: 10, windowMinutes: 60 }, target: { max: 100, windowMinutes: 60 }, address: { max: 20, windowMinutes: 60 } },
  checkin: { account: { max: 10, windowMinutes: 10 }, target: { max: 100, windowMinutes: 10 }, address: { max: 30, windowMinutes: 10 } },
  login: { address: { max: 60, windowMinutes: 1 } },
  upload: {
    sessionFiles: { max: 60, windowMinutes: DAY_MINUTES },
    sessionBytes: { max: 100 * MB, windowMinutes: DAY_MINUTES },
    accountFiles: { max: 200, windowMinutes: DAY_MINUTES },
    accountBytes: { max: 300 * MB, windowMinutes: DAY_MINUTES },
  },
} as const satisfies Record<string, Record<string, Limit>>;

/** The kinds of code a person may guess at. */
export type GuessKind = 'binding' | 'invitation' | 'checkin';

/** One counter a request counts against, and by how much (1 attempt, or a number of bytes). */
export interface CounterKey {
  subject: string;
  action: string;
  limit: Limit;
  amount?: number;
}

interface Held {
  key: CounterKey;
  amount: number;
  n: number;
  windowEnd: Date;
}

/** "30 分钟", "24 小时": how long to wait, for messages. */
export function waitText(seconds: number): string {
  return seconds <= 90 * 60 ? `${Math.max(1, Math.ceil(seconds / 60))} 分钟` : `${Math.ceil(seconds / 3600)} 小时`;
}

function secondsUntil(end: Date, now: Date): number {
  return Math.max(1, Math.ceil((end.getTime() - now.getTime()) / 1000));
}

/** A request's reservation on its counters. */
export class Reservation {
  private released = false;

  constructor(private readonly sql: Sql, private readonly now: Date, private readonly held: readonly Held[]) {}

  /** Tries left before a refusal: the tightest counter's. */
  get remaining(): number {
    return Math.max(0, Math.min(...this.held.map((h) => h.key.limit.max - h.n)));
  }

  /** Seconds until every spent counter's window has ended. */
  get retryAfterSeconds(): number {
    const spent = this.held.filter((h) => h.n >= h.key.limit.max);
    return Math.max(0, ...spent.map((h) => secondsUntil(h.windowEnd, this.now)));
  }

  /** Gives the reservation back (a success, or a refusal that says nothing about the code); only once. */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    // One row per statement: each locks a single row, so concurrent releases can never deadlock.
    await Promise.all(
      this.held.map((h) =>
        this.sql.query('UPDATE attempt_counters SET n = GREATEST(n - $3, 0) WHERE subject = $1 AND action = $2 AND window_end = $4', [h.key.subject, h.key.action, h.amount, h.windowEnd]),
      ),
    );
  }

  /** The error of a wrong code, keeping the reservation: with the tries left, and how long to wait once none are. */
  failed(err: AppError): AppError {
    const remaining = this.remaining;
    return new AppError(err.code, err.message, err.details, { remainingAttempts: remaining, ...(remaining === 0 ? { retryAfterSeconds: this.retryAfterSeconds } : {}) });
  }
}

/**
 * Reserves each key's amount in one statement (rows taken in a fixed order, so concurrent reservations cannot deadlock).
 * When any counter is past its limit, everything is given back and `refusal` is thrown with retryAfterSeconds.
 */
export async function reserve(sql: Sql, now: Date, keys: readonly CounterKey[], refusal: ErrorCode = 'TOO_MANY_ATTEMPTS'): Promise<Reservation> {
  const sorted = [...keys].sort((a, b) => (a.subject === b.subject ? a.action.localeCompare(b.action) : a.subject.localeCompare(b.subject)));
  const rows = await sql.query<{ subject: string; action: string; n: number; window_end: Date | string }>(
    `INSERT INTO attempt_counters AS c (subject, action, n, window_end)
     SELECT k.subject, k.action, k.amount, $5::timestamptz + make_interval(secs => k.secs)
       FROM unnest($1::text[], $2::text[], $3::bigint[], $4::int[]) WITH ORDINALITY AS k(subject, action, amount, secs, i)
      ORDER BY k.i
     ON CONFLICT (subject, action) DO UPDATE SET
       n = CASE WHEN c.window_end <= $5::timestamptz THEN EXCLUDED.n ELSE c.n + EXCLUDED.n END,
       window_end = CASE WHEN c.window_end <= $5::timestamptz THEN EXCLUDED.window_end ELSE c.window_end END
     RETURNING c.subject, c.action, c.n::float8 AS n, c.window_end`,
    [sorted.map((k) => k.subject), sorted.map((k) => k.action), sorted.map((k) => k.amount ?? 1), sorted.map((k) => k.limit.windowMinutes * 60), now],
  );
  const held = sorted.map((key): Held => {
    const row = rows.find((r) => r.subject === key.subject && r.action === key.action);
    if (!row) throw new Error(`attempt counter ${key.action} not returned`);
    return { key, amount: key.amount ?? 1, n: Number(row.n), windowEnd: new Date(row.window_end) };
  });
  const reservation = new Reservation(sql, now, held);
  const over = held.filter((h) => h.n > h.key.limit.max);
  if (over.length > 0) {
    await reservation.release();
    const wait = Math.max(...over.map((h) => secondsUntil(h.windowEnd, now)));
    const message = refusal === 'TOO_MANY_ATTEMPTS' ? `尝试次数过多，请 ${waitText(wait)}后再试` : `今天上传的文件过多或过大，请 ${waitText(wait)}后再试`;
    throw new AppError(refusal, message, undefined, { retryAfterSeconds: wait });
  }
  return reservation;
}

/** The limits of one request: who is asking (the caller, when there is one) and from which client address. */
export class Limiter {
  private key: string | null = null;

  constructor(private readonly deps: Pick<AppDeps, 'db' | 'clock' | 'config'>, private readonly address: string) {}

  /** Addresses are counted by a keyed hash (the table never holds a client's address), computed on the first guess only. */
  private get addressKey(): string {
    this.key ??= `addr:${createHmac('sha256', this.deps.config.sessionSecret).update(`client-address:${this.address}`).digest('base64url').slice(0, 22)}`;
    return this.key;
  }

  /**
   * Runs one guess at a code: reserved against the account, the target and the address before `work` checks it. When
   * `wrong(err)` says the code was wrong the reservation is kept and the error carries the tries left; any other outcome
   * (success included) gives it back.
   */
  async guess<T>(kind: GuessKind, userId: string, target: string, wrong: (err: AppError) => boolean, work: () => Promise<T>): Promise<T> {
    const limits = LIMITS[kind];
    const held = await reserve(this.deps.db, this.deps.clock(), [
      { subject: `user:${userId}`, action: kind, limit: limits.account },
      { subject: `target:${target}`, action: kind, limit: limits.target },
      { subject: this.addressKey, action: kind, limit: limits.address },
    ]);
    let result: T;
    try {
      result = await work();
    } catch (err) {
      if (err instanceof AppError && wrong(err)) throw held.failed(err);
      await held.release();
      throw err;
    }
    await held.release();
    return result;
  }

  /** Counts one login from the client address (WeChat and development logins alike; successes count too). */
  async login(): Promise<void> {
    await reserve(this.deps.db, this.deps.clock(), [{ subject: this.addressKey, action: 'login', limit: LIMITS.login.address }]);
  }

  /**
   * Stores one uploaded file within the quotas of the caller's login session and account (files and bytes a day):
   * refused with UPLOAD_QUOTA_EXCEEDED before `store` runs when it would not fit; given back when `store` fails.
   */
  async upload<T>(caller: Caller, bytes: number, store: () => Promise<T>): Promise<T> {
    const q = LIMITS.upload;
    const held = await reserve(
      this.deps.db,
      this.deps.clock(),
      [
        { subject: `session:${caller.sessionId}`, action: 'upload_files', limit: q.sessionFiles },
        { subject: `session:${caller.sessionId}`, action: 'upload_bytes', limit: q.sessionBytes, amount: bytes },
        { subject: `user:${caller.userId}`, action: 'upload_files', limit: q.accountFiles },
        { subject: `user:${caller.userId}`, action: 'upload_bytes', limit: q.accountBytes, amount: bytes },
      ],
      'UPLOAD_QUOTA_EXCEEDED',
    );
    try {
      return await store();
    } catch (err) {
      await held.release();
      throw err;
    }
  }
}
