/** Calls WeChat's own servers (code2Session, access token, subscribe messages) over HTTP at a configurable base URL. */
import { AppError } from '../domain/errors';

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
  /** Sends one subscribe message; says whether a failure is worth retrying. */
  sendSubscribeMessage(msg: SubscribeMessage): Promise<SendResult>;
  /** Exchanges the code of the phone-number button for the user's verified mobile number (digits only). */
  phoneNumber(code: string): Promise<string>;
}

/** A subscribe message as WeChat's subscribe/send API takes it. */
export interface SubscribeMessage {
  touser: string;
  templateId: string;
  page: string;
  data: Record<string, { value: string }>;
}

/** The outcome of a send. */
export type SendResult = { ok: true } | { ok: false; retry: boolean; error: string };

/** errcodes that mean the access token must be fetched again. */
const TOKEN_ERRORS = new Set([40001, 40014, 42001]);
/** errcodes that retrying cannot fix (no subscription left, bad template or user, bad data). */
const PERMANENT_ERRORS = new Set([43101, 40003, 40037, 47003, 41030]);

/** Creates a client for WeChat's HTTP API. */
export function createWeChatClient(opts: { appId: string | null; secret: string | null; apiBase: string; timeoutMs: number }): WeChatClient {
  let token: { value: string; expiresAt: number } | null = null;

  async function call<T>(url: URL, init?: RequestInit): Promise<T> {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(opts.timeoutMs) });
    if (!res.ok) throw new Error(`status ${res.status}`);
    return (await res.json()) as T;
  }

  async function accessToken(): Promise<string> {
    if (token && token.expiresAt > Date.now()) return token.value;
    const url = new URL(`${opts.apiBase}/cgi-bin/token`);
    url.searchParams.set('grant_type', 'client_credential');
    url.searchParams.set('appid', opts.appId ?? '');
    url.searchParams.set('secret', opts.secret ?? '');
    const body = await call<{ access_token?: string; expires_in?: number; errcode?: number }>(url);
    if (!body.access_token) throw new Error(`token errcode ${body.errcode ?? 'none'}`);
    token = { value: body.access_token, expiresAt: Date.now() + Math.max(60, (body.expires_in ?? 7200) - 300) * 1000 };
    return token.value;
  }

  async function send(msg: SubscribeMessage): Promise<{ errcode?: number }> {
    const url = new URL(`${opts.apiBase}/cgi-bin/message/subscribe/send`);
    url.searchParams.set('access_token', await accessToken());
    return call(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ touser: msg.touser, template_id: msg.templateId, page: msg.page, data: msg.data, miniprogram_state: 'formal', lang: 'zh_CN' }),
    });
  }

  return {
    async phoneNumber(code) {
      if (!opts.appId || !opts.secret) throw new AppError('WECHAT_UNAVAILABLE', '服务端未配置微信小程序凭据（WECHAT_APPID / WECHAT_SECRET）');
      const post = async () => {
        const url = new URL(`${opts.apiBase}/wxa/business/getuserphonenumber`);
        url.searchParams.set('access_token', await accessToken());
        return call<{ errcode?: number; phone_info?: { purePhoneNumber?: string } }>(url, {
          method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code }),
        });
      };
      let body: Awaited<ReturnType<typeof post>>;
      try {
        body = await post();
        if (body.errcode && TOKEN_ERRORS.has(body.errcode)) {
          token = null;
          body = await post();
        }
      } catch {
        throw new AppError('WECHAT_UNAVAILABLE');
      }
      if (body.errcode === -1) throw new AppError('WECHAT_UNAVAILABLE');
      const phone = body.phone_info?.purePhoneNumber;
      if (body.errcode || !phone) throw new AppError('PHONE_REQUIRED', '未能获取微信绑定的手机号，请重新授权');
      return phone;
    },
    async sendSubscribeMessage(msg) {
      if (!opts.appId || !opts.secret) return { ok: false, retry: false, error: 'not_configured' };
      try {
        let body = await send(msg);
        if (body.errcode && TOKEN_ERRORS.has(body.errcode)) {
          token = null;
          body = await send(msg);
        }
        if (!body.errcode) return { ok: true };
        return { ok: false, retry: !PERMANENT_ERRORS.has(body.errcode), error: `errcode ${body.errcode}` };
      } catch (err) {
        return { ok: false, retry: true, error: (err as Error).name === 'TimeoutError' ? 'timeout' : 'network' };
      }
    },
    async code2Session(code) {
      if (!opts.appId || !opts.secret) throw new AppError('WECHAT_UNAVAILABLE', '服务端未配置微信小程序凭据（WECHAT_APPID / WECHAT_SECRET）');
      const url = new URL(`${opts.apiBase}/sns/jscode2session`);
      url.searchParams.set('appid', opts.appId);
      url.searchParams.set('secret', opts.secret);
      url.searchParams.set('js_code', code);
      url.searchParams.set('grant_type', 'authorization_code');
      let body: { openid?: string; session_key?: string; unionid?: string; errcode?: number };
      try {
        body = await call<typeof body>(url);
      } catch {
        throw new AppError('WECHAT_UNAVAILABLE');
      }
      if (body.errcode === -1 || body.errcode === 45011) throw new AppError('WECHAT_UNAVAILABLE');
      if (body.errcode || !body.openid || !body.session_key) throw new AppError('WECHAT_LOGIN_FAILED');
      return { openid: body.openid, sessionKey: body.session_key, unionid: body.unionid ?? null };
    },
  };
}
