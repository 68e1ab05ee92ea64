/**
 * What a slow phone downloads (issue 14): the H5 build compressed, hashed assets cached for a year, index.html and media
 * revalidated with ETags, media with byte ranges and the right types, large API answers compressed. Real HTTP on a port.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { startTestServer, type TestServer } from '../helpers/server';

let server: TestServer;
let dir: string;
const script = `console.log(${JSON.stringify('心桥 '.repeat(4000))});`;

/** A raw GET (node:http does not decompress), with the answer's bytes. */
function get(url: string, headers: Record<string, string> = {}, method = 'GET'): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xq-h5-'));
  fs.mkdirSync(path.join(dir, 'js'));
  fs.writeFileSync(path.join(dir, 'index.html'), `<!doctype html><html><head><title>心桥</title></head><body>${'<div></div>'.repeat(100)}</body></html>`);
  fs.writeFileSync(path.join(dir, 'js', 'app.1a2b3c4d.js'), script);
  // What config/precompress.ts writes beside a built file; a stale copy (older than its file) is not used.
  fs.writeFileSync(path.join(dir, 'js', 'vendor.5e6f7a8b.js'), script);
  fs.writeFileSync(path.join(dir, 'js', 'vendor.5e6f7a8b.js.br'), brotliCompressSync('/* built */'));
  fs.writeFileSync(path.join(dir, 'js', 'vendor.5e6f7a8b.js.gz'), gzipSync('/* built */'));
  fs.writeFileSync(path.join(dir, 'js', 'old.5e6f7a8b.js.gz'), gzipSync('/* stale */'));
  fs.writeFileSync(path.join(dir, 'js', 'old.5e6f7a8b.js'), script);
  const later = new Date(Date.now() + 60_000);
  fs.utimesSync(path.join(dir, 'js', 'old.5e6f7a8b.js'), later, later);
  server = await startTestServer({ staticDir: dir });
}, 60_000);
afterAll(async () => {
  await server.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('hashed assets: brotli or gzip by Accept-Encoding, cached for a year as immutable', async () => {
  const url = `${server.url}/js/app.1a2b3c4d.js`;
  const br = await get(url, { 'accept-encoding': 'gzip, deflate, br' });
  expect(br.status).toBe(200);
  expect(br.headers['content-encoding']).toBe('br');
  expect(br.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  expect(br.headers['content-type']).toMatch(/^text\/javascript/);
  expect(br.headers.vary).toMatch(/Accept-Encoding/i);
  expect(brotliDecompressSync(br.body).toString()).toBe(script);
  expect(br.body.length).toBeLessThan(Buffer.byteLength(script) / 10);
  const gz = await get(url, { 'accept-encoding': 'gzip' });
  expect(gz.headers['content-encoding']).toBe('gzip');
  expect(gunzipSync(gz.body).toString()).toBe(script);
  const plain = await get(url);
  expect(plain.headers['content-encoding']).toBeUndefined();
  expect(plain.body.toString()).toBe(script);
});

test('a build that ships file.br and file.gz: those bytes are sent as they are, unless older than the file', async () => {
  const br = await get(`${server.url}/js/vendor.5e6f7a8b.js`, { 'accept-encoding': 'gzip, br' });
  expect(br.headers['content-encoding']).toBe('br');
  expect(brotliDecompressSync(br.body).toString()).toBe('/* built */');
  const gz = await get(`${server.url}/js/vendor.5e6f7a8b.js`, { 'accept-encoding': 'gzip' });
  expect(gz.headers['content-encoding']).toBe('gzip');
  expect(gunzipSync(gz.body).toString()).toBe('/* built */');
  const stale = await get(`${server.url}/js/old.5e6f7a8b.js`, { 'accept-encoding': 'gzip' });
  expect(gunzipSync(stale.body).toString()).toBe(script);
});

test('index.html (and any app route) is revalidated: no-cache with an ETag, 304 when unchanged', async () => {
  const first = await get(`${server.url}/`, { 'accept-encoding': 'gzip' });
  expect(first.status).toBe(200);
  expect(first.headers['cache-control']).toBe('no-cache');
  const etag = first.headers.etag as string;
  expect(etag).toMatch(/^".+"$/);
  const again = await get(`${server.url}/`, { 'if-none-match': etag });
  expect(again.status).toBe(304);
  expect(again.body.length).toBe(0);
  const deep = await get(`${server.url}/pages/course/index`, { 'if-none-match': etag });
  expect(deep.status).toBe(304);
  expect((await get(`${server.url}/index.html/below-a-file`)).status).toBe(200);
  const escape = await get(`${server.url}/..%2f..%2fetc%2fpasswd`);
  expect(escape.body.toString()).toContain('<title>心桥</title>');
});

test('media: the right type, byte ranges announced on 200, a 206 for a range, 416 past the end, ETag and 304', async () => {
  const mediaDir = path.join(__dirname, '..', '..', 'src', 'server', 'content', 'media');
  const audio = fs.readdirSync(mediaDir).filter((f) => f.endsWith('.m4a')).sort()[0];
  const url = `${server.url}/media/${audio}`;
  const size = fs.statSync(path.join(mediaDir, audio)).size;
  const whole = await get(url);
  expect(whole.status).toBe(200);
  expect(whole.headers['content-type']).toBe('audio/mp4');
  expect(whole.headers['accept-ranges']).toBe('bytes');
  expect(whole.headers['cache-control']).toBe('no-cache');
  expect(Number(whole.headers['content-length'])).toBe(size);
  expect(whole.body.length).toBe(size);
  const part = await get(url, { range: 'bytes=100-199' });
  expect(part.status).toBe(206);
  expect(part.headers['content-range']).toBe(`bytes 100-199/${size}`);
  expect(part.body).toEqual(whole.body.subarray(100, 200));
  const tail = await get(url, { range: 'bytes=-10' });
  expect(tail.body).toEqual(whole.body.subarray(size - 10));
  expect((await get(url, { range: `bytes=${size + 5}-` })).status).toBe(416);
  expect((await get(url, { 'if-none-match': whole.headers.etag as string })).status).toBe(304);
  const video = fs.readdirSync(mediaDir).filter((f) => f.endsWith('.mp4')).sort()[0];
  expect((await get(`${server.url}/media/${video}`, {}, 'HEAD')).headers['content-type']).toBe('video/mp4');
  expect((await get(`${server.url}/media/${video.replace(/\.mp4$/, '.vtt')}`, {}, 'HEAD')).headers['content-type']).toBe('text/vtt; charset=utf-8');
  expect((await get(`${server.url}/media/generate.sh`)).status).toBe(404);
  expect((await get(`${server.url}/media/..%2f..%2fenv.ts`)).status).toBe(404);
});

test('large API answers are compressed for clients that accept it', async () => {
  const doc = await get(`${server.url}/api/openapi.json`, { 'accept-encoding': 'gzip' });
  expect(doc.headers['content-encoding']).toBe('gzip');
  const json = JSON.parse(gunzipSync(doc.body).toString());
  expect(json.openapi).toBe('3.0.3');
  expect(doc.body.length).toBeLessThan(Buffer.byteLength(JSON.stringify(json)) / 4);
  const health = await get(`${server.url}/api/health`, { 'accept-encoding': 'gzip' });
  expect(health.headers['content-encoding']).toBeUndefined();
  expect(JSON.parse(health.body.toString()).status).toBe('ok');
});
