import { testApp, type TestApp } from '../helpers/app';

let t: TestApp;
let admin: string;
const count = async (table: string) => (await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0].n;

beforeAll(async () => {
  t = await testApp();
  admin = await t.login('admin');
});
afterAll(() => t.close());

describe('bad input gets a clear code, a Chinese message and the right status; nothing is written', () => {
  test('unknown route and wrong method', async () => {
    const unknown = await t.call('GET', '/api/nothing-here');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ error: { code: 'ROUTE_NOT_FOUND', message: '接口不存在', requestId: expect.any(String) } });
    const wrong = await t.call('DELETE', '/api/me', { token: admin });
    expect(wrong.status).toBe(405);
    expect(wrong.body.error.code).toBe('METHOD_NOT_ALLOWED');
  });

  test('malformed JSON, an empty body, a non-JSON content type', async () => {
    const before = await count('regions');
    const bad = await t.call('POST', '/api/admin/regions', { token: admin, body: '{"code": "150000", "name": ' });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'BAD_JSON', message: '请求内容不是有效的 JSON' });
    expect((await t.call('POST', '/api/admin/regions', { token: admin, body: '' , headers: { 'content-type': 'application/json' } })).body.error.code).toBe('BAD_JSON');
    const form = await t.call('POST', '/api/admin/regions', { token: admin, body: 'code=150000', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(form.status).toBe(415);
    expect(form.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect(await count('regions')).toBe(before);
  });

  test('wrong types name each failing field, in Chinese', async () => {
    const before = await count('regions');
    const res = await t.call('POST', '/api/admin/regions', { token: admin, body: { code: 150000, name: '', level: 'county', parentId: null } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.message).toBe('请求参数不正确');
    const paths = res.body.error.details.map((d: { path: string }) => d.path).sort();
    expect(paths).toEqual(['body.code', 'body.level', 'body.name']);
    for (const d of res.body.error.details) expect(d.message).toMatch(/[\u4e00-\u9fa5]/);
    expect(await count('regions')).toBe(before);
    const arr = await t.call('POST', '/api/admin/regions', { token: admin, body: [1, 2] });
    expect(arr.body.error.code).toBe('VALIDATION_FAILED');
  });

  test('an oversized body is refused with 413 before it is read', async () => {
    const before = await count('regions');
    const res = await t.call('POST', '/api/admin/regions', { token: admin, body: { code: '150000', name: '内'.repeat(70_000), level: 'province', parentId: null } });
    expect(res.status).toBe(413);
    expect(res.body.error).toMatchObject({ code: 'BODY_TOO_LARGE', message: '请求内容过大' });
    expect(await count('regions')).toBe(before);
  });

  test('a malformed id is NOT_FOUND, never a database error', async () => {
    const res = await t.call('GET', "/api/regions/1' OR '1'='1", { token: admin });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
    const q = await t.call('GET', '/api/schools?regionId=abc', { token: admin });
    expect(q.status).toBe(400);
    expect(q.body.error.details[0].path).toBe('query.regionId');
  });

  test('an internal failure answers INTERNAL without a stack trace or details', async () => {
    const broken = await testApp({ seed: false });
    try {
      await broken.db.exec('DROP TABLE schema_migrations');
      const res = await broken.call('GET', '/api/health');
      expect(res.status).toBe(500);
      expect(res.body).toEqual({ error: { code: 'INTERNAL', message: '服务器开小差了，请稍后重试', requestId: expect.any(String) } });
      expect(JSON.stringify(res.body)).not.toMatch(/schema_migrations|at |relation/);
    } finally {
      await broken.close();
    }
  });
});
