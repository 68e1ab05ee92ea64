/** Logging in and out: the WeChat login, the development login and the session token. */
import Taro from '@tarojs/taro';
import type { DevIdentitiesOutput, DevLoginInput, LoginInput, LoginOutput } from '../../types';
import { claimProgressQueue } from './progress';
import { request, withoutData, type ApiResult } from './request';
import { clearPendingPrivacyVersion, clearToken, getPendingPrivacyVersion, setToken } from './session';

async function afterLogin(result: ApiResult<LoginOutput>): Promise<ApiResult<LoginOutput>> {
  if (!result.ok) return result;
  claimProgressQueue(result.data.me.user.id);
  setToken(result.data.token);
  const pending = getPendingPrivacyVersion();
  if (pending !== null) {
    const consent = await request<unknown>('/api/me/privacy-consent', { method: 'POST', body: { version: pending } });
    if (consent.ok) {
      clearPendingPrivacyVersion();
      const privacy = { ...result.data.me.privacy, agreedVersion: pending, agreedAt: new Date().toISOString() };
      return { ok: true, data: { ...result.data, me: { ...result.data.me, privacy } } };
    }
  }
  return result;
}

/** Logs in on the mini-program: gets a code from Taro.login and trades it for a session. */
export async function loginWithWeChat(): Promise<ApiResult<LoginOutput>> {
  let code: string;
  try {
    const res = await Taro.login();
    code = res.code;
  } catch {
    return { ok: false, error: { code: 'WECHAT_LOGIN_FAILED', message: '微信登录失败，请稍后重试', status: 0 } };
  }
  if (!code) return { ok: false, error: { code: 'WECHAT_LOGIN_FAILED', message: '微信登录失败，请稍后重试', status: 0 } };
  const body: LoginInput = { code };
  return afterLogin(await request<LoginOutput>('/api/auth/login', { method: 'POST', body }));
}

/** The demo identities of the development login (answers 200 only where it is enabled). */
export function listDevIdentities(): Promise<ApiResult<DevIdentitiesOutput>> {
  return request<DevIdentitiesOutput>('/api/auth/dev-identities');
}

/** Logs in as a demo identity (development login). */
export async function devLogin(identity: string): Promise<ApiResult<LoginOutput>> {
  const body: DevLoginInput = { identity };
  return afterLogin(await request<LoginOutput>('/api/auth/dev-login', { method: 'POST', body }));
}

/** Ends the session on the server, then forgets the token whatever the server said. */
export async function logout(): Promise<ApiResult<null>> {
  const result = withoutData(await request<unknown>('/api/auth/logout', { method: 'POST', body: {} }));
  clearToken();
  return result;
}
