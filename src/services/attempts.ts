/** What a page shows when a typed code (binding, invitation, check-in) is refused: the tries left, or how long to wait. */
import type { ApiError } from './request';

/** "30 分钟", "2 小时". */
export function waitText(seconds: number): string {
  return seconds <= 90 * 60 ? `${Math.max(1, Math.ceil(seconds / 60))} 分钟` : `${Math.ceil(seconds / 3600)} 小时`;
}

/**
 * "绑定码无效，还可尝试 3 次"; once no tries are left "绑定码无效，请 30 分钟后再试"; TOO_MANY_ATTEMPTS "尝试次数过多，请 30 分钟后再试".
 * Any other refusal keeps the server's message.
 */
export function codeErrorMessage(error: ApiError, invalid: string): string {
  if (error.code === 'TOO_MANY_ATTEMPTS') return `尝试次数过多，请 ${waitText(error.retryAfterSeconds ?? 60)}后再试`;
  if (error.remainingAttempts === undefined) return error.message;
  if (error.remainingAttempts > 0) return `${invalid}，还可尝试 ${error.remainingAttempts} 次`;
  return `${invalid}，请 ${waitText(error.retryAfterSeconds ?? 60)}后再试`;
}
