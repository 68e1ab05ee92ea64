/** Declares an API route once: its schemas validate requests, type the handler and document it in OpenAPI. */
import type { Context, Hono } from 'hono';
import type { z } from 'zod';
import { AppError } from '../domain/errors';
import { idempotencyKeyOf, requestFingerprint, REPLAYED_HEADER, type IdempotencyStore } from './idempotency';
import type { Caller } from '../domain/caller';
import type { Services } from '../domain/services';

/**
 * Who may call a route: anyone ('public': a bad token is ignored), anyone but a presented token must be valid
 * ('optional': the logged-in caller gets their own view, a guest the anonymous one), or a logged-in user.
 */
export type Access = 'public' | 'optional' | 'user';

/** What a handler receives. */
export interface HandlerInput<B, Q, P, A extends Access> {
  body: B;
  query: Q;
  params: P;
  caller: A extends 'user' ? Caller : Caller | null;
  services: Services;
  requestId: string;
  c: Context;
}

/** One route of the API. */
export interface RouteSpec<B = unknown, Q = unknown, P = unknown, R = unknown, A extends Access = Access> {
  method: 'get' | 'post' | 'put' | 'delete';
  /** OpenAPI-style path, e.g. /api/regions/{id}. */
  path: string;
  summary: string;
  description?: string;
  tag: string;
  access: A;
  body?: z.ZodType<B>;
  query?: z.ZodObject<z.ZodRawShape> & z.ZodType<Q>;
  params?: z.ZodObject<z.ZodRawShape> & z.ZodType<P>;
  response: z.ZodType<R>;
  status?: 200 | 201;
  /** A larger request-body limit than the app's default (file uploads). */
  maxBodyBytes?: number;
  /** Extra error codes worth documenting for this route. */
  errors?: AppError['code'][];
  /** Creates a row or submits a form: a repeat with the same Idempotency-Key replays the first answer. */
  idempotent?: boolean;
  handler: (input: HandlerInput<B, Q, P, A>) => Promise<R | Response>;
}

/** A route of any shape, for lists of routes. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRoute = RouteSpec<any, any, any, any, any>;

/** Declares a route (an identity function that lets TypeScript infer the handler's types). */
export function route<B = undefined, Q = undefined, P = undefined, R = unknown, A extends Access = Access>(
  spec: RouteSpec<B, Q, P, R, A>,
): RouteSpec<B, Q, P, R, A> {
  return spec;
}

/** Everything a mounted route needs from the app for each request. */
export interface RouteRuntime {
  /** Resolves the caller from the request by the route's access: null for no token (unless 'user'); a bad token throws unless 'public'. */
  caller(c: Context, access: Access): Promise<Caller | null>;
  services(caller: Caller | null, c: Context): Services;
  requestId(c: Context): string;
  /** Where keyed requests of idempotent routes are claimed and their answers kept. */
  idempotency: IdempotencyStore;
}

/** Turns zod issues into the envelope's field details. */
export function issueDetails(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(body)', message: i.message }));
}

/** A NUL, or half of a UTF-16 surrogate pair: text PostgreSQL cannot store and no keyboard types. */
// eslint-disable-next-line no-control-regex -- the NUL is exactly what this pattern looks for
const BAD_TEXT = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const BAD_TEXT_MESSAGE = '含有无法识别的字符（如空字符或残缺的表情符号），请删除后重新输入';

/** Lists every string (and object key) in a parsed value that holds a NUL or an unpaired surrogate, by its path. */
export function badTextPaths(value: unknown, path: string, out: { path: string; message: string }[] = []): { path: string; message: string }[] {
  if (out.length >= 20) return out;
  if (typeof value === 'string') {
    if (BAD_TEXT.test(value)) out.push({ path, message: BAD_TEXT_MESSAGE });
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => badTextPaths(v, `${path}.${i}`, out));
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (BAD_TEXT.test(k)) out.push({ path: `${path}.${k.replace(BAD_TEXT, '?')}`, message: BAD_TEXT_MESSAGE });
      else badTextPaths(v, `${path}.${k}`, out);
    }
  }
  return out;
}

function validate<T>(schema: z.ZodType<T> | undefined, value: unknown, where: string): T {
  const bad = badTextPaths(value, where);
  if (bad.length) throw new AppError('VALIDATION_FAILED', undefined, bad);
  if (!schema) return undefined as T;
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new AppError('VALIDATION_FAILED', undefined, issueDetails(parsed.error).map((d) => ({ ...d, path: `${where}.${d.path}` })));
  }
  return parsed.data;
}

async function readJson(c: Context): Promise<unknown> {
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/json\b/i.test(type)) throw new AppError('UNSUPPORTED_MEDIA_TYPE');
  const text = await c.req.text();
  if (text.trim() === '') throw new AppError('BAD_JSON', '请求内容为空');
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError('BAD_JSON');
  }
}

/** Mounts routes on a Hono app. */
export function mountRoutes(app: Hono, routes: readonly AnyRoute[], rt: RouteRuntime): void {
  for (const r of routes) {
    const honoPath = r.path.replace(/\{(\w+)\}/g, ':$1');
    app.on(r.method.toUpperCase(), honoPath, async (c) => {
      const params = validate(r.params, c.req.param(), 'params');
      const query = validate(r.query, c.req.query(), 'query');
      const key = r.idempotent ? idempotencyKeyOf(c.req.header('idempotency-key')) : null;
      const caller = await rt.caller(c, r.access);
      const body = r.body ? validate(r.body, await readJson(c), 'body') : undefined;
      const run = () => r.handler({ body, query, params, caller, services: rt.services(caller, c), requestId: rt.requestId(c), c });
      if (key === null || caller === null) {
        const result = await run();
        if (result instanceof Response) return result;
        return c.json(result, r.status ?? 200);
      }
      const fingerprint = requestFingerprint(c.req.method, c.req.path, await c.req.text());
      const outcome = await rt.idempotency.run(caller.userId, key, fingerprint, async () => {
        const result = await run();
        return result instanceof Response ? result : { status: r.status ?? 200, body: result };
      });
      if (outcome.answer instanceof Response) return outcome.answer;
      if (outcome.replayed) c.header(REPLAYED_HEADER, 'true');
      return c.json(outcome.answer.body as object, outcome.answer.status as 200 | 201);
    });
  }
}
