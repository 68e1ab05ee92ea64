/** The typed wrapper over Taro.request: the one place where the client talks HTTP. */
import Taro from '@tarojs/taro';
import { clearToken, getToken } from './session';

/** An error the UI can show: a stable code and a Chinese message. */
export interface ApiError {
  code: string;
  message: string;
  /** The HTTP status, or 0 when no answer arrived. */
  status: number;
  /** Which fields the server refused (VALIDATION_FAILED), as paths such as `body.reason`. */
  details?: { path: string; message: string }[];
  /** Tries left after a wrong code (binding, invitation, check-in). */
  remainingAttempts?: number;
  /** Seconds to wait before trying again (TOO_MANY_ATTEMPTS, UPLOAD_QUOTA_EXCEEDED, or no tries left). */
  retryAfterSeconds?: number;
}

/** Every call's outcome: never thrown, always returned. */
export type ApiResult<T> = { ok: true; data: T } | { ok: false; error: ApiError };

/** HTTP methods the API uses. */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Query values; null and undefined are left out. */
export type QueryParams = Record<string, string | number | boolean | null | undefined>;

/** Options of one request. */
export interface RequestOptions {
  method?: HttpMethod;
  /** A JSON body. */
  body?: unknown;
  query?: QueryParams;
  /** Milliseconds before the call gives up with TIMEOUT. */
  timeout?: number;
  /** Sent as Idempotency-Key: the server answers a repeat of the same create or submit with the first result. */
  idempotencyKey?: string;
}

/** The default timeout of a request. */
export const DEFAULT_TIMEOUT_MS = 10_000;

/** The messages of the errors the client itself produces. */
export const CLIENT_ERRORS = {
  NETWORK_ERROR: '网络连接失败，请检查网络后重试',
  TIMEOUT: '请求超时，请稍后重试',
  BAD_RESPONSE: '服务器返回了无法识别的内容，请稍后重试',
} as const;

const SESSION_ERRORS = new Set(['TOKEN_EXPIRED', 'TOKEN_INVALID', 'UNAUTHENTICATED']);

let baseOverride: string | null = null;

/** The API base URL: relative on H5 (served from the same origin as /api), TARO_APP_API_BASE on the mini-program. */
export function apiBase(): string {
  if (baseOverride !== null) return baseOverride;
  if (process.env.TARO_ENV === 'h5') return '';
  return (process.env.TARO_APP_API_BASE ?? '').replace(/\/+$/, '');
}

/** Points the client at another API origin (null restores the platform default); tests use it. */
export function setApiBase(base: string | null): void {
  baseOverride = base === null ? null : base.replace(/\/+$/, '');
}

/** Builds `?a=1&b=2` from the defined values, or '' when there are none. */
export function queryString(query: QueryParams | undefined): string {
  if (!query) return '';
  const parts = Object.entries(query)
    .filter((entry): entry is [string, string | number | boolean] => entry[1] !== null && entry[1] !== undefined)
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`);
  return parts.length > 0 ? `?${parts.join('&')}` : '';
}

function clientError(code: keyof typeof CLIENT_ERRORS, status: number): { ok: false; error: ApiError } {
  return { ok: false, error: { code, message: CLIENT_ERRORS[code], status } };
}

type Envelope = Pick<ApiError, 'code' | 'message' | 'details' | 'remainingAttempts' | 'retryAfterSeconds'>;

function readEnvelope(data: unknown): Envelope | null {
  if (typeof data !== 'object' || data === null || !('error' in data)) return null;
  const inner: unknown = (data as { error: unknown }).error;
  if (typeof inner !== 'object' || inner === null) return null;
  const { code, message, details, remainingAttempts, retryAfterSeconds } = inner as Record<string, unknown>;
  if (typeof code !== 'string' || typeof message !== 'string' || code === '' || message === '') return null;
  const envelope: Envelope = Array.isArray(details) ? { code, message, details: details as Envelope['details'] } : { code, message };
  if (typeof remainingAttempts === 'number') envelope.remainingAttempts = remainingAttempts;
  if (typeof retryAfterSeconds === 'number') envelope.retryAfterSeconds = retryAfterSeconds;
  return envelope;
}

/** Turns an HTTP answer into a result: 2xx JSON → data; the error envelope → its code and message. */
export function interpretResponse<T>(status: number, data: unknown): ApiResult<T> {
  if (status >= 200 && status < 300) {
    if (status === 204) return { ok: true, data: null as T };
    if (typeof data === 'object' && data !== null) return { ok: true, data: data as T };
    return clientError('BAD_RESPONSE', status);
  }
  const envelope = readEnvelope(data);
  if (!envelope) return clientError('BAD_RESPONSE', status);
  if (status === 401 && SESSION_ERRORS.has(envelope.code)) clearToken();
  return { ok: false, error: { ...envelope, status } };
}

type Outcome = { kind: 'response'; status: number; data: unknown } | { kind: 'timeout' } | { kind: 'network' };

function isTimeoutFailure(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const { errMsg, message } = err as { errMsg?: unknown; message?: unknown };
  return /time ?out/i.test(`${String(errMsg ?? '')} ${String(message ?? '')}`);
}

function send(url: string, method: HttpMethod, header: Record<string, string>, body: unknown, timeout: number): Promise<Outcome> {
  return new Promise<Outcome>((resolve) => {
    let settled = false;
    const timing: { timer?: ReturnType<typeof setTimeout> } = {};
    const finish = (outcome: Outcome): void => {
      if (settled) return;
      settled = true;
      if (timing.timer !== undefined) clearTimeout(timing.timer);
      resolve(outcome);
    };
    let task: { abort?: () => void } | undefined;
    try {
      const pending = Taro.request({
        url,
        method,
        header,
        data: body as TaroGeneral.IAnyObject | undefined,
        dataType: 'json',
        responseType: 'text',
        timeout: timeout + 1000,
        success: (res) => finish({ kind: 'response', status: res.statusCode, data: res.data }),
        fail: (err) => finish({ kind: isTimeoutFailure(err) ? 'timeout' : 'network' }),
      });
      task = pending;
      pending.catch(() => undefined);
    } catch {
      finish({ kind: 'network' });
      return;
    }
    timing.timer = setTimeout(() => {
      finish({ kind: 'timeout' });
      try {
        task?.abort?.();
      } catch {
        // The request already ended.
      }
    }, timeout);
  });
}

/** The Authorization header of the stored session (empty when logged out). */
export function authHeader(): Record<string, string> {
  const token = getToken();
  return token ? { Authorization: `Bearer ${token}` } : {};
}

/** Calls the API and returns a typed result; never throws. */
export async function request<T>(path: string, options: RequestOptions = {}): Promise<ApiResult<T>> {
  const method = options.method ?? 'GET';
  const header: Record<string, string> = { Accept: 'application/json', ...authHeader() };
  if (options.body !== undefined) header['Content-Type'] = 'application/json';
  if (options.idempotencyKey) header['Idempotency-Key'] = options.idempotencyKey;
  const url = `${apiBase()}${path}${queryString(options.query)}`;
  const outcome = await send(url, method, header, options.body, options.timeout ?? DEFAULT_TIMEOUT_MS);
  if (outcome.kind === 'timeout') return clientError('TIMEOUT', 0);
  if (outcome.kind === 'network') return clientError('NETWORK_ERROR', 0);
  return interpretResponse<T>(outcome.status, outcome.data);
}

/** Drops the data of a successful result (for calls whose answer the page does not use). */
export function withoutData<T>(result: ApiResult<T>): ApiResult<null> {
  return result.ok ? { ok: true, data: null } : result;
}
