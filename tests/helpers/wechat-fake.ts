/** A local HTTP fake of WeChat's servers (code2Session, access token, subscribe messages), the one fake the tests allow. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A running fake of WeChat's API. */
export interface WeChatFake {
  url: string;
  /** Every request the fake received (path and query), for assertions. */
  calls: { path: string; query: Record<string, string> }[];
  /** Subscribe messages WeChat accepted (the JSON bodies sent to subscribe/send). */
  messages: { touser: string; template_id: string; page: string; data: Record<string, { value: string }> }[];
  /** Makes the next answers fail: 'busy' answers errcode -1, 'down' closes the connection. */
  mode: 'ok' | 'busy' | 'down';
  close(): Promise<void>;
}

export const FAKE_APPID = 'wx-fake-appid';
export const FAKE_SECRET = 'fake-secret';

/** Starts the fake. A code `good-<name>` logs in as openid `o-<name>`; any other code is invalid (40029). User `o-refused` has no subscription left. A phone code `phone-<11 digits>` answers that mobile number. */
export async function startWeChatFake(): Promise<WeChatFake> {
  const fake: WeChatFake = { url: '', calls: [], messages: [], mode: 'ok', close: async () => undefined };
  let tokens = 0;
  const server = http.createServer(async (req, res) => {
    let raw = '';
    for await (const chunk of req) raw += String(chunk);
    const u = new URL(req.url ?? '/', 'http://fake');
    fake.calls.push({ path: u.pathname, query: Object.fromEntries(u.searchParams) });
    if (fake.mode === 'down') {
      req.socket.destroy();
      return;
    }
    const send = (body: unknown) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (fake.mode === 'busy') return send({ errcode: -1, errmsg: 'system error' });
    if (u.pathname === '/cgi-bin/token') {
      if (u.searchParams.get('appid') !== FAKE_APPID || u.searchParams.get('secret') !== FAKE_SECRET) return send({ errcode: 40125, errmsg: 'invalid appsecret' });
      return send({ access_token: `fake-token-${++tokens}`, expires_in: 7200 });
    }
    if (u.pathname === '/cgi-bin/message/subscribe/send') {
      if (!/^fake-token-\d+$/.test(u.searchParams.get('access_token') ?? '')) return send({ errcode: 40001, errmsg: 'invalid credential' });
      const msg = JSON.parse(raw) as WeChatFake['messages'][number];
      if (msg.touser === 'o-refused') return send({ errcode: 43101, errmsg: 'user refuse to accept the msg' });
      fake.messages.push(msg);
      return send({ errcode: 0, errmsg: 'ok' });
    }
    if (u.pathname === '/wxa/business/getuserphonenumber') {
      if (!/^fake-token-\d+$/.test(u.searchParams.get('access_token') ?? '')) return send({ errcode: 40001, errmsg: 'invalid credential' });
      const m = /^phone-(1\d{10})$/.exec(String((JSON.parse(raw || '{}') as { code?: string }).code ?? ''));
      if (!m) return send({ errcode: 40029, errmsg: 'invalid code' });
      return send({ errcode: 0, errmsg: 'ok', phone_info: { phoneNumber: m[1], purePhoneNumber: m[1], countryCode: '86' } });
    }
    if (u.pathname !== '/sns/jscode2session') return send({ errcode: 40066, errmsg: 'invalid url' });
    if (u.searchParams.get('appid') !== FAKE_APPID || u.searchParams.get('secret') !== FAKE_SECRET) {
      return send({ errcode: 40125, errmsg: 'invalid appsecret' });
    }
    const code = u.searchParams.get('js_code') ?? '';
    const m = /^good-([\w-]+)$/.exec(code);
    if (!m || u.searchParams.get('grant_type') !== 'authorization_code') return send({ errcode: 40029, errmsg: 'invalid code' });
    send({ openid: `o-${m[1]}`, session_key: `sk-${m[1]}-secret` });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return fake;
}
