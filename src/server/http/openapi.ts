/** Builds the OpenAPI 3 document from the same route specs and zod schemas that validate requests. */
import { z } from 'zod';
import { ERRORS } from '../domain/errors';
import { IDEMPOTENCY_HEADER, REPLAYED_HEADER } from './idempotency';
import type { AnyRoute } from './route';

type Json = Record<string, unknown>;

function schemaOf(schema: z.ZodType, io: 'input' | 'output'): Json {
  const json = z.toJSONSchema(schema, { target: 'openapi-3.0', io, unrepresentable: 'any' }) as Json;
  delete json.$schema;
  return json;
}

function parameters(schema: z.ZodObject<z.ZodRawShape> | undefined, where: 'query' | 'path'): Json[] {
  if (!schema) return [];
  const json = schemaOf(schema, 'input') as { properties?: Record<string, Json>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, s]) => ({
    name,
    in: where,
    required: where === 'path' || (json.required ?? []).includes(name),
    ...(typeof s.description === 'string' ? { description: s.description } : {}),
    schema: s,
  }));
}

/** The Idempotency-Key header of a route that creates a row or submits a form. */
const IDEMPOTENCY_PARAMETER: Json = {
  name: IDEMPOTENCY_HEADER,
  in: 'header',
  required: false,
  description: '幂等键（打开表单时生成，同一内容重试时不变）：同一用户用同一键重复提交时不再执行，返回第一次的结果（响应头 Idempotent-Replayed: true）；同一键提交不同内容返回 IDEMPOTENCY_KEY_REUSED。保存 24 小时。',
  schema: { type: 'string', minLength: 8, maxLength: 100, pattern: '^[A-Za-z0-9_-]+$' },
};

/** Returns the OpenAPI document describing every route. */
export function buildOpenApi(routes: readonly AnyRoute[], version: string): Json {
  const paths: Record<string, Record<string, Json>> = {};
  for (const r of routes) {
    const errorCodes = new Set<string>(['VALIDATION_FAILED', 'INTERNAL', ...(r.errors ?? [])]);
    if (r.access === 'user') ['UNAUTHENTICATED', 'TOKEN_EXPIRED', 'TOKEN_INVALID'].forEach((e) => errorCodes.add(e));
    if (r.access === 'optional') ['TOKEN_EXPIRED', 'TOKEN_INVALID'].forEach((e) => errorCodes.add(e));
    if (r.body) ['BAD_JSON', 'BODY_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE'].forEach((e) => errorCodes.add(e));
    if (r.idempotent) ['IDEMPOTENCY_KEY_REUSED', 'REQUEST_IN_PROGRESS'].forEach((e) => errorCodes.add(e));
    const byStatus = new Map<number, string[]>();
    for (const code of errorCodes) {
      const { status } = ERRORS[code as keyof typeof ERRORS];
      byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
    }
    const responses: Record<string, Json> = {
      [String(r.status ?? 200)]: {
        description: '成功',
        ...(r.idempotent ? { headers: { [REPLAYED_HEADER]: { description: '为 true 时，这是同一幂等键第一次提交的结果', schema: { type: 'string', enum: ['true'] } } } } : {}),
        content: { 'application/json': { schema: schemaOf(r.response, 'output') } },
      },
    };
    for (const [status, codes] of [...byStatus].sort((a, b) => a[0] - b[0])) {
      responses[String(status)] = {
        description: codes.map((code) => `${code}：${ERRORS[code as keyof typeof ERRORS].message}`).join('；'),
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      };
    }
    paths[r.path] ??= {};
    paths[r.path][r.method] = {
      summary: r.summary,
      ...(r.description ? { description: r.description } : {}),
      tags: [r.tag],
      operationId: `${r.method}${r.path.replace(/[{}]/g, '').replace(/[^a-zA-Z0-9]+(.)?/g, (_m, ch: string | undefined) => (ch ? ch.toUpperCase() : ''))}`,
      ...(r.access === 'user' ? { security: [{ bearer: [] }] } : r.access === 'optional' ? { security: [{}, { bearer: [] }] } : { security: [] }),
      parameters: [...parameters(r.params, 'path'), ...parameters(r.query, 'query'), ...(r.idempotent ? [IDEMPOTENCY_PARAMETER] : [])],
      ...(r.body ? { requestBody: { required: true, content: { 'application/json': { schema: schemaOf(r.body, 'input') } } } } : {}),
      responses,
    };
  }
  return {
    openapi: '3.0.3',
    info: {
      title: '心桥 XinQiao API',
      version,
      description: '学生心理健康家庭教育平台的接口。所有错误都以 {"error":{"code","message"}} 返回，message 为可直接展示的中文。',
    },
    servers: [{ url: '/' }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              required: ['code', 'message'],
              properties: {
                code: { type: 'string', enum: Object.keys(ERRORS) },
                message: { type: 'string' },
                details: { type: 'array', items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } } },
                requestId: { type: 'string' },
              },
            },
          },
        },
      },
    },
    paths,
  };
}
