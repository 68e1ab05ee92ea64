import type { AcknowledgeInput, CourseContent, EventInput, NoticeInput } from '../../types';
import { ROUTES } from '../../src/server/app';
import { createIdempotencyStore, requestFingerprint, type StoredAnswer } from '../../src/server/http/idempotency';
import { runDueJobs } from '../../src/server/jobs';
import { silentLogger } from '../../src/server/log';
import type { Database } from '../../src/server/storage/db';
import { testApp, type TestApp } from '../helpers/app';
import { describeOn, scratchPostgres } from '../helpers/db';
import { sessionTokens } from '../helpers/parents';

const HOUR = 3_600_000;
const start = new Date('2026-11-23T08:00:00Z');
const at = (hours: number) => new Date(start.getTime() + hours * HOUR);
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a5f7a3d60000000049454e44ae426082', 'hex');

let made = 0;
/** A fresh key, as the client's key maker would make one when a form opens. */
const newKey = () => `t${Date.now().toString(36)}_${(made += 1).toString(36)}-key`;

const COURSE: CourseContent = {
  slug: 'idempotency-quiz-primary', title: '测验只记一次', summary: '一篇文章和两道题。', module: 'parent_child', stages: ['primary'],
  lessons: [{ slug: 'read', title: '读一读', kind: 'article', durationSeconds: 60, body: ['先倾听，不评判。'] }],
  quiz: {
    passMark: 50,
    questions: [
      { prompt: '开口时首先应该？', options: ['批评', '倾听'], answer: 1, explanation: '先倾听。' },
      { prompt: '孩子情绪低落多久需要留意？', options: ['一天', '两周以上'], answer: 1, explanation: '两周以上。' },
    ],
  },
};

const signature = { strokes: [[100, 200, 150, 180, 200, 220, 260, 190, 320, 230], [400, 150, 420, 300, 440, 160]] };
const ack = (over: Partial<AcknowledgeInput> = {}): AcknowledgeInput => ({ choice: 'referral', reason: null, meetingSlot: null, signedName: '王芳', signature, ...over });

interface World {
  t: TestApp;
  tok: Record<string, string>;
  /** Ids of demo rows by name. */
  id: Record<'wucheng' | 'yuying' | 'taiyuan' | 'xiaodian' | 'course', string>;
  student(name: string): Promise<string>;
  count(sql: string, params?: unknown[]): Promise<number>;
}

async function world(db: Database | null): Promise<World> {
  const t = await testApp(db ? { db } : {});
  t.setNow(start);
  const tok: Record<string, string> = {};
  for (const who of ['parent', 'parent2', 'parent3', 'psychologist', 'head_teacher', 'leader', 'station', 'federation', 'admin']) tok[who] = await t.login(who);
  const one = async (sql: string, params: unknown[] = []) => (await t.db.query<{ id: string }>(sql, params))[0]!.id;
  const w: World = {
    t, tok,
    id: {
      wucheng: await one(`SELECT id FROM stations WHERE name = '坞城街道家庭教育指导服务站'`),
      yuying: await one(`SELECT id FROM schools WHERE name = '小店区育英小学'`),
      taiyuan: await one(`SELECT id FROM regions WHERE code = '140100'`),
      xiaodian: await one(`SELECT id FROM regions WHERE code = '140105'`),
      course: '',
    },
    student: (name) => one('SELECT id FROM students WHERE name = $1', [name]),
    count: async (sql, params = []) => Number((await t.db.query<{ n: string }>(sql, params))[0]!.n),
  };
  // 王芳 (parent2) is 孙浩然's bound guardian, so notices for him reach someone.
  const code = await t.call('POST', `/api/students/${await w.student('孙浩然')}/binding-codes`, { token: tok.head_teacher, body: { relation: 'mother', phone: null, expiresInDays: 7 } });
  const bound = await t.call('POST', '/api/bindings', { token: tok.parent2, body: { code: code.body.code, relation: 'mother', noticeConsent: true, phoneCode: null, acceptSchoolNotice: true } });
  expect(bound.status).toBe(200);
  // 张敏 (parent) has read the one lesson of a course with a quiz.
  const published = await t.call('POST', '/api/admin/courses', { token: tok.admin, body: COURSE });
  w.id.course = published.body.course.id;
  await t.call('POST', `/api/courses/${w.id.course}/enroll`, { token: tok.parent, body: {} });
  const lesson = published.body.lessons[0].id;
  expect((await t.call('GET', `/api/lessons/${lesson}`, { token: tok.parent })).status).toBe(200);
  t.setNow(at(1));
  const read = await t.call('POST', '/api/progress', { token: tok.parent, body: { statements: [{ id: '9b7c3a52-3f4e-4c1a-9d55-1f2a3b4c5d6e', lessonId: lesson, verb: 'read', segments: [], position: 0, timestamp: at(1).toISOString() }] } });
  expect(read.body.lessons[0].progress.completed).toBe(true);
  t.setNow(start);
  return w;
}

const eventInput = (w: World, over: Partial<EventInput> = {}): EventInput => ({
  host: { type: 'station', id: w.id.wucheng }, title: `识别孩子的焦虑 ${newKey()}`, description: '讲解焦虑的早期信号与沟通方法。', topic: '心理健康教育',
  mentalHealth: true, speaker: '李红', startsAt: at(48).toISOString(), endsAt: at(50).toISOString(), mode: 'onsite', address: '坞城路 96 号二层',
  latitude: 37.82, longitude: 112.56, onlineUrl: null, capacity: 10, signupDeadline: at(47).toISOString(), ...over,
});

const noticeInput = (studentId: string, over: Partial<NoticeInput> = {}): NoticeInput => ({
  studentId, level: 'grade', observed: '近两周课间常一个人坐着', recommendation: '建议家长本周内与孩子聊一聊',
  institutions: [{ name: '太原市精神卫生绿色通道定点医院（演示）', phone: '0351-0000301', address: '小店区示例路 1 号' }],
  meetingSlots: [at(30).toISOString()], meetingPlace: '心理辅导室', contactName: '王静老师', contactPhone: '0351-0000101', ...over,
});

async function publish(w: World, over: Partial<EventInput> = {}): Promise<string> {
  const res = await w.t.call('POST', '/api/events', { token: w.tok.station, body: eventInput(w, over) });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

/** A notice for 孙浩然 by the psychology teacher: pending approval (育英 requires it), or approved and sent. */
async function notice(w: World, sent: boolean): Promise<string> {
  const created = await w.t.call('POST', '/api/notices', { token: w.tok.psychologist, body: noticeInput(await w.student('孙浩然')) });
  expect(created.status).toBe(201);
  if (sent) expect((await w.t.call('POST', `/api/notices/${created.body.id}/approve`, { token: w.tok.leader, body: {} })).status).toBe(200);
  return created.body.id as string;
}

const audits = (w: World, noticeId: string, action: string) => () => w.count('SELECT count(*) AS n FROM audit_log WHERE notice_id = $1 AND action = $2', [noticeId, action]);

/** One keyed request and how to count what one run of it makes. */
interface Prepared {
  who: string;
  path: string;
  body: unknown;
  count: () => Promise<number>;
}

/** Every idempotent route, with what it needs made first. */
const CASES: { route: string; prepare: (w: World) => Promise<Prepared> }[] = [
  {
    route: 'POST /api/admin/authoring/courses',
    prepare: async (w) => {
      const body = { title: `重复点击新建 ${newKey()}`, summary: '只建一门草稿', module: 'mh_care', stages: ['primary'], regionId: null, lessons: [], quiz: { passMark: 80, questions: [] } };
      return { who: 'admin', path: '/api/admin/authoring/courses', body, count: () => w.count('SELECT count(*) AS n FROM courses WHERE title = $1', [body.title]) };
    },
  },
  {
    route: 'POST /api/events',
    prepare: async (w) => {
      const body = eventInput(w);
      return { who: 'station', path: '/api/events', body, count: () => w.count('SELECT count(*) AS n FROM events WHERE title = $1', [body.title]) };
    },
  },
  {
    route: 'PUT /api/events/{id}',
    prepare: async (w) => {
      const id = await publish(w);
      const body = eventInput(w, { capacity: 20 });
      return { who: 'station', path: `/api/events/${id}`, body, count: () => w.count('SELECT count(*) AS n FROM events WHERE id = $1 AND title = $2', [id, body.title]) };
    },
  },
  {
    route: 'POST /api/events/{id}/cancel',
    prepare: async (w) => {
      const id = await publish(w);
      return { who: 'station', path: `/api/events/${id}/cancel`, body: { reason: '场地临时停电' }, count: () => w.count(`SELECT count(*) AS n FROM events WHERE id = $1 AND status = 'cancelled'`, [id]) };
    },
  },
  {
    route: 'POST /api/events/{id}/signup',
    prepare: async (w) => {
      const id = await publish(w);
      return { who: 'parent2', path: `/api/events/${id}/signup`, body: { companion: false, acceptedTemplates: [] }, count: () => w.count('SELECT count(*) AS n FROM event_signups WHERE event_id = $1', [id]) };
    },
  },
  {
    route: 'POST /api/events/{id}/signup/confirm',
    prepare: async (w) => {
      const id = await publish(w, { capacity: 1 });
      const signup = (who: string) => w.t.call('POST', `/api/events/${id}/signup`, { token: w.tok[who], body: { companion: false, acceptedTemplates: [] } });
      expect((await signup('parent')).status).toBe(200);
      expect((await signup('parent3')).body.event.signup.status).toBe('waitlisted');
      expect((await w.t.call('DELETE', `/api/events/${id}/signup`, { token: w.tok.parent })).status).toBe(200);
      return {
        who: 'parent3', path: `/api/events/${id}/signup/confirm`, body: {},
        count: () => w.count(`SELECT count(*) AS n FROM event_signups WHERE event_id = $1 AND confirmed_at IS NOT NULL AND status = 'confirmed'`, [id]),
      };
    },
  },
  {
    route: 'POST /api/events/{id}/evidence',
    prepare: async (w) => {
      const id = await publish(w);
      return { who: 'station', path: `/api/events/${id}/evidence`, body: { kind: 'photo', filename: '现场.png', dataBase64: PNG.toString('base64') }, count: () => w.count('SELECT count(*) AS n FROM event_evidence WHERE event_id = $1', [id]) };
    },
  },
  {
    route: 'POST /api/events/{id}/evidence/signin-sheet',
    prepare: async (w) => {
      const id = await publish(w, { startsAt: at(2).toISOString(), endsAt: at(3).toISOString(), signupDeadline: at(2).toISOString() });
      w.t.setNow(at(4));
      return { who: 'station', path: `/api/events/${id}/evidence/signin-sheet`, body: {}, count: () => w.count('SELECT count(*) AS n FROM event_evidence WHERE event_id = $1', [id]) };
    },
  },
  {
    route: 'POST /api/invitations',
    prepare: async (w) => {
      const note = `幂等 ${made}`;
      return {
        who: 'admin', path: '/api/invitations', body: { role: 'school_psychologist', scopeType: 'school', scopeId: w.id.yuying, expiresInDays: 7, note },
        count: () => w.count('SELECT count(*) AS n FROM invitations WHERE note = $1', [note]),
      };
    },
  },
  {
    route: 'POST /api/invitations/redeem',
    prepare: async (w) => {
      const inv = await w.t.call('POST', '/api/invitations', { token: w.tok.admin, body: { role: 'head_teacher', scopeType: 'school', scopeId: w.id.yuying, expiresInDays: 7 } });
      const [user] = await w.t.db.query<{ id: string }>(`INSERT INTO users (display_name) VALUES ('新老师') RETURNING id`);
      await w.t.db.query('INSERT INTO privacy_consents (user_id, version) VALUES ($1, $2)', [user!.id, w.t.deps.config.privacyVersion]);
      [w.tok.newTeacher] = await sessionTokens(w.t.db, w.t.deps.config.sessionSecret, [user!.id], start);
      return { who: 'newTeacher', path: '/api/invitations/redeem', body: { code: inv.body.code }, count: () => w.count('SELECT count(*) AS n FROM role_grants WHERE user_id = $1', [user!.id]) };
    },
  },
  {
    route: 'POST /api/bindings',
    prepare: async (w) => {
      const pupil = await w.student('周雨桐');
      const code = await w.t.call('POST', `/api/students/${pupil}/binding-codes`, { token: w.tok.head_teacher, body: { relation: 'father', phone: null, expiresInDays: 7 } });
      return {
        who: 'parent3', path: '/api/bindings', body: { code: code.body.code, relation: 'father', noticeConsent: true, phoneCode: null, acceptSchoolNotice: false },
        count: () => w.count('SELECT count(*) AS n FROM guardianships WHERE student_id = $1', [pupil]),
      };
    },
  },
  {
    route: 'POST /api/schools/{id}/students',
    prepare: async (w) => {
      const name = `新生${made}`;
      return { who: 'leader', path: `/api/schools/${w.id.yuying}/students`, body: { name, grade: '一年级', className: '1班', stage: 'primary' }, count: () => w.count('SELECT count(*) AS n FROM students WHERE name = $1', [name]) };
    },
  },
  {
    route: 'POST /api/schools/{id}/classes',
    prepare: async (w) => {
      const name = `${made + 10}班`;
      return { who: 'leader', path: `/api/schools/${w.id.yuying}/classes`, body: { grade: '一年级', name, stage: 'primary' }, count: () => w.count(`SELECT count(*) AS n FROM classes WHERE grade = '一年级' AND name = $1`, [name]) };
    },
  },
  {
    route: 'POST /api/students/{id}/binding-codes',
    prepare: async (w) => {
      const pupil = await w.student('吴思远');
      return { who: 'psychologist', path: `/api/students/${pupil}/binding-codes`, body: { relation: 'mother', phone: null, expiresInDays: 7 }, count: () => w.count('SELECT count(*) AS n FROM binding_codes WHERE student_id = $1', [pupil]) };
    },
  },
  {
    route: 'POST /api/notice-drafts',
    prepare: async (w) => {
      const pupil = await w.student('孙浩然');
      const body = { schoolId: w.id.yuying, content: { ...noticeInput(pupil), studentId: pupil } };
      return { who: 'psychologist', path: '/api/notice-drafts', body, count: () => w.count('SELECT count(*) AS n FROM notice_drafts WHERE school_id = $1', [w.id.yuying]) };
    },
  },
  {
    route: 'POST /api/notices',
    prepare: async (w) => {
      const pupil = await w.student('孙浩然');
      return { who: 'psychologist', path: '/api/notices', body: noticeInput(pupil), count: () => w.count('SELECT count(*) AS n FROM notices WHERE student_id = $1', [pupil]) };
    },
  },
  {
    route: 'POST /api/notices/{id}/acknowledge',
    prepare: async (w) => {
      const id = await notice(w, true);
      expect((await w.t.call('GET', `/api/notices/${id}`, { token: w.tok.parent2 })).status).toBe(200);
      return { who: 'parent2', path: `/api/notices/${id}/acknowledge`, body: ack(), count: audits(w, id, 'acknowledged') };
    },
  },
  {
    route: 'POST /api/notices/{id}/approve',
    prepare: async (w) => {
      const id = await notice(w, false);
      return { who: 'leader', path: `/api/notices/${id}/approve`, body: {}, count: audits(w, id, 'approved') };
    },
  },
  {
    route: 'POST /api/notices/{id}/reject',
    prepare: async (w) => {
      const id = await notice(w, false);
      return { who: 'leader', path: `/api/notices/${id}/reject`, body: { reason: '观察描述里的日期需要再核对' }, count: audits(w, id, 'rejected') };
    },
  },
  {
    route: 'POST /api/notices/{id}/close',
    prepare: async (w) => {
      const id = await notice(w, true);
      return { who: 'psychologist', path: `/api/notices/${id}/close`, body: {}, count: audits(w, id, 'closed') };
    },
  },
  {
    route: 'POST /api/notices/{id}/remind',
    prepare: async (w) => {
      const id = await notice(w, true);
      return { who: 'head_teacher', path: `/api/notices/${id}/remind`, body: {}, count: audits(w, id, 'reminded') };
    },
  },
  {
    route: 'POST /api/me/children/{studentId}/unbind',
    prepare: async (w) => {
      const pupil = await w.student('李子轩');
      const count = () => w.count(`SELECT count(*) AS n FROM audit_log WHERE action = 'guardian_unbound' AND details ->> 'studentId' = $1`, [pupil]);
      return { who: 'parent', path: `/api/me/children/${pupil}/unbind`, body: {}, count };
    },
  },
  {
    route: 'POST /api/notice-tasks/{id}/done',
    prepare: async (w) => {
      const id = await notice(w, true);
      await runDueJobs(w.t.deps, at(49));
      w.t.setNow(at(49));
      const [task] = await w.t.db.query<{ id: string }>(`SELECT id FROM notice_tasks WHERE notice_id = $1 AND kind = 'call_guardian'`, [id]);
      return { who: 'head_teacher', path: `/api/notice-tasks/${task!.id}/done`, body: { outcome: 'reached' }, count: audits(w, id, 'task_done') };
    },
  },
  {
    route: 'POST /api/referrals/{id}/close',
    prepare: async (w) => {
      const id = await notice(w, true);
      await w.t.call('GET', `/api/notices/${id}`, { token: w.tok.parent2 });
      const acked = await w.t.call('POST', `/api/notices/${id}/acknowledge`, { token: w.tok.parent2, body: ack() });
      expect(acked.status).toBe(200);
      const [referral] = await w.t.db.query<{ id: string }>('SELECT id FROM referrals WHERE notice_id = $1', [id]);
      return { who: 'psychologist', path: `/api/referrals/${referral!.id}/close`, body: { outcome: 'visited' }, count: audits(w, id, 'referral_closed') };
    },
  },
  {
    route: 'POST /api/admin/regions',
    prepare: async (w) => ({
      who: 'admin', path: '/api/admin/regions', body: { code: '140109', name: '万柏林区', level: 'district', parentId: w.id.taiyuan },
      count: () => w.count(`SELECT count(*) AS n FROM regions WHERE code = '140109'`),
    }),
  },
  {
    route: 'POST /api/admin/schools',
    prepare: async (w) => ({
      who: 'admin', path: '/api/admin/schools', body: { name: '小店区幂等实验小学', regionId: w.id.xiaodian, stages: ['primary'] },
      count: () => w.count(`SELECT count(*) AS n FROM schools WHERE name = '小店区幂等实验小学'`),
    }),
  },
  {
    route: 'POST /api/admin/stations',
    prepare: async (w) => ({
      who: 'admin', path: '/api/admin/stations', body: { name: '幂等社区家庭教育指导服务站', kind: 'guidance_station', regionId: w.id.xiaodian, schoolId: null, address: '小店区示例路 2 号' },
      count: () => w.count(`SELECT count(*) AS n FROM stations WHERE name = '幂等社区家庭教育指导服务站'`),
    }),
  },
  {
    route: 'POST /api/imports',
    prepare: async (w) => {
      const csv = '学号,姓名,年级,班级,学段,监护人1关系,监护人1手机号\nIDEM001,幂等学生,五年级,五年级（9）班,小学,母亲,13800138009\n';
      return {
        who: 'psychologist', path: '/api/imports', body: { kind: 'pupils', schoolId: w.id.yuying, fileName: '名单.csv', dataBase64: Buffer.from(csv).toString('base64') },
        count: () => w.count(`SELECT count(*) AS n FROM students WHERE school_no = 'IDEM001'`),
      };
    },
  },
  {
    route: 'POST /api/reports/closures',
    prepare: async (w) => ({
      who: 'federation', path: '/api/reports/closures', body: { regionId: w.id.taiyuan, period: '2026-09' },
      count: () => w.count('SELECT count(*) AS n FROM report_closures WHERE region_id = $1', [w.id.taiyuan]),
    }),
  },
  {
    route: 'POST /api/courses/{id}/quiz',
    prepare: async (w) => ({
      who: 'parent', path: `/api/courses/${w.id.course}/quiz`,
      // The options of the served quiz, by id: the first of each (options are shuffled per request, ids are stable).
      body: { answers: (await w.t.call('GET', `/api/courses/${w.id.course}/quiz`, { token: w.tok.parent })).body.questions.map((q: { id: string; options: { id: string }[] }) => ({ questionId: q.id, optionId: q.options[0]!.id })) },
      count: () => w.count('SELECT count(*) AS n FROM quiz_attempts WHERE course_id = $1', [w.id.course]),
    }),
  },
];

const replayed = (res: { headers: Headers }) => res.headers.get('idempotent-replayed') === 'true';

test('every idempotent route has a case here; the OpenAPI document lists the header on exactly those operations', async () => {
  const idempotent = ROUTES.filter((r) => r.idempotent).map((r) => `${r.method.toUpperCase()} ${r.path}`).sort();
  expect(CASES.map((c) => c.route).sort()).toEqual(idempotent);
  expect(idempotent).not.toContain('POST /api/progress');
  expect(idempotent.filter((r) => r.startsWith('POST /api/auth/'))).toEqual([]);
  const t = await testApp({ seed: false });
  try {
    const doc = (await t.call('GET', '/api/openapi.json')).body as { paths: Record<string, Record<string, { parameters: { name: string; in: string }[]; responses: Record<string, unknown> }>> };
    const withHeader = Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops)
      .filter(([, op]) => op.parameters.some((p) => p.in === 'header' && p.name === 'Idempotency-Key'))
      .map(([method]) => `${method.toUpperCase()} ${path}`));
    expect(withHeader.sort()).toEqual(idempotent);
    expect(Object.keys(doc.paths['/api/notices']!.post!.responses)).toEqual(expect.arrayContaining(['409', '422']));
  } finally {
    await t.close();
  }
});

function suite(driver: string, open: () => Promise<Database | null>): void {
  describeOn(driver)(`Idempotency-Key on creates and submits (${driver})`, () => {
    let w: World;
    let pg: Database | null = null;
    beforeAll(async () => {
      pg = await open();
      w = await world(pg);
    }, 120_000);
    afterAll(async () => {
      if (w) await w.t.close();
      if (pg) await pg.close();
    });
    beforeEach(() => w.t.setNow(start));

    test.each(CASES)('$route: two identical requests at once with one key make one row and get the same answer; a later repeat is replayed', async ({ route, prepare }) => {
      const req = await prepare(w);
      const method = route.split(' ')[0]!;
      const key = newKey();
      const send = () => w.t.call(method, req.path, { token: w.tok[req.who], body: req.body, headers: { 'Idempotency-Key': key } });
      const before = await req.count();
      const [a, b] = await Promise.all([send(), send()]);
      expect(a.status < 300 ? 'ok' : a.body).toBe('ok');
      expect(b.status).toBe(a.status);
      expect(b.body).toEqual(a.body);
      expect([a, b].filter(replayed)).toHaveLength(1);
      expect(await req.count()).toBe(before + 1);

      const again = await send();
      expect({ status: again.status, body: again.body, replayed: replayed(again) }).toEqual({ status: a.status, body: a.body, replayed: true });
      expect(await req.count()).toBe(before + 1);
      const [row] = await w.t.db.query<{ state: string; status: number }>('SELECT state, status FROM idempotency_keys WHERE key = $1', [key]);
      expect(row).toEqual({ state: 'done', status: a.status });
    });

    test('the same key with a different body is refused (IDEMPOTENCY_KEY_REUSED, 422), at once and while the first is running', async () => {
      const key = newKey();
      const pupil = await w.student('孙浩然');
      const first = await w.t.call('POST', '/api/notices', { token: w.tok.psychologist, body: noticeInput(pupil), headers: { 'Idempotency-Key': key } });
      expect(first.status).toBe(201);
      const other = await w.t.call('POST', '/api/notices', { token: w.tok.psychologist, body: noticeInput(pupil, { level: 'school' }), headers: { 'Idempotency-Key': key } });
      expect(other.status).toBe(422);
      expect(other.body.error).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', message: '这次提交与之前的提交内容不同，请刷新页面后重新填写提交' });
      const elsewhere = await w.t.call('POST', '/api/events', { token: w.tok.psychologist, body: eventInput(w, { host: { type: 'school', id: w.id.yuying } }), headers: { 'Idempotency-Key': key } });
      expect(elsewhere.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');

      const racing = newKey();
      const before = await w.count('SELECT count(*) AS n FROM events');
      const [x, y] = await Promise.all([
        w.t.call('POST', '/api/events', { token: w.tok.station, body: eventInput(w), headers: { 'Idempotency-Key': racing } }),
        w.t.call('POST', '/api/events', { token: w.tok.station, body: eventInput(w), headers: { 'Idempotency-Key': racing } }),
      ]);
      expect([x.status, y.status].sort()).toEqual([201, 422]);
      expect(await w.count('SELECT count(*) AS n FROM events')).toBe(before + 1);
    });

    test('a request that fails (validation or the handler) keeps no key: the corrected request with the same key runs', async () => {
      const key = newKey();
      const headers = { 'Idempotency-Key': key };
      const before = await w.count('SELECT count(*) AS n FROM events');
      const invalid = await w.t.call('POST', '/api/events', { token: w.tok.station, body: { ...eventInput(w), capacity: 0 }, headers });
      expect(invalid.status).toBe(400);
      const past = await w.t.call('POST', '/api/events', { token: w.tok.station, body: eventInput(w, { startsAt: at(-1).toISOString() }), headers });
      expect(past.status).toBe(400);
      expect(await w.count('SELECT count(*) AS n FROM idempotency_keys WHERE key = $1', [key])).toBe(0);
      const fixed = await w.t.call('POST', '/api/events', { token: w.tok.station, body: eventInput(w), headers });
      expect(fixed.status).toBe(201);
      expect(replayed(fixed)).toBe(false);
      expect(await w.count('SELECT count(*) AS n FROM events')).toBe(before + 1);

      const noGuardian = newKey();
      const unbound = await w.t.call('POST', '/api/notices', { token: w.tok.psychologist, body: noticeInput(await w.student('吴思远')), headers: { 'Idempotency-Key': noGuardian } });
      expect(unbound.body.error.code).toBe('NO_GUARDIANS');
      const retried = await w.t.call('POST', '/api/notices', { token: w.tok.psychologist, body: noticeInput(await w.student('孙浩然')), headers: { 'Idempotency-Key': noGuardian } });
      expect(retried.status).toBe(201);
    });

    test('a malformed key is refused with the header named; without a key the route behaves as before; keys are per user', async () => {
      for (const bad of ['short', 'x'.repeat(101), 'has space in it', 'semi;colon;key', 'dots.are.not.allowed']) {
        const res = await w.t.call('POST', '/api/events', { token: w.tok.station, body: eventInput(w), headers: { 'Idempotency-Key': bad } });
        expect({ bad, status: res.status, error: res.body.error?.code, details: res.body.error?.details }).toEqual({
          bad, status: 400, error: 'VALIDATION_FAILED', details: [{ path: 'header.Idempotency-Key', message: expect.any(String) }],
        });
      }
      const keys = await w.count('SELECT count(*) AS n FROM idempotency_keys');
      const body = eventInput(w);
      const plain = [await w.t.call('POST', '/api/events', { token: w.tok.station, body }), await w.t.call('POST', '/api/events', { token: w.tok.station, body })];
      expect(plain.map((r) => r.status)).toEqual([201, 201]);
      expect(plain.some(replayed)).toBe(false);
      expect(await w.count('SELECT count(*) AS n FROM events WHERE title = $1', [body.title])).toBe(2);
      expect(await w.count('SELECT count(*) AS n FROM idempotency_keys')).toBe(keys);
      const ignored = await w.t.call('POST', `/api/courses/${w.id.course}/enroll`, { token: w.tok.parent, body: {}, headers: { 'Idempotency-Key': 'bad' } });
      expect(ignored.status).toBe(200);

      const shared = newKey();
      const student = { name: `同键${made}`, grade: '二年级', className: '1班', stage: 'primary' };
      for (const who of ['leader', 'psychologist']) {
        const res = await w.t.call('POST', `/api/schools/${w.id.yuying}/students`, { token: w.tok[who], body: student, headers: { 'Idempotency-Key': shared } });
        expect({ who, status: res.status, replayed: replayed(res) }).toEqual({ who, status: 201, replayed: false });
      }
      expect(await w.count('SELECT count(*) AS n FROM students WHERE name = $1', [student.name])).toBe(2);
    });

    test('the store: a key still running answers REQUEST_IN_PROGRESS after the wait; a failed first run lets a waiting repeat run', async () => {
      const store = createIdempotencyStore({ db: w.t.db, clock: w.t.deps.clock, log: silentLogger }, { pollMs: 5, waitMs: 150 });
      const [{ id: user }] = await w.t.db.query<{ id: string }>(`SELECT id FROM users WHERE dev_identity = 'parent'`);
      const print = requestFingerprint('POST', '/api/x', '{}');
      let release: (a: StoredAnswer) => void = () => undefined;
      const slow = newKey();
      const first = store.run(user!, slow, print, () => new Promise<StoredAnswer>((resolve) => { release = resolve; }));
      await new Promise((r) => setTimeout(r, 20));
      await expect(store.run(user!, slow, print, async () => ({ status: 201, body: { n: 2 } }))).rejects.toMatchObject({ code: 'REQUEST_IN_PROGRESS', status: 409 });
      const waiting = store.run(user!, slow, print, async () => ({ status: 201, body: { n: 3 } }));
      release({ status: 201, body: { n: 1 } });
      expect(await first).toEqual({ replayed: false, answer: { status: 201, body: { n: 1 } } });
      expect(await waiting).toEqual({ replayed: true, answer: { status: 201, body: { n: 1 } } });

      const failing = newKey();
      let fail: (e: Error) => void = () => undefined;
      const broken = store.run(user!, failing, print, () => new Promise<StoredAnswer>((_resolve, reject) => { fail = reject; }));
      await new Promise((r) => setTimeout(r, 20));
      const takeover = store.run(user!, failing, print, async () => ({ status: 200, body: { second: true } }));
      await new Promise((r) => setTimeout(r, 20));
      fail(new Error('boom'));
      await expect(broken).rejects.toThrow('boom');
      expect(await takeover).toEqual({ replayed: false, answer: { status: 200, body: { second: true } } });
    });

    test('runDueJobs forgets keys older than a day', async () => {
      const old = newKey();
      const fresh = newKey();
      w.t.setNow(at(100));
      await w.t.call('POST', `/api/schools/${w.id.yuying}/students`, { token: w.tok.leader, body: { name: `旧键${made}`, grade: '一年级', className: '2班', stage: 'primary' }, headers: { 'Idempotency-Key': old } });
      w.t.setNow(at(120));
      await w.t.call('POST', `/api/schools/${w.id.yuying}/students`, { token: w.tok.leader, body: { name: `新键${made}`, grade: '一年级', className: '2班', stage: 'primary' }, headers: { 'Idempotency-Key': fresh } });
      const left = (key: string) => w.count('SELECT count(*) AS n FROM idempotency_keys WHERE key = $1', [key]);
      expect([await left(old), await left(fresh)]).toEqual([1, 1]);
      const report = await runDueJobs(w.t.deps, at(124.5));
      expect(report.pruneIdempotencyKeys).toBeGreaterThanOrEqual(1);
      expect([await left(old), await left(fresh)]).toEqual([0, 1]);
      expect(await w.count('SELECT count(*) AS n FROM idempotency_keys WHERE created_at < $1', [at(100.5)])).toBe(0);
    });
  });
}

suite('PGlite', async () => null);
suite('PostgreSQL', () => scratchPostgres(8));
