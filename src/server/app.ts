/** The Hono app: middleware, the error envelope, every route, and the OpenAPI document. */
import { randomUUID } from 'node:crypto';
import { Hono, type Context } from 'hono';
import path from 'node:path';
import { bodyLimit } from 'hono/body-limit';
import { secureHeaders } from 'hono/secure-headers';
import { z } from 'zod';
import type { AppDeps } from './deps';
import type { Caller } from './domain/caller';
import { CONTENT_DIR } from './domain/learning/content';
import { IdentityService } from './domain/identity';
import { mediaBytes, storedMedia } from './domain/learning/media';
import { buildServices } from './domain/services';
import { clientAddress } from './http/client-address';
import { AppError } from './domain/errors';
import { buildOpenApi } from './http/openapi';
import { compressReads, serveMedia, serveMediaRange } from './http/static-files';
import { createIdempotencyStore } from './http/idempotency';
import { mountRoutes, type AnyRoute, type RouteRuntime } from './http/route';
import { authRoutes } from './routes/auth';
import { authoringRoutes } from './routes/authoring';
import { classRoutes } from './routes/classes';
import { invitationRoutes } from './routes/invitations';
import { meRoutes } from './routes/me';
import { courseRoutes } from './routes/courses';
import { eventRoutes } from './routes/events';
import { noticeRoutes } from './routes/notices';
import { importRoutes } from './routes/imports';
import { registryRoutes } from './routes/registry';
import { reportRoutes } from './routes/reports';
import { systemRoutes } from './routes/system';
import { localRoutes } from './routes/local';
import { APP_VERSION } from './version';

z.config(z.locales.zhCN());

/** Only lesson media and their captions are served from the media folder (not the scripts that make them). */
const MEDIA_FILE = /^\/media\/[a-z0-9][a-z0-9._-]*\.(mp4|m4a|mp3|aac|wav|webm|vtt)$/;

type Env = { Variables: { requestId: string; caller: Caller | null } };

/** Every route of the API, in documentation order. */
export const ROUTES: readonly AnyRoute[] = [...systemRoutes, ...authRoutes, ...meRoutes, ...invitationRoutes, ...registryRoutes, ...courseRoutes, ...authoringRoutes, ...eventRoutes, ...noticeRoutes, ...classRoutes, ...reportRoutes, ...importRoutes, ...localRoutes];

/** A regular expression matching the concrete paths of an OpenAPI-style route path. */
function pathPattern(routePath: string): RegExp {
  return new RegExp(`^${routePath.replace(/\{\w+\}/g, '[^/]+')}$`);
}

function bearer(c: Context): string | null {
  const header = c.req.header('authorization');
  if (!header) return null;
  const m = /^Bearer\s+(\S+)$/i.exec(header.trim());
  return m ? m[1] : '';
}

/** Builds the app on its dependencies. */
export function createApp(deps: AppDeps): Hono<Env> {
  const app = new Hono<Env>();
  const openapi = buildOpenApi(ROUTES, APP_VERSION);
  const patterns = ROUTES.map((r) => ({ method: r.method.toUpperCase(), re: pathPattern(r.path) }));

  app.use('*', async (c, next) => {
    const requestId = randomUUID();
    c.set('requestId', requestId);
    c.header('X-Request-Id', requestId);
    const started = performance.now();
    await next();
    if (c.req.path.startsWith('/api/')) {
      deps.log.info('request', { requestId, method: c.req.method, route: c.req.routePath, status: c.res.status, ms: Math.round(performance.now() - started) });
    }
  });
  app.use('/api/*', secureHeaders({ crossOriginResourcePolicy: 'same-origin' }));
  // Reads of 1 KB and more go gzipped to clients that accept it (the OpenAPI document: 277 KB → about 30 KB). Writes
  // answer small bodies and stay on the short path (heartbeats).
  app.use('/api/*', compressReads);
  app.use('/api/*', async (c, next) => {
    c.header('Cache-Control', 'no-store');
    await next();
  });
  const tooLarge = (): never => {
    throw new AppError('BODY_TOO_LARGE');
  };
  const defaultLimit = bodyLimit({ maxSize: deps.config.bodyLimitBytes, onError: tooLarge });
  const largeBodies = ROUTES.filter((r) => r.maxBodyBytes).map((r) => ({
    method: r.method.toUpperCase(), re: pathPattern(r.path), maxBytes: r.maxBodyBytes as number, limit: bodyLimit({ maxSize: r.maxBodyBytes as number, onError: tooLarge }),
  }));
  app.use('/api/*', (c, next) => {
    const large = largeBodies.find((l) => l.method === c.req.method && l.re.test(c.req.path));
    // A declared length is checked from the header alone (Node's parser never reads past it): Hono's bodyLimit asks for
    // the Web Request's body stream first, which builds a whole undici Request for every API call. Chunked bodies
    // still go through it.
    const length = c.req.header('content-length');
    if (length !== undefined && /^\d+$/.test(length) && c.req.header('transfer-encoding') === undefined) {
      if (Number(length) > (large?.maxBytes ?? deps.config.bodyLimitBytes)) tooLarge();
      return next();
    }
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    return (large?.limit ?? defaultLimit)(c, next);
  });

  const runtime: RouteRuntime = {
    async caller(c, access) {
      const token = bearer(c);
      if (token === null) {
        if (access === 'user') throw new AppError('UNAUTHENTICATED');
        return null;
      }
      if (token === '') throw new AppError('TOKEN_INVALID');
      try {
        return await new IdentityService(deps).authenticate(token);
      } catch (err) {
        if (access !== 'public') throw err;
        return null;
      }
    },
    services: (caller, c) => buildServices(deps, caller, clientAddress(c, deps.config.trustedProxies)),
    requestId: (c) => c.get('requestId'),
    idempotency: createIdempotencyStore(deps),
  };

  mountRoutes(app as unknown as Hono, ROUTES, runtime);
  app.get('/api/openapi.json', (c) => c.json(openapi));

  const media = path.join(CONTENT_DIR, 'media');
  app.on(['GET', 'HEAD'], '/media/*', async (c) => {
    if (!MEDIA_FILE.test(c.req.path)) throw new AppError('NOT_FOUND', '媒体文件不存在');
    const name = c.req.path.slice('/media/'.length);
    const file = serveMedia(c, path.join(media, name));
    if (file) return file;
    // Uploaded in the authoring console: stored in the database by content hash (domain/learning/media.ts).
    const stored = await storedMedia(deps.db, name);
    if (!stored) throw new AppError('NOT_FOUND', '媒体文件不存在');
    return serveMediaRange(c, { size: stored.size, contentType: stored.contentType, etag: `"${stored.sha256.slice(0, 32)}"`, cacheControl: 'public, max-age=31536000, immutable' },
      (start, end) => mediaBytes(deps.db, name, start, end));
  });
  app.all('/media/*', () => {
    throw new AppError('NOT_FOUND', '媒体文件不存在');
  });

  app.all('/api/*', (c) => {
    const path = c.req.path;
    const other = patterns.some((p) => p.re.test(path));
    throw new AppError(other ? 'METHOD_NOT_ALLOWED' : 'ROUTE_NOT_FOUND');
  });

  app.onError((err, c) => {
    const requestId = c.get('requestId');
    let e: AppError;
    if (err instanceof AppError) e = err;
    else if ((err as { code?: unknown }).code === '23505') e = new AppError('CONFLICT');
    else {
      deps.log.error('unhandled', { requestId, route: c.req.routePath, name: err.name, message: err.message, stack: err.stack?.split('\n').slice(0, 6).join(' | ') });
      e = new AppError('INTERNAL');
    }
    if (e.status === 429 && e.extra.retryAfterSeconds !== undefined) c.header('Retry-After', String(e.extra.retryAfterSeconds));
    return c.json(e.body(requestId), e.status);
  });
  return app;
}
