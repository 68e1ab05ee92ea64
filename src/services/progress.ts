/**
 * Learning progress: statements (after xAPI) are queued in storage and sent in order, in batches, to POST /api/progress.
 * A statement that cannot be sent (no network, a timeout, a server error, a lapsed login) stays queued and is sent again
 * when the app shows, the network returns or the user logs in; the server ignores a replayed id, so a replay is harmless.
 */
import Taro from '@tarojs/taro';
import type { LessonProgress, ProgressInput, ProgressOutput, ProgressStatementInput } from '../../types';
import { request, type ApiError } from './request';
import { isLoggedIn, onAuthChanged } from './session';

/** Storage key of the queue of statements not yet accepted by the server. */
export const PROGRESS_QUEUE_KEY = 'xq_progress_queue';
/** Storage key of the user the queued statements belong to. */
export const PROGRESS_OWNER_KEY = 'xq_progress_owner';
/** Event fired on Taro.eventCenter after each flush that sent something (also retries in the background), with its FlushResult. */
export const PROGRESS_FLUSHED_EVENT = 'xq:progress-flushed';
/** Statements per request. */
export const PROGRESS_BATCH = 20;
/** The queue keeps at most this many statements (the oldest are dropped beyond it). */
export const PROGRESS_QUEUE_LIMIT = 500;

/** What a statement says, before it gets its id and time. */
export type StatementBody = Omit<ProgressStatementInput, 'id' | 'timestamp'>;

/** The outcome of a flush. */
export interface FlushResult {
  /** The server's progress of each lesson touched by the statements sent now (last answer wins). */
  lessons: { lessonId: string; progress: LessonProgress }[];
  /** Statements the server refused for good (NOT_ENROLLED, IMPLAUSIBLE_PROGRESS, VALIDATION_FAILED…); they left the queue. */
  rejected: { statement: ProgressStatementInput; error: ApiError }[];
  /** Statements still queued (to be retried). */
  pending: number;
  /** Statements the server answered for in this flush (accepted, duplicate or refused). */
  sent: number;
  /** The error that stopped the flush (the statements stay queued), or null. */
  error: ApiError | null;
}

/** A random RFC 4122 version 4 UUID. */
export function newStatementId(): string {
  const hex: string[] = [];
  for (let i = 0; i < 32; i++) hex.push(Math.floor(Math.random() * 16).toString(16));
  hex[12] = '4';
  hex[16] = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  const s = hex.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

/** Makes a statement with a fresh id and the current time. */
export function makeStatement(body: StatementBody, now: Date = new Date()): ProgressStatementInput {
  return {
    id: newStatementId(),
    lessonId: body.lessonId,
    verb: body.verb,
    segments: body.segments.map(([s, e]): [number, number] => [s, e]),
    position: body.position,
    timestamp: now.toISOString(),
  };
}

function isStatement(value: unknown): value is ProgressStatementInput {
  if (typeof value !== 'object' || value === null) return false;
  const s = value as Partial<ProgressStatementInput>;
  return typeof s.id === 'string' && typeof s.lessonId === 'string' && typeof s.verb === 'string' && Array.isArray(s.segments);
}

/** The statements waiting to be sent, oldest first. */
export function queuedStatements(): ProgressStatementInput[] {
  try {
    const raw: unknown = Taro.getStorageSync(PROGRESS_QUEUE_KEY);
    const list: unknown = typeof raw === 'string' && raw !== '' ? JSON.parse(raw) : raw;
    return Array.isArray(list) ? list.filter(isStatement) : [];
  } catch {
    return [];
  }
}

function saveQueue(queue: ProgressStatementInput[]): void {
  try {
    if (queue.length === 0) Taro.removeStorageSync(PROGRESS_QUEUE_KEY);
    else Taro.setStorageSync(PROGRESS_QUEUE_KEY, JSON.stringify(queue.slice(-PROGRESS_QUEUE_LIMIT)));
  } catch {
    // Storage full or unavailable: the statements live on in memory only until the next successful send.
  }
}

function storedOwner(): unknown {
  try {
    return Taro.getStorageSync(PROGRESS_OWNER_KEY);
  } catch {
    return null;
  }
}

/** Ties the queue to the user logging in: statements another user queued on this device are discarded, never sent under this user's name. */
export function claimProgressQueue(userId: string): void {
  if (storedOwner() === userId) return;
  saveQueue([]);
  Taro.setStorageSync(PROGRESS_OWNER_KEY, userId);
}

/** Adds a statement at the end of the queue (an id already queued is not added twice). */
export function enqueueStatement(statement: ProgressStatementInput): void {
  const queue = queuedStatements();
  if (queue.some((s) => s.id === statement.id)) return;
  queue.push(statement);
  saveQueue(queue);
}

function removeFromQueue(ids: Set<string>): void {
  saveQueue(queuedStatements().filter((s) => !ids.has(s.id)));
}

/** Whether an error means "try again later" (no answer, a server fault, a lapsed login, too many requests). */
export function isRetryable(error: ApiError): boolean {
  return error.status === 0 || error.status >= 500 || error.status === 401 || error.status === 408 || error.status === 429;
}

function post(statements: ProgressStatementInput[]) {
  const body: ProgressInput = { statements };
  return request<ProgressOutput>('/api/progress', { method: 'POST', body });
}

function mergeLessons(into: FlushResult['lessons'], from: ProgressOutput['lessons']): void {
  for (const item of from) {
    const at = into.findIndex((l) => l.lessonId === item.lessonId);
    if (at >= 0) into[at] = item;
    else into.push(item);
  }
}

function noteRejected(result: FlushResult, sent: ProgressStatementInput[], output: ProgressOutput): void {
  for (const refusal of output.rejected ?? []) {
    const statement = sent.find((s) => s.id === refusal.id);
    if (statement) result.rejected.push({ statement, error: { code: refusal.code, message: refusal.message, status: 200 } });
  }
}

async function flushNow(): Promise<FlushResult> {
  const result: FlushResult = { lessons: [], rejected: [], pending: 0, sent: 0, error: null };
  if (!isLoggedIn()) {
    result.pending = queuedStatements().length;
    return result;
  }
  for (;;) {
    const batch = queuedStatements().slice(0, PROGRESS_BATCH);
    if (batch.length === 0) break;
    const answer = await post(batch);
    if (answer.ok) {
      result.sent += batch.length;
      mergeLessons(result.lessons, answer.data.lessons);
      noteRejected(result, batch, answer.data);
      removeFromQueue(new Set(batch.map((s) => s.id)));
      continue;
    }
    if (isRetryable(answer.error)) {
      result.error = answer.error;
      break;
    }
    // A refused batch: send its statements one by one so that one bad statement does not hold back the others.
    let stopped = false;
    for (const statement of batch) {
      const single = batch.length === 1 ? answer : await post([statement]);
      if (single.ok) {
        result.sent += 1;
        mergeLessons(result.lessons, single.data.lessons);
        noteRejected(result, [statement], single.data);
      } else if (isRetryable(single.error)) {
        result.error = single.error;
        stopped = true;
        break;
      } else {
        result.sent += 1;
        result.rejected.push({ statement, error: single.error });
      }
      removeFromQueue(new Set([statement.id]));
    }
    if (stopped) break;
  }
  result.pending = queuedStatements().length;
  return result;
}

let chain: Promise<unknown> = Promise.resolve();

async function flushAndTell(): Promise<FlushResult> {
  const result = await flushNow();
  if (result.sent > 0) Taro.eventCenter.trigger(PROGRESS_FLUSHED_EVENT, result);
  return result;
}

/** Subscribes to the results of flushes (including retries in the background); returns the unsubscribe function. */
export function onProgressFlushed(listener: (result: FlushResult) => void): () => void {
  Taro.eventCenter.on(PROGRESS_FLUSHED_EVENT, listener);
  return () => {
    Taro.eventCenter.off(PROGRESS_FLUSHED_EVENT, listener);
  };
}

/** Sends the queued statements in order; flushes never overlap (a call waits for the one before it). */
export function flushProgress(): Promise<FlushResult> {
  const next = chain.then(flushAndTell, flushAndTell);
  chain = next.catch(() => undefined);
  return next;
}

/** Queues a statement and tries to send the queue at once. */
export function reportProgress(statement: ProgressStatementInput): Promise<FlushResult> {
  enqueueStatement(statement);
  return flushProgress();
}

let installed = false;

/** Sends the queue again whenever the network returns or the user logs in (the app calls flushProgress when it shows). */
export function installProgressSync(): void {
  if (installed) return;
  installed = true;
  const retry = () => {
    if (queuedStatements().length > 0) void flushProgress();
  };
  try {
    if (typeof Taro.onNetworkStatusChange === 'function') {
      Taro.onNetworkStatusChange((res) => {
        if (res.isConnected) retry();
      });
    }
  } catch {
    // Not available on this platform.
  }
  if (process.env.TARO_ENV === 'h5' && typeof window !== 'undefined') window.addEventListener('online', retry);
  onAuthChanged((loggedIn) => {
    if (loggedIn) retry();
  });
}
