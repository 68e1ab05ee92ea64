/** The stored session: the bearer token and the privacy-guide version agreed before logging in. */
import Taro from '@tarojs/taro';

/** Storage key of the session token. */
export const TOKEN_KEY = 'xq_token';
/** Storage key of a privacy-guide version agreed while logged out. */
export const PENDING_PRIVACY_KEY = 'xq_privacy_pending';
/** Event fired on Taro.eventCenter whenever the token is set or cleared. */
export const AUTH_CHANGED_EVENT = 'xq:auth-changed';

function readString(key: string): string | null {
  try {
    const value: unknown = Taro.getStorageSync(key);
    return typeof value === 'string' && value !== '' ? value : null;
  } catch {
    return null;
  }
}

function remove(key: string): void {
  try {
    Taro.removeStorageSync(key);
  } catch {
    // Storage unavailable: nothing stored to remove.
  }
}

/** The stored session token, or null when logged out. */
export function getToken(): string | null {
  return readString(TOKEN_KEY);
}

/** Stores a new session token and tells listeners. */
export function setToken(token: string): void {
  Taro.setStorageSync(TOKEN_KEY, token);
  Taro.eventCenter.trigger(AUTH_CHANGED_EVENT, true);
}

/** Forgets the session token and tells listeners. */
export function clearToken(): void {
  const had = getToken() !== null;
  remove(TOKEN_KEY);
  if (had) Taro.eventCenter.trigger(AUTH_CHANGED_EVENT, false);
}

/** Whether a session token is stored. */
export function isLoggedIn(): boolean {
  return getToken() !== null;
}

/** Subscribes to login/logout; returns the unsubscribe function. */
export function onAuthChanged(listener: (loggedIn: boolean) => void): () => void {
  Taro.eventCenter.on(AUTH_CHANGED_EVENT, listener);
  return () => {
    Taro.eventCenter.off(AUTH_CHANGED_EVENT, listener);
  };
}

/** The privacy-guide version agreed while logged out, waiting to be posted after login. */
export function getPendingPrivacyVersion(): string | null {
  return readString(PENDING_PRIVACY_KEY);
}

/** Remembers a privacy-guide version agreed while logged out. */
export function setPendingPrivacyVersion(version: string): void {
  Taro.setStorageSync(PENDING_PRIVACY_KEY, version);
}

/** Forgets the locally remembered privacy-guide version (after it reached the server). */
export function clearPendingPrivacyVersion(): void {
  remove(PENDING_PRIVACY_KEY);
}
