/** A local HTTP fake of WeChat's servers (code2Session), the one fake the tests allow. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A running fake of WeChat's API. */
export interface WeChatFake {
  url: string;
  /** Every request the fake received (path and query), for assertions. */
  calls: { path: string; query: Record<string, string> }[];
  /** Makes the next answers fail: 'busy' answers errcode -1, 'down' closes the connection. */
  mode: 'ok' | 'busy' | 'down';
  close(): Promise<void>;
}

export const FAKE_APPID = 'wx-fake-appid';
export const FAKE_SECRET = 'fake-secret';

/** Starts the fake. A code `good-<name>` logs in as openid `o-<name>`; any other code is invalid (40029). */
export async function startWeChatFake(): Promise<WeChatFake> {
  const fake: WeChatFake = { url: '', calls: [], mode: 'ok', close: async () => undefined };
  const server = http.createServer((req, res) => {
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
    if (u.pathname !== '/sns/jscode2session') return send({ errcode: 40066, errmsg: 'invalid url' });
    if (fake.mode === 'busy') return send({ errcode: -1, errmsg: 'system error' });
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
