import { ROUTES } from '../../src/server/app';
import { readMigrations } from '../../src/server/storage/migrate';
import { testApp, type TestApp } from '../helpers/app';

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
});
afterAll(() => t.close());

describe('health and the API description', () => {
  test('GET /api/health answers ok with the database kind and the migrations in force', async () => {
    const res = await t.call('GET', '/api/health');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok', database: 'pglite', migrations: readMigrations().length });
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  test('the OpenAPI document describes every route with its schemas and error answers', async () => {
    const res = await t.call('GET', '/api/openapi.json');
    expect(res.status).toBe(200);
    const doc = res.body;
    expect(doc.openapi).toBe('3.0.3');
    for (const r of ROUTES) {
      const op = doc.paths[r.path]?.[r.method];
      expect(op).toBeDefined();
      expect(op.summary).toBe(r.summary);
      expect(op.responses[String(r.status ?? 200)].content['application/json'].schema).toBeDefined();
      if (r.body) expect(op.requestBody.content['application/json'].schema.type).toBe('object');
      if (r.access === 'user') {
        expect(op.security).toEqual([{ bearer: [] }]);
        expect(op.responses['401'].description).toContain('UNAUTHENTICATED');
      }
    }
    const login = doc.paths['/api/auth/login'].post;
    expect(login.requestBody.content['application/json'].schema).toMatchObject({ type: 'object', required: ['code'], properties: { code: { type: 'string', minLength: 1 } } });
    const region = doc.paths['/api/regions/{id}'].get;
    expect(region.parameters).toEqual([expect.objectContaining({ name: 'id', in: 'path', required: true })]);
    const schools = doc.paths['/api/schools'].get;
    expect(schools.parameters).toEqual([expect.objectContaining({ name: 'regionId', in: 'query', required: true })]);
    expect(doc.components.schemas.Error.properties.error.properties.code.enum).toContain('INVITATION_USED');
  });
});
