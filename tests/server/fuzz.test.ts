/**
 * Schema-driven fuzzing (issue 13): every operation of the OpenAPI document is called with malformed path parameters,
 * queries, bodies, content types and tokens, as several users, on PGlite and (when DATABASE_URL is set) PostgreSQL.
 * No answer may be a 5xx: bad input is the caller's error, answered with a code and a Chinese message.
 */
import { random as prng } from '../../src/server/seed/report-demo';
import type { Database } from '../../src/server/storage/db';
import { testApp, type TestApp } from '../helpers/app';
import { describeOn, scratchPostgres } from '../helpers/db';
import { startWeChatFake, type WeChatFake } from '../helpers/wechat-fake';

type Schema = {
  type?: string; properties?: Record<string, Schema>; required?: string[]; items?: Schema; enum?: unknown[]; anyOf?: Schema[]; oneOf?: Schema[];
  nullable?: boolean; minimum?: number; maximum?: number; minLength?: number; maxLength?: number; minItems?: number; format?: string; default?: unknown; pattern?: string;
};
type Operation = { parameters?: { name: string; in: 'path' | 'query'; schema: Schema }[]; requestBody?: { content: { 'application/json': { schema: Schema } } } };

/** Strings an attacker or a careless user types. */
const NASTY_STRINGS = [
  '', ' ', 'a', '\u0000', 'ab\u0000cd', '\udfff', '\ud83d', 'x\ud800y', '😀👨‍👩‍👧', '\u202e\u0645\u0631\u062d\u0628\u0627', 'ＡＢＣ１２３', '\u200b\u200b',
  "1' OR '1'='1", "'; DROP TABLE users; --", '%00', '../../etc/passwd', '<script>alert(1)</script>', '${jndi:x}', '{{7*7}}',
  '00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff', '-1', '0', '1e309', 'NaN', 'Infinity', '9'.repeat(40),
  '2026-13-45T99:99:99Z', '0000-00-00', '275760-09-13T00:00:00.001Z', '-271821-04-20T00:00:00Z', 'true', 'null', '[]', '{}',
  '长'.repeat(5000), 'a'.repeat(70_000),
];
const NASTY_VALUES: unknown[] = [null, true, false, 0, -1, 1.5, -0, 1e308, -1e308, 2 ** 53 + 1, [], [null], {}, { $gt: '' }, ['\u0000'], NASTY_STRINGS[4], NASTY_STRINGS[5]];
/** Path segments, percent-encoded as they arrive on the wire. */
const NASTY_SEGMENTS = ['x', '%00', '%ED%A0%80', '%C0%AF', '%FF%FE', "1'%20OR%20'1'='1", '-1', '0', '1e309', '..%2F..%2Fetc', '%F0%9F%98%80', 'a'.repeat(3000), '00000000-0000-0000-0000-000000000000', 'NaN', '%E2%80%AE'];

/** Strings tried against a field's pattern, so that a fuzzed body is valid everywhere but in the field being broken. */
const PATTERN_CANDIDATES = ['159901', '13800001234', '0351-0000101', 'ABCD-EFGH', 'XQ-ABCD-2345', 'abcd1234', 'x', '2026', '2026-11', '2026-11-25', '08:00', 'https://example.org/a'];

/** Real ids of the demo by the name of the field or path segment that holds them, so fuzzed bodies get past the lookups. */
const POOL: Record<string, string[]> = {};
const POOL_TABLES: Record<string, string> = {
  regions: 'regions', schools: 'schools', stations: 'stations', students: 'students', courses: 'courses', lessons: 'lessons', events: 'events', notices: 'notices',
  guardianships: 'guardianships', 'binding-codes': 'binding_codes', 'notice-tasks': 'notice_tasks', referrals: 'referrals', evidence: 'event_evidence',
};
const FIELD_POOL: Record<string, string> = {
  studentId: 'students', regionId: 'regions', parentId: 'regions', schoolId: 'schools', stationId: 'stations', courseId: 'courses', lessonId: 'lessons', eventId: 'events', id: 'stations',
};
const pooled = (kind: string | undefined, rand: () => number): string | undefined => {
  const ids = kind ? POOL[kind] : undefined;
  return ids?.length ? ids[Math.floor(rand() * ids.length)] : undefined;
};
let sampleRand: () => number = Math.random;

/** A plausible value for a schema (the first enum, the minimum, a real id, a future time, a short string). */
function sample(s: Schema | undefined, depth = 0, name = ''): unknown {
  if (!s || depth > 6) return null;
  if (s.type === 'string' && (name.endsWith('Id') || name === 'id')) {
    const id = pooled(FIELD_POOL[name], sampleRand);
    if (id) return id;
  }
  if (s.enum) return s.enum[0];
  if (s.default !== undefined) return s.default;
  const branch = s.anyOf ?? s.oneOf;
  if (branch) return sample(branch.find((b) => b.type !== 'null') ?? branch[0], depth + 1, name);
  switch (s.type) {
    case 'object': return Object.fromEntries(Object.entries(s.properties ?? {}).map(([k, v]) => [k, sample(v, depth + 1, k)]));
    case 'array': return Array.from({ length: Math.max(1, s.minItems ?? 1) }, () => sample(s.items, depth + 1));
    case 'integer':
    case 'number': return s.minimum ?? 1;
    case 'boolean': return true;
    case 'string':
      if (s.format === 'date-time' || /At$|Deadline$/.test(name)) return new Date(Date.parse('2026-11-25T08:00:00.000Z') + Math.floor(sampleRand() * 48) * 3_600_000).toISOString();
      if (s.format === 'uuid') return '00000000-0000-4000-8000-000000000000';
      if (s.pattern) {
        const re = new RegExp(s.pattern);
        const fit = PATTERN_CANDIDATES.find((c) => re.test(c));
        if (fit) return fit;
      }
      if (s.format === 'date') return '2026-12-01';
      return 'x'.repeat(Math.max(1, s.minLength ?? 1));
    default: return null;
  }
}

/** Bodies that break one field at a time (and the whole body), from the operation's schema. */
function bodies(schema: Schema, rand: () => number, valid?: unknown): unknown[] {
  const base = valid ?? sample(schema);
  const out: unknown[] = [base, null, [], 'x', 0, [base, base], {}];
  const walk = (s: Schema, path: string[], depth: number): void => {
    if (depth > 3) return;
    const branch = s.anyOf ?? s.oneOf;
    const t = branch ? branch.find((b) => b.type !== 'null') ?? s : s;
    if (t.type === 'object' && t.properties) {
      for (const [k, v] of Object.entries(t.properties)) {
        const p = [...path, k];
        const picks = [...NASTY_VALUES, ...NASTY_STRINGS].filter(() => rand() < 0.35);
        for (const value of picks) out.push(setAt(base, p, value));
        out.push(setAt(base, p, undefined));
        walk(v, p, depth + 1);
      }
    } else if (t.type === 'array' && t.items) {
      const p = [...path, '0'];
      for (const value of [...NASTY_VALUES, ...NASTY_STRINGS].filter(() => rand() < 0.25)) out.push(setAt(base, p, value));
      out.push(setAt(base, path, Array.from({ length: 5000 }, () => sample(t.items))));
      walk(t.items, p, depth + 1);
    }
  };
  walk(schema, [], 0);
  out.push({ ...(typeof base === 'object' && base && !Array.isArray(base) ? base : {}), __proto__: { admin: true }, constructor: { prototype: { x: 1 } }, unexpected: '\u0000' });
  return out;
}

function setAt(base: unknown, path: string[], value: unknown): unknown {
  const copy = structuredClone(base) as Record<string, unknown>;
  if (path.length === 0) return value;
  let node: Record<string, unknown> = copy;
  for (const key of path.slice(0, -1)) {
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  const last = path[path.length - 1] as string;
  if (value === undefined) delete node[last];
  else node[last] = value;
  return copy;
}

/** Percent-encodes text as it would cross the wire; a lone surrogate goes as its (invalid) three UTF-8-style bytes. */
function wire(text: string): string {
  return [...text].map((ch) => {
    const code = ch.charCodeAt(0);
    if (ch.length === 1 && code >= 0xd800 && code <= 0xdfff) return `%ED%${(0x80 | ((code >> 6) & 0x3f)).toString(16).toUpperCase()}%${(0x80 | (code & 0x3f)).toString(16).toUpperCase()}`;
    return encodeURIComponent(ch);
  }).join('');
}

const RAW_BODIES = ['{', '{"a":', '[1,2', '\u0000', '{"a":"\\ud800"}', '{"a":"\\u0000"}', 'null', '"str"', '1e99999', '{"__proto__":{"x":1}}', '\ufeff{}', '{}'.padEnd(2000, ' ')];

for (const driver of ['PGlite', 'PostgreSQL']) {
  describeOn(driver)(`fuzzing every route of the OpenAPI document (${driver})`, () => {
    let t: TestApp;
    let fake: WeChatFake;
    let pg: Database | null = null;
    const tokens: (string | null)[] = [];
    /** Valid bodies of the write routes (from the demo), so that breaking one field reaches the code behind the validation. */
    const BASE: Record<string, unknown> = {};

    beforeAll(async () => {
      fake = await startWeChatFake();
      pg = driver === 'PostgreSQL' ? await scratchPostgres(6) : null;
      t = await testApp({ wechatBase: fake.url, ...(pg ? { db: pg } : {}) });
      for (const who of ['admin', 'parent', 'psychologist', 'station', 'federation', 'leader', 'head_teacher', 'newcomer']) tokens.push(await t.login(who));
      tokens.push(null, 'not-a-token', `${tokens[0]}x`);
      const one = async (sql: string, ...params: unknown[]) => (await t.db.query<{ id: string }>(sql, params))[0]!.id;
      const [admin, parent, psychologist, station] = tokens as string[];
      const parent2 = await t.login('parent2');
      const leader = tokens[5] as string;
      const headTeacher = tokens[6] as string;
      const yuying = await one("SELECT id::text AS id FROM schools WHERE name = '小店区育英小学'");
      const wucheng = await one("SELECT id::text AS id FROM stations WHERE name = '坞城街道家庭教育指导服务站'");
      const shanxi = await one("SELECT id::text AS id FROM regions WHERE level = 'province' ORDER BY code LIMIT 1");
      const pupil = await one("SELECT id::text AS id FROM students WHERE name = '孙浩然'");
      const hours = (h: number) => new Date(Date.parse('2026-11-23T08:00:00Z') + h * 3_600_000).toISOString();
      const event = {
        host: { type: 'station', id: wucheng }, title: '模糊测试讲座', description: '说明', topic: '心理健康教育', mentalHealth: true, speaker: '李红',
        startsAt: hours(48), endsAt: hours(50), mode: 'onsite', address: '坞城路 96 号', latitude: 37.8, longitude: 112.5, onlineUrl: null, capacity: 30, signupDeadline: hours(47),
      };
      const eventId = (await t.call('POST', '/api/events', { token: station, body: event })).body.id as string;
      const code = (await t.call('POST', `/api/students/${pupil}/binding-codes`, { token: headTeacher, body: { relation: 'mother', phone: null, expiresInDays: 7 } })).body.code as string;
      expect((await t.call('POST', '/api/bindings', { token: parent2, body: { code, relation: 'mother', noticeConsent: true, phoneCode: null, acceptSchoolNotice: true } })).status).toBe(200);
      const notice = {
        studentId: pupil, level: 'grade', observed: '近两周午休时常一个人待着', recommendation: '建议本周内到专科门诊评估', institutions: [{ name: '定点医院（演示）', phone: '0351-0000301', address: '示例路 1 号' }],
        meetingSlots: [hours(30)], meetingPlace: '静心小屋', contactName: '韩老师', contactPhone: '0351-0000101',
      };
      const noticeId = (await t.call('POST', '/api/notices', { token: psychologist, body: notice })).body.id as string;
      await t.call('POST', `/api/notices/${noticeId}/approve`, { token: leader, body: {} });
      await t.call('GET', `/api/notices/${noticeId}`, { token: parent2 });
      tokens.push(parent2);
      Object.assign(BASE, {
        'post /api/admin/regions': { code: '159901', name: '模糊市', level: 'city', parentId: shanxi },
        'post /api/events': event,
        'put /api/events/{id}': event,
        'post /api/events/{id}/signup': { companion: true, acceptedTemplates: ['signup_result'] },
        'post /api/events/{id}/evidence': { kind: 'agenda', filename: '议程.pdf', dataBase64: Buffer.from('%PDF-1.4\n%%EOF\n').toString('base64') },
        'post /api/notices': notice,
        'post /api/notices/{id}/acknowledge': { choice: 'decline', reason: '家里有事需要缓两周', meetingSlot: null, signedName: '王芳', signature: { strokes: [[100, 200, 150, 180, 200, 220, 260, 190, 320, 230], [400, 150, 420, 300, 440, 160]] } },
        'post /api/schools/{id}/students': { name: '李小雷', grade: '五年级', className: '2班', stage: 'primary' },
        'post /api/students/{id}/binding-codes': { relation: 'father', phone: '13800001234', expiresInDays: 7 },
        'put /api/schools/{id}/notice-settings': { requireApproval: true, unreadHours: 24, headTeacherHours: 48, leaderHours: 72, retentionDays: 365, institutions: [{ name: '定点医院', phone: '0351-0000301', address: '示例路' }] },
        'post /api/invitations': { role: 'school_psychologist', scopeType: 'school', scopeId: yuying, expiresInDays: 7, note: '新来的心理老师' },
        'put /api/me/profile': { displayName: '张敏' },
      });
      for (const [segment, table] of Object.entries(POOL_TABLES)) {
        POOL[table] = (await t.db.query<{ id: string }>(`SELECT id::text AS id FROM ${table} ORDER BY id LIMIT 8`)).map((r) => r.id);
        POOL[segment] = POOL[table] as string[];
      }
      // The ids the write routes are aimed at come first.
      POOL.schools = [yuying, ...(POOL.schools ?? [])];
      POOL.students = [pupil, ...(POOL.students ?? [])];
      POOL.events = [eventId, ...(POOL.events ?? [])];
      POOL.notices = [noticeId, ...(POOL.notices ?? [])];
      for (const [segment, table] of Object.entries(POOL_TABLES)) POOL[segment] = POOL[table] as string[];
      void admin;
      void parent;
    }, 120_000);
    afterAll(async () => {
      await t?.close();
      await pg?.close();
      await fake?.close();
    });

    test('no malformed request gets an answer of 500 or above', async () => {
      const rand = prng(driver === 'PGlite' ? 1313 : 2626);
      sampleRand = rand;
      const staff = tokens.slice(0, 7) as string[];
      const doc = (await t.call('GET', '/api/openapi.json')).body as { paths: Record<string, Record<string, Operation>> };
      const failures: string[] = [];
      let sent = 0;
      let accepted = 0;
      const call = async (method: string, url: string, opts: { token?: string | null; body?: unknown; headers?: Record<string, string> }) => {
        sent++;
        let res: { status: number; body: unknown };
        try {
          res = await t.call(method.toUpperCase(), url, opts);
        } catch (err) {
          failures.push(`${method} ${url.slice(0, 120)} threw ${(err as Error).message}`);
          return;
        }
        if (res.status < 300) accepted++;
        if (res.status >= 500) failures.push(`${res.status} ${method.toUpperCase()} ${url.slice(0, 160)} body=${JSON.stringify(opts.body)?.slice(0, 160)} → ${JSON.stringify(res.body).slice(0, 200)}`);
      };
      const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)] as T;
      const operations = Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ path, method, op })));
      expect(operations.length).toBeGreaterThan(70);

      for (const { path, method, op } of operations) {
        const pathParams = (op.parameters ?? []).filter((p) => p.in === 'path');
        const queryParams = (op.parameters ?? []).filter((p) => p.in === 'query');
        const fill = (segment: (name: string) => string) => path.replace(/\{(\w+)\}/g, (_m, name: string) => segment(name));
        const resource = path.split('/').find((_, i, all) => all[i + 1] === '{id}');
        const goodPath = fill((name) => (name === 'id' && resource ? POOL[resource]?.[0] : undefined) ?? (name === 'code' ? 'XQ-0000-0000' : '00000000-0000-4000-8000-000000000000'));
        const bodySchema = op.requestBody?.content['application/json'].schema;
        const validBody = BASE[`${method} ${path}`] ?? (bodySchema ? sample(bodySchema) : undefined);
        // The caller the route is meant for: the first whose answer to the valid body is not 401/403/404.
        let owner = staff[0] as string;
        if (bodySchema) {
          for (const tk of [...staff, tokens[tokens.length - 1] as string]) {
            const probe = await t.call(method.toUpperCase(), goodPath, { token: tk, body: validBody });
            if (![401, 403, 404].includes(probe.status)) {
              owner = tk;
              break;
            }
          }
        }

        // Path parameters.
        for (const seg of pathParams.length ? NASTY_SEGMENTS : []) {
          await call(method, fill(() => seg), { token: pick(tokens), body: validBody });
        }
        // Queries: each declared parameter broken in turn, repeated, and unknown ones.
        for (const q of queryParams) {
          for (const value of [...NASTY_STRINGS.filter(() => rand() < 0.5), '%00', '%ED%A0%80', '%']) {
            const encoded = value.startsWith('%') ? value : wire(value);
            await call(method, `${goodPath}?${q.name}=${encoded}`, { token: pick(tokens), body: validBody });
          }
          await call(method, `${goodPath}?${q.name}=1&${q.name}=2`, { token: pick(tokens), body: validBody });
        }
        await call(method, `${goodPath}?${encodeURIComponent('\u0000')}=1&__proto__=x&constructor=y`, { token: pick(tokens), body: validBody });
        // Bodies: malformed JSON text, wrong content types, and every field broken in turn, as different users.
        if (bodySchema) {
          for (const raw of RAW_BODIES) await call(method, goodPath, { token: pick(tokens), body: raw, headers: { 'content-type': 'application/json' } });
          for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=latin1']) {
            await call(method, goodPath, { token: pick(tokens), body: 'a=1', headers: { 'content-type': type } });
          }
          for (const body of bodies(bodySchema, rand, validBody)) {
            await call(method, goodPath, { token: rand() < 0.85 ? owner : pick(staff), body: body === undefined ? 'null' : body });
          }
        }
        // Headers: broken tokens and idempotency keys.
        for (const header of ['Bearer', 'Bearer \u00ff\u00fe', 'Basic abc', `Bearer ${'a'.repeat(5000)}`, 'Bearer a.b.c']) {
          await call(method, goodPath, { headers: { authorization: header }, body: validBody });
        }
        await call(method, goodPath, { token: pick(tokens), body: validBody, headers: { 'idempotency-key': '\u00ff'.repeat(300) } });
      }
      // The real ids of the demo under the wrong callers, with broken bodies.
      const ids = (await t.db.query<{ id: string }>('SELECT id::text FROM regions UNION ALL SELECT id::text FROM schools UNION ALL SELECT id::text FROM stations UNION ALL SELECT id::text FROM students LIMIT 40')).map((r) => r.id);
      for (const { path, method, op } of operations.filter((o) => o.path.includes('{'))) {
        const bodySchema = op.requestBody?.content['application/json'].schema;
        for (let i = 0; i < 6; i++) {
          await call(method, path.replace(/\{(\w+)\}/g, () => pick(ids)), { token: pick(tokens), body: bodySchema ? pick(bodies(bodySchema, rand)) : undefined });
        }
      }

      console.log(`fuzz (${driver}): ${sent} requests over ${operations.length} operations (${accepted} accepted), ${failures.length} answered 5xx`);
      expect(failures.slice(0, 20)).toEqual([]);
      expect(sent).toBeGreaterThan(5000);
    }, 600_000);
  });
}
