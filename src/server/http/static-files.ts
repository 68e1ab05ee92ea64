/**
 * Files for browsers on slow phones: the H5 build compressed (brotli or gzip) with validators and long caching of hashed
 * assets, and lesson media with byte ranges, the right types and ETags. One reader for both.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { Context, Next } from 'hono';

/** Content types of what the H5 build and the media folder hold. */
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.gif': 'image/gif', '.webp': 'image/webp', '.ico': 'image/x-icon',
  '.woff': 'font/woff', '.woff2': 'font/woff2', '.ttf': 'font/ttf', '.txt': 'text/plain; charset=utf-8', '.map': 'application/json; charset=utf-8',
  '.mp4': 'video/mp4', '.m4a': 'audio/mp4', '.mp3': 'audio/mpeg', '.aac': 'audio/aac', '.wav': 'audio/wav', '.webm': 'video/webm', '.vtt': 'text/vtt; charset=utf-8',
};
const COMPRESSIBLE = /^(text\/|application\/json|image\/svg)/;
/** A build file whose name carries its content hash (js/app.1a2b3c4d.js, css/app.0f1e….css): it never changes. */
const HASHED = /\.[0-9a-f]{8,}\.(js|css)$/;

/** The content type of a file name. */
export function contentType(file: string): string {
  return TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

interface Cached { mtimeMs: number; size: number; etag: string; raw: Buffer; br?: Buffer; gzip?: Buffer }

/** Serves small files (the H5 build) from memory, each compressed once, with an ETag and the cache policy of its kind. */
export class StaticFiles {
  private readonly cache = new Map<string, Cached>();

  constructor(private readonly root: string) {}

  /** Answers a GET or HEAD of a file under the root, or null when there is no such file. */
  serve(c: Context, requestPath: string): Response | null {
    const file = this.resolve(requestPath);
    if (!file) return null;
    const entry = this.load(file);
    if (!entry) return null;
    const headers = new Headers({
      'Content-Type': contentType(file),
      ETag: entry.etag,
      'Cache-Control': HASHED.test(file) ? 'public, max-age=31536000, immutable' : 'no-cache',
      Vary: 'Accept-Encoding',
    });
    if (notModified(c, entry.etag)) return new Response(null, { status: 304, headers });
    let body = entry.raw;
    if (COMPRESSIBLE.test(contentType(file)) && entry.raw.length >= 512) {
      const accepts = (c.req.header('accept-encoding') ?? '').toLowerCase();
      if (/\bbr\b/.test(accepts)) {
        entry.br ??= brotliCompressSync(entry.raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 9, [constants.BROTLI_PARAM_SIZE_HINT]: entry.raw.length } });
        body = entry.br;
        headers.set('Content-Encoding', 'br');
      } else if (/\bgzip\b/.test(accepts)) {
        entry.gzip ??= gzipSync(entry.raw, { level: 9 });
        body = entry.gzip;
        headers.set('Content-Encoding', 'gzip');
      }
    }
    headers.set('Content-Length', String(body.length));
    return new Response(c.req.method === 'HEAD' ? null : new Uint8Array(body), { status: 200, headers });
  }

  private resolve(requestPath: string): string | null {
    let rel: string;
    try {
      rel = decodeURIComponent(requestPath);
    } catch {
      return null;
    }
    if (rel.includes('\0')) return null;
    const file = path.resolve(this.root, `.${path.posix.normalize(`/${rel}`)}`);
    if (!file.startsWith(path.resolve(this.root) + path.sep)) return null;
    return file;
  }

  private load(file: string): Cached | null {
    const stat = fileStat(file);
    if (!stat) return null;
    const hit = this.cache.get(file);
    if (hit && hit.mtimeMs === stat.mtimeMs && hit.size === stat.size) return hit;
    const raw = fs.readFileSync(file);
    const entry: Cached = { mtimeMs: stat.mtimeMs, size: stat.size, raw, etag: `"${createHash('sha1').update(raw).digest('base64url')}"` };
    // The H5 build ships file.br and file.gz beside each text file (config/precompress.ts): used when not older than it.
    const fresh = (sibling: string): Buffer | undefined => {
      const s = fileStat(sibling);
      return s && s.mtimeMs >= stat.mtimeMs ? fs.readFileSync(sibling) : undefined;
    };
    entry.br = fresh(`${file}.br`);
    entry.gzip = fresh(`${file}.gz`);
    this.cache.set(file, entry);
    return entry;
  }
}

/** The stat of a regular file, or null when there is none. */
function fileStat(file: string): fs.Stats | null {
  try {
    const stat = fs.statSync(file);
    return stat.isFile() ? stat : null;
  } catch {
    return null;
  }
}

function notModified(c: Context, etag: string): boolean {
  const match = c.req.header('if-none-match');
  return !!match && match.split(',').some((t) => t.trim() === etag || t.trim() === `W/${etag}`);
}

/** Serves a media file with byte ranges (Accept-Ranges on every answer), its content type, an ETag and no-cache (revalidated, then 304). */
export function serveMedia(c: Context, file: string): Promise<Response> | null {
  const stat = fileStat(file);
  if (!stat) return null;
  const etag = `"${stat.size.toString(36)}-${Math.floor(stat.mtimeMs).toString(36)}"`;
  return serveMediaRange(c, { size: stat.size, contentType: contentType(file), etag, cacheControl: 'no-cache' }, (start, end) =>
    Readable.toWeb(fs.createReadStream(file, { start, end })) as ReadableStream<Uint8Array>);
}

/** What a byte-range answer needs to know of a file. */
export interface MediaMeta { size: number; contentType: string; etag: string; cacheControl: string }

/** Answers a GET or HEAD of media with byte ranges (200, 206, 304 or 416), reading only the bytes [start, end] it sends. */
export async function serveMediaRange(c: Context, meta: MediaMeta, read: (start: number, end: number) => ReadableStream<Uint8Array> | Promise<Buffer>): Promise<Response> {
  const { size, etag } = meta;
  const headers = new Headers({ 'Content-Type': meta.contentType, 'Accept-Ranges': 'bytes', ETag: etag, 'Cache-Control': meta.cacheControl });
  if (notModified(c, etag)) return new Response(null, { status: 304, headers });
  const range = c.req.header('range');
  let start = 0;
  let end = size - 1;
  let status = 200;
  const ifRange = c.req.header('if-range');
  if (range && (!ifRange || ifRange === etag)) {
    const m = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
    const from = m?.[1] ? Number(m[1]) : null;
    const to = m?.[2] ? Number(m[2]) : null;
    if (m && from === null && to !== null) start = Math.max(0, size - to);
    else if (m && from !== null) {
      start = from;
      if (to !== null) end = Math.min(to, size - 1);
    }
    if (!m || (from === null && to === null) || start > end || start >= size) {
      headers.set('Content-Range', `bytes */${size}`);
      return new Response(null, { status: 416, headers });
    }
    status = 206;
    headers.set('Content-Range', `bytes ${start}-${end}/${size}`);
  }
  headers.set('Content-Length', String(end - start + 1));
  if (c.req.method === 'HEAD') return new Response(null, { status, headers });
  const body = await read(start, end);
  return new Response(Buffer.isBuffer(body) ? new Uint8Array(body) : (body as ReadableStream<Uint8Array>), { status, headers });
}

/** Middleware: gzips the answer of a GET when the client accepts it and the body is text of 1 KB or more. */
export async function compressReads(c: Context, next: Next): Promise<void> {
  await next();
  if (c.req.method !== 'GET' || !/\bgzip\b/i.test(c.req.header('accept-encoding') ?? '')) return;
  const res = c.res;
  if (res.headers.has('content-encoding') || !COMPRESSIBLE.test(res.headers.get('content-type') ?? '') && !/csv/.test(res.headers.get('content-type') ?? '')) return;
  const raw = Buffer.from(await res.arrayBuffer());
  const headers = new Headers(res.headers);
  let body = raw;
  if (raw.length >= 1024) {
    body = gzipSync(raw, { level: 6 });
    headers.set('Content-Encoding', 'gzip');
    headers.append('Vary', 'Accept-Encoding');
  }
  headers.set('Content-Length', String(body.length));
  c.res = new Response(new Uint8Array(body), { status: res.status, headers });
}
