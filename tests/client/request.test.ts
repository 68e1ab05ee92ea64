import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Taro from '@tarojs/taro';
import { request, setApiBase, interpretResponse, queryString } from '../../src/services/request';
import { TOKEN_KEY, getToken } from '../../src/services/session';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

let server: http.Server;
let handler: Handler = (_req, res) => res.end();
let lastHeaders: http.IncomingHttpHeaders = {};
let lastBody = '';

beforeAll(async () => {
  server = http.createServer((req, res) => {
    lastHeaders = req.headers;
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      lastBody = body;
      handler(req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  setApiBase(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});

afterAll(async () => {
  setApiBase(null);
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  Taro.removeStorageSync(TOKEN_KEY);
});

function json(status: number, body: unknown): Handler {
  return (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
}

describe('request', () => {
  it('returns the data of a 2xx JSON answer and sends the token and a JSON body', async () => {
    Taro.setStorageSync(TOKEN_KEY, 'tok-123');
    handler = json(200, { hello: '你好' });
    const result = await request<{ hello: string }>('/api/echo', { method: 'POST', body: { a: 1 }, query: { x: 'y', skip: undefined } });
    expect(result).toEqual({ ok: true, data: { hello: '你好' } });
    expect(lastHeaders.authorization).toBe('Bearer tok-123');
    expect(lastHeaders['content-type']).toContain('application/json');
    expect(JSON.parse(lastBody)).toEqual({ a: 1 });
  });

  it('passes the server error envelope through', async () => {
    handler = json(409, { error: { code: 'INVITATION_USED', message: '邀请码已被使用' } });
    const result = await request('/api/x');
    expect(result).toEqual({ ok: false, error: { code: 'INVITATION_USED', message: '邀请码已被使用', status: 409 } });
  });

  it('clears the stored token on 401 TOKEN_EXPIRED', async () => {
    Taro.setStorageSync(TOKEN_KEY, 'old');
    handler = json(401, { error: { code: 'TOKEN_EXPIRED', message: '登录已过期，请重新登录' } });
    const result = await request('/api/me');
    expect(result.ok).toBe(false);
    expect(getToken()).toBeNull();
  });

  it('keeps the token on 403', async () => {
    Taro.setStorageSync(TOKEN_KEY, 'keep');
    handler = json(403, { error: { code: 'FORBIDDEN', message: '没有权限' } });
    await request('/api/admin');
    expect(getToken()).toBe('keep');
  });

  it('maps a non-JSON error body to BAD_RESPONSE', async () => {
    handler = (_req, res) => {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<html>Bad Gateway</html>');
    };
    const result = await request('/api/x');
    expect(result).toEqual({ ok: false, error: { code: 'BAD_RESPONSE', message: '服务器返回了无法识别的内容，请稍后重试', status: 502 } });
  });

  it('maps a malformed error envelope to BAD_RESPONSE', async () => {
    handler = json(500, { error: 'boom' });
    const result = await request('/api/x');
    expect(result.ok === false && result.error.code).toBe('BAD_RESPONSE');
  });

  it('gives up with TIMEOUT', async () => {
    handler = () => undefined;
    const result = await request('/api/slow', { timeout: 200 });
    expect(result).toEqual({ ok: false, error: { code: 'TIMEOUT', message: '请求超时，请稍后重试', status: 0 } });
  });

  it('maps a refused connection to NETWORK_ERROR', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    setApiBase(`http://127.0.0.1:${port}`);
    const result = await request('/api/x');
    setApiBase(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    expect(result).toEqual({ ok: false, error: { code: 'NETWORK_ERROR', message: '网络连接失败，请检查网络后重试', status: 0 } });
  });
});

describe('interpretResponse and queryString', () => {
  it('treats 204 as success without data', () => {
    expect(interpretResponse(204, null)).toEqual({ ok: true, data: null });
  });

  it('rejects a 2xx answer that is not JSON', () => {
    expect(interpretResponse(200, 'plain text')).toMatchObject({ ok: false, error: { code: 'BAD_RESPONSE' } });
  });

  it('encodes query values and leaves out empty ones', () => {
    expect(queryString({ regionId: '福建 1', parentId: null, n: 2 })).toBe('?regionId=%E7%A6%8F%E5%BB%BA%201&n=2');
    expect(queryString({})).toBe('');
  });
});
