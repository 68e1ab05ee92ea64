/** Calls WeChat's own servers (code2Session) over HTTP at a configurable base URL. */
import { AppError } from '../http/errors';

/** What code2Session answers for a valid login code. */
export interface WeChatSession {
  openid: string;
  sessionKey: string;
  unionid: string | null;
}

/** The part of WeChat's API the backend uses. */
export interface WeChatClient {
  /** Exchanges a wx.login code for the user's openid and session_key. */
  code2Session(code: string): Promise<WeChatSession>;
}

/** Creates a client for WeChat's HTTP API. */
export function createWeChatClient(opts: { appId: string | null; secret: string | null; apiBase: string; timeoutMs: number }): WeChatClient {
  return {
    async code2Session(code) {
      if (!opts.appId || !opts.secret) throw new AppError('WECHAT_UNAVAILABLE', '服务端未配置微信小程序凭据（WECHAT_APPID / WECHAT_SECRET）');
      const url = new URL(`${opts.apiBase}/sns/jscode2session`);
      url.searchParams.set('appid', opts.appId);
      url.searchParams.set('secret', opts.secret);
      url.searchParams.set('js_code', code);
      url.searchParams.set('grant_type', 'authorization_code');
      let body: { openid?: string; session_key?: string; unionid?: string; errcode?: number };
      try {
        const res = await fetch(url, { signal: AbortSignal.timeout(opts.timeoutMs) });
        if (!res.ok) throw new Error(`status ${res.status}`);
        body = (await res.json()) as typeof body;
      } catch {
        throw new AppError('WECHAT_UNAVAILABLE');
      }
      if (body.errcode === -1 || body.errcode === 45011) throw new AppError('WECHAT_UNAVAILABLE');
      if (body.errcode || !body.openid || !body.session_key) throw new AppError('WECHAT_LOGIN_FAILED');
      return { openid: body.openid, sessionKey: body.session_key, unionid: body.unionid ?? null };
    },
  };
}
