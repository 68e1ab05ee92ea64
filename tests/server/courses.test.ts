import { randomUUID } from 'node:crypto';
import type { CourseContent, ProgressStatementInput } from '../../types';
import { testApp, type TestApp } from '../helpers/app';
import { scratchPostgres } from '../helpers/db';

const COURSE: CourseContent = {
  slug: 'test-anxiety-junior',
  title: '读懂初中孩子的焦虑',
  summary: '识别焦虑信号，学会开口和求助。',
  module: 'abnormal_awareness',
  stages: ['junior'],
  lessons: [
    { slug: 'signs', title: '焦虑的信号', kind: 'video', durationSeconds: 120, media: 'abnormal_awareness.mp4', body: ['睡眠、食欲、情绪的变化持续两周以上，值得留意。'] },
    { slug: 'talk', title: '怎样开口', kind: 'audio', durationSeconds: 60, media: 'abnormal_awareness.m4a', body: ['先倾听，不评判。'] },
    { slug: 'help', title: '何时求助', kind: 'article', durationSeconds: 100, body: ['联系学校心理教师；需要时拨打 12356。'] },
  ],
  quiz: {
    passMark: 100,
    questions: [
      { prompt: '孩子情绪低落多久需要留意？', options: ['一天', '两周以上', '一小时'], answer: 1, explanation: '持续两周以上的变化需要关注。' },
      { prompt: '开口时首先应该？', options: ['批评', '倾听', '比较'], answer: 1, explanation: '先倾听，不评判。' },
    ],
  },
};

let t: TestApp;
let admin: string;
let parent: string;
let courseId: string;
let lessons: { id: string; slug: string }[];
const now = new Date('2026-11-23T08:00:00Z');

const at = (secondsFromStart: number) => new Date(now.getTime() + secondsFromStart * 1000);
const statement = (lessonId: string, over: Partial<ProgressStatementInput> = {}): ProgressStatementInput => ({
  id: randomUUID(), lessonId, verb: 'played', segments: [], position: 0, timestamp: t.deps.clock().toISOString(), ...over,
});
const send = (token: string, statements: ProgressStatementInput[]) => t.call('POST', '/api/progress', { token, body: { statements } });
const lessonId = (slug: string) => lessons.find((l) => l.slug === slug)!.id;

beforeAll(async () => {
  t = await testApp();
  t.setNow(now);
  admin = await t.login('admin');
  parent = await t.login('parent');
  const published = await t.call('POST', '/api/admin/courses', { token: admin, body: COURSE });
  expect(published.status).toBe(201);
  courseId = published.body.course.id;
  lessons = published.body.lessons;
});
afterAll(() => t.close());

describe('publishing courses', () => {
  test('only administrators publish; bad content is refused with the field named', async () => {
    expect((await t.call('POST', '/api/admin/courses', { token: parent, body: COURSE })).status).toBe(403);
    const bad = await t.call('POST', '/api/admin/courses', { token: admin, body: { ...COURSE, module: 'astrology', lessons: [] } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['body.lessons', 'body.module']);
    const noMedia = await t.call('POST', '/api/admin/courses', { token: admin, body: { ...COURSE, slug: 'x-y', lessons: [{ ...COURSE.lessons[0], media: undefined }] } });
    expect(noMedia.body.error.message).toBe('音频、视频课时须有媒体文件：signs');
  });

  test('republishing by slug keeps lesson ids', async () => {
    const again = await t.call('POST', '/api/admin/courses', { token: admin, body: { ...COURSE, title: '读懂初中孩子的焦虑（修订）' } });
    expect(again.body.course.id).toBe(courseId);
    expect(again.body.lessons.map((l: { id: string }) => l.id)).toEqual(lessons.map((l) => l.id));
    expect(again.body.course.title).toBe('读懂初中孩子的焦虑（修订）');
  });
});

describe('the catalogue', () => {
  test("filters by module, stage and keyword; knows the parent's children's stages", async () => {
    const res = await t.call('GET', '/api/courses?stage=junior&module=abnormal_awareness', { token: parent });
    expect(res.status).toBe(200);
    expect(res.body.myStages).toEqual(['primary', 'junior']);
    expect(res.body.courses).toEqual([expect.objectContaining({ id: courseId, lessonCount: 3, durationSeconds: 280, hasQuiz: true, mine: null })]);
    expect((await t.call('GET', '/api/courses?stage=preschool', { token: parent })).body.courses).toEqual([]);
    expect((await t.call('GET', `/api/courses?q=${encodeURIComponent('焦虑')}`, { token: parent })).body.courses).toHaveLength(1);
    expect((await t.call('GET', `/api/courses?q=${encodeURIComponent('%')}`, { token: parent })).body.courses).toHaveLength(0);
    expect((await t.call('GET', '/api/courses?stage=kindergarten', { token: parent })).status).toBe(400);
  });

  test('a lesson of 心理异常认知 carries the safety card and links to the next lesson', async () => {
    const res = await t.call('GET', `/api/lessons/${lessonId('signs')}`, { token: parent });
    expect(res.body).toMatchObject({ courseId, mediaUrl: '/media/abnormal_awareness.mp4', nextLessonId: lessonId('talk'), lesson: { safetyCard: true, progress: null } });
  });
});

describe("the school psychology teacher's contact on the safety card", () => {
  const schoolId = async (name: string) => (await t.db.query<{ id: string }>('SELECT id FROM schools WHERE name = $1', [name]))[0].id;
  const contactsOf = async (token: string) => (await t.call('GET', `/api/lessons/${lessonId('signs')}`, { token })).body.schoolContacts;

  test("an administrator sets it; a parent sees only their children's schools' contacts", async () => {
    expect((await contactsOf(parent)).map((c: { schoolName: string }) => c.schoolName)).toEqual(['小店区育英小学', '小店区第二实验中学']);
    const courseId = (await t.call('GET', `/api/lessons/${lessonId('signs')}`, { token: parent })).body.courseId;
    const detail = (await t.call('GET', `/api/courses/${courseId}`, { token: parent })).body;
    expect(detail.schoolContacts.map((c: { schoolName: string }) => c.schoolName)).toEqual(['小店区育英小学', '小店区第二实验中学']);
    const mingde = await schoolId('杏花岭区明德中学');
    const yuying = await schoolId('小店区育英小学');
    const set = await t.call('PUT', `/api/admin/schools/${mingde}/psych-contact`, { token: admin, body: { contact: { name: '赵老师', phone: '0351-0000303', officeHours: '' } } });
    expect(set.status).toBe(200);
    expect(set.body).toEqual({ schoolId: mingde, contact: { name: '赵老师', phone: '0351-0000303', officeHours: '' } });
    await t.call('PUT', `/api/admin/schools/${yuying}/psych-contact`, { token: admin, body: { contact: { name: ' 王老师 ', phone: '0351-0000111', officeHours: '周三下午' } } });
    await t.call('PUT', `/api/admin/schools/${await schoolId('小店区第二实验中学')}/psych-contact`, { token: admin, body: { contact: null } });
    expect(await contactsOf(parent)).toEqual([{ schoolId: yuying, schoolName: '小店区育英小学', contact: { name: '王老师', phone: '0351-0000111', officeHours: '周三下午' } }]);
    expect(await contactsOf(await t.login('newcomer'))).toEqual([]);
  });

  test('only administrators set it; a bad phone number or an unknown school is refused', async () => {
    const yuying = await schoolId('小店区育英小学');
    const body = { contact: { name: '王老师', phone: '0351-0000111', officeHours: '' } };
    expect((await t.call('PUT', `/api/admin/schools/${yuying}/psych-contact`, { token: parent, body })).status).toBe(403);
    const bad = await t.call('PUT', `/api/admin/schools/${yuying}/psych-contact`, { token: admin, body: { contact: { ...body.contact, phone: '请拨打' } } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual([{ path: 'body.contact.phone', message: '电话号码格式不正确' }]);
    const unknown = await t.call('PUT', '/api/admin/schools/00000000-0000-4000-8000-000000000000/psych-contact', { token: admin, body });
    expect(unknown.status).toBe(404);
  });
});

describe('progress: honest viewers get credit, skippers and forgers do not', () => {
  test('progress before joining the course is refused per statement', async () => {
    const res = await send(parent, [statement(lessonId('signs'), { segments: [[0, 10]], position: 10 })]);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ accepted: 0, rejected: [expect.objectContaining({ code: 'NOT_ENROLLED' })] });
  });

  test('an honest viewer reporting every 15 s completes the video at 90%, and resumes where they left off', async () => {
    const enrolled = await t.call('POST', `/api/courses/${courseId}/enroll`, { token: parent, body: {} });
    expect(enrolled.body.course.mine).toMatchObject({ completedLessons: 0, completedAt: null });
    const video = lessonId('signs');
    let last;
    for (let s = 15; s <= 60; s += 15) {
      t.setNow(at(s));
      last = await send(parent, [statement(video, { segments: [[s - 15, s]], position: s })]);
    }
    expect(last!.body.lessons[0].progress).toMatchObject({ position: 60, creditedSeconds: 60, completed: false, segments: [[0, 60]] });
    const resume = await t.call('GET', `/api/lessons/${video}`, { token: parent });
    expect(resume.body.lesson.progress.position).toBe(60);
    for (let s = 75; s <= 105; s += 15) {
      t.setNow(at(s));
      last = await send(parent, [statement(video, { segments: [[s - 15, s]], position: s })]);
    }
    expect(last!.body.lessons[0].progress).toMatchObject({ creditedSeconds: 105, completed: false });
    t.setNow(at(110));
    last = await send(parent, [statement(video, { segments: [[105, 108]], position: 108 })]);
    expect(last.body.lessons[0].progress).toMatchObject({ creditedSeconds: 108, completed: true });
  });

  test('a replayed statement is stored once and credits nothing twice', async () => {
    const audio = lessonId('talk');
    t.setNow(at(130));
    const st = statement(audio, { segments: [[0, 20]], position: 20 });
    const first = await send(parent, [st]);
    const again = await send(parent, [st, st]);
    expect(first.body).toMatchObject({ accepted: 1, duplicates: 0 });
    expect(again.body).toMatchObject({ accepted: 0, duplicates: 2, lessons: [{ lessonId: audio, progress: { creditedSeconds: 20 } }] });
    const lesson = await t.call('GET', `/api/lessons/${audio}`, { token: parent });
    expect(lesson.body.lesson.progress.creditedSeconds).toBe(20);
  });

  test('overlapping segments are merged; out of range, negative and future statements are refused', async () => {
    const audio = lessonId('talk');
    t.setNow(at(160));
    const merged = await send(parent, [statement(audio, { segments: [[10, 30], [25, 40], [15, 20]], position: 40 })]);
    expect(merged.body.lessons[0].progress).toMatchObject({ creditedSeconds: 40, segments: [[0, 40]] });
    const beyond = await send(parent, [statement(audio, { segments: [[40, 90]], position: 90 })]);
    expect(beyond.body.rejected[0].code).toBe('SEGMENT_OUT_OF_RANGE');
    const negative = await send(parent, [statement(audio, { segments: [[-5, 10]] })]);
    expect(negative.status).toBe(400);
    expect(negative.body.error.code).toBe('VALIDATION_FAILED');
    const backwards = await send(parent, [statement(audio, { segments: [[20, 10]] })]);
    expect(backwards.status).toBe(400);
    const future = await send(parent, [statement(audio, { segments: [[40, 45]], timestamp: at(3600).toISOString() })]);
    expect(future.body.rejected[0].code).toBe('STATEMENT_FROM_FUTURE');
    const unknown = await send(parent, [statement('00000000-0000-4000-8000-000000000000', { segments: [[0, 1]] })]);
    expect(unknown.body.rejected[0].code).toBe('NOT_FOUND');
  });

  test('a skipper who jumps to the end gets only what they played; a forged full segment is refused', async () => {
    const other = await t.login('newcomer');
    await t.call('POST', '/api/me/privacy-consent', { token: other, body: { version: '2026.12' } });
    t.setNow(at(200));
    await t.call('POST', `/api/courses/${courseId}/enroll`, { token: other, body: {} });
    t.setNow(at(210));
    const skip = await send(other, [statement(lessonId('signs'), { segments: [[0, 3], [117, 120]], position: 120 })]);
    expect(skip.body.lessons[0].progress).toMatchObject({ creditedSeconds: 6, completed: false });
    const forged = await send(other, [statement(lessonId('signs'), { segments: [[0, 120]], position: 120 })]);
    expect(forged.body).toMatchObject({ accepted: 0, rejected: [expect.objectContaining({ code: 'IMPLAUSIBLE_PROGRESS' })] });
    const detail = await t.call('GET', `/api/courses/${courseId}`, { token: other });
    expect(detail.body.lessons[0].progress.completed).toBe(false);
  });

  test('statements queued offline and replayed later in one batch are all credited', async () => {
    const late = await t.login('psychologist');
    t.setNow(at(300));
    await t.call('POST', `/api/courses/${courseId}/enroll`, { token: late, body: {} });
    const audio = lessonId('talk');
    // Opened online, then played offline: the budget runs from the opening, on the server's clock.
    await t.call('GET', `/api/lessons/${audio}`, { token: late });
    const queued = [15, 30, 45, 60].map((s) => statement(audio, { segments: [[s - 15, s]], position: s, timestamp: at(300 + s).toISOString() }));
    t.setNow(at(900));
    const res = await send(late, queued);
    expect(res.body).toMatchObject({ accepted: 4, rejected: [] });
    expect(res.body.lessons[0].progress).toMatchObject({ creditedSeconds: 60, completed: true });
  });
});

describe('articles, the quiz and the certificate', () => {
  test('an article counts as read only after a plausible reading time', async () => {
    const article = lessonId('help');
    t.setNow(at(2940));
    await t.call('GET', `/api/lessons/${article}`, { token: parent });
    t.setNow(at(3000));
    const read = await send(parent, [statement(article, { verb: 'read' })]);
    expect(read.body.lessons[0].progress).toMatchObject({ completed: true, creditedSeconds: 100 });
    const fresh = await t.login('head_teacher');
    await t.call('POST', `/api/courses/${courseId}/enroll`, { token: fresh, body: {} });
    const tooFast = await send(fresh, [statement(article, { verb: 'read' })]);
    expect(tooFast.body.rejected[0].code).toBe('IMPLAUSIBLE_PROGRESS');
  });

  test('the quiz waits for every lesson; a failed attempt names the wrong question; a pass explains and completes the course with a certificate anyone can verify', async () => {
    const early = await t.call('POST', `/api/courses/${courseId}/quiz`, { token: parent, body: { answers: [{ questionId: randomUUID(), optionId: 'x' }] } });
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('LESSONS_INCOMPLETE');
    t.setNow(at(3100));
    await send(parent, [statement(lessonId('talk'), { segments: [[40, 60]], position: 60 })]);

    const quiz = await t.call('GET', `/api/courses/${courseId}/quiz`, { token: parent });
    expect(quiz.body.questions).toHaveLength(2);
    expect(JSON.stringify(quiz.body)).not.toContain('explanation');
    // The chosen option of each question by its index in the content, sent by id.
    const pick = (indexes: number[]) => quiz.body.questions.map((q: { id: string; options: { id: string; text: string }[] }, qi: number) => (
      { questionId: q.id, optionId: q.options.find((o) => o.text === COURSE.quiz!.questions[qi].options[indexes[qi]])!.id }
    ));
    const wrongCount = await t.call('POST', `/api/courses/${courseId}/quiz`, { token: parent, body: { answers: pick([1, 1]).slice(0, 1) } });
    expect(wrongCount.body.error.message).toBe('请回答全部 2 道题');
    const failed = await t.call('POST', `/api/courses/${courseId}/quiz`, { token: parent, body: { answers: pick([1, 0]) } });
    expect(failed.body).toMatchObject({ score: 50, passed: false, attempts: 1, certificate: null, wrongQuestionIds: [quiz.body.questions[1].id], review: null });
    expect(JSON.stringify(failed.body)).not.toContain('先倾听，不评判。');
    const passed = await t.call('POST', `/api/courses/${courseId}/quiz`, { token: parent, body: { answers: pick([1, 1]) } });
    expect(passed.body).toMatchObject({ score: 100, passed: true, attempts: 2 });
    expect(passed.body.review[1]).toMatchObject({ correctOptionId: pick([1, 1])[1].optionId, explanation: '先倾听，不评判。' });
    const cert = passed.body.certificate;
    expect(cert).toMatchObject({ displayName: '张敏', courseTitle: '读懂初中孩子的焦虑（修订）', module: 'abnormal_awareness' });
    expect(cert.code).toMatch(/^[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}$/);

    const verified = await t.call('GET', `/api/certificates/${cert.code.toLowerCase().replace(/-/g, '')}`);
    expect(verified.body).toEqual({ valid: true, certificate: cert });
    expect((await t.call('GET', '/api/certificates/AAAA-BBBB-CCCC')).body).toEqual({ valid: false, certificate: null });

    const learning = await t.call('GET', '/api/me/learning', { token: parent });
    expect(learning.body.completed).toEqual([expect.objectContaining({ id: courseId, certificate: cert })]);
    expect(learning.body).toMatchObject({ inProgress: [], completedLessons: 3, totalSeconds: 108 + 60 + 100 });
    const again = await t.call('POST', `/api/courses/${courseId}/quiz`, { token: parent, body: { answers: pick([1, 1]) } });
    expect(again.body.certificate).toBeNull();
    expect((await t.call('GET', `/api/courses/${courseId}`, { token: parent })).body.certificate.code).toBe(cert.code);
  });

  test('every statement carries the context of the parent’s children’s schools and regions', async () => {
    const rows = await t.db.query<{ context: { schools: string[]; regions: string[] } }>(
      "SELECT s.context FROM learning_statements s JOIN users u ON u.id = s.user_id WHERE u.dev_identity = 'parent' AND s.object_type = 'lesson' LIMIT 1",
    );
    expect(rows[0].context.schools).toHaveLength(2);
    expect(rows[0].context.regions).toHaveLength(1);
  });
});

describe('xAPI export', () => {
  test("a parent exports their own statements as xAPI, with the video profile's played segments, page by page", async () => {
    const first = await t.call('GET', '/api/me/statements?limit=3', { token: parent });
    expect(first.status).toBe(200);
    expect(first.body.statements).toHaveLength(3);
    const s = first.body.statements[0];
    expect(s).toMatchObject({
      actor: { objectType: 'Agent', account: { homePage: 'https://xinqiao.app' } },
      verb: { id: 'https://w3id.org/xapi/video/verbs/played' },
      object: { objectType: 'Activity', id: `https://xinqiao.app/activities/lesson/${lessonId('signs')}` },
      result: { extensions: { 'https://w3id.org/xapi/video/extensions/played-segments': '0[.]15' } },
    });
    let all = [...first.body.statements];
    let more = first.body.more;
    while (more) {
      const page = await t.call('GET', `/api/me/statements?limit=3&after=${more}`, { token: parent });
      all = all.concat(page.body.statements);
      more = page.body.more;
    }
    expect(new Set(all.map((x) => x.id)).size).toBe(all.length);
    expect(all.some((x) => x.verb.id === 'http://adlnet.gov/expapi/verbs/completed' && x.result.completion === true)).toBe(true);
    const mine = new Set(all.map((x) => x.actor.account.name));
    expect(mine.size).toBe(1);
  });

  test('the full export is for administrators only', async () => {
    expect((await t.call('GET', '/api/admin/statements', { token: parent })).status).toBe(403);
    const res = await t.call('GET', '/api/admin/statements?limit=1000', { token: admin });
    expect(new Set(res.body.statements.map((x: { actor: { account: { name: string } } }) => x.actor.account.name)).size).toBeGreaterThan(1);
    expect(JSON.stringify(res.body)).not.toContain('张敏');
  });
});

describe('a course without a quiz', () => {
  test('completes, with a certificate, when its last lesson is completed by progress alone', async () => {
    const noQuiz: CourseContent = { ...COURSE, slug: 'no-quiz-junior', title: '没有测验的课程', quiz: undefined, lessons: [COURSE.lessons[1]] };
    const published = await t.call('POST', '/api/admin/courses', { token: admin, body: noQuiz });
    const id = published.body.course.id;
    const audio = published.body.lessons[0].id;
    const tok = await t.login('station');
    t.setNow(at(7000));
    await t.call('POST', `/api/courses/${id}/enroll`, { token: tok, body: {} });
    await t.call('GET', `/api/lessons/${audio}`, { token: tok });
    t.setNow(at(7060));
    const res = await send(tok, [statement(audio, { segments: [[0, 60]], position: 60 })]);
    expect(res.body.lessons[0].progress).toMatchObject({ creditedSeconds: 60, completed: true });
    const detail = await t.call('GET', `/api/courses/${id}`, { token: tok });
    expect(detail.body.course.mine.completedAt).not.toBeNull();
    expect(detail.body.certificate).toMatchObject({ courseTitle: '没有测验的课程' });
    const again = await send(tok, [statement(audio, { segments: [[0, 60]], position: 60 })]);
    expect(again.body.accepted).toBe(1);
    const certs = await t.db.query('SELECT 1 FROM certificates c JOIN users u ON u.id = c.user_id WHERE u.dev_identity = $1 AND c.course_id = $2', ['station', id]);
    expect(certs).toHaveLength(1);
  });
});

describe('concurrent reports (on PostgreSQL when DATABASE_URL is set: PGlite runs one transaction at a time)', () => {
  test('three requests for the same lesson at once all count: no segment is lost to a race', async () => {
    const pg = await scratchPostgres(8);
    const main = t;
    if (pg) {
      t = await testApp({ db: pg });
      t.setNow(now);
      const published = await t.call('POST', '/api/admin/courses', { token: await t.login('admin'), body: COURSE });
      courseId = published.body.course.id;
      lessons = published.body.lessons;
    }
    try {
      await concurrentReports();
    } finally {
      if (pg) {
        await pg.close();
        t = main;
      }
    }
  });
});

async function concurrentReports(): Promise<void> {
  {
    const tok = await t.login('leader');
    t.setNow(at(5000));
    await t.call('POST', `/api/courses/${courseId}/enroll`, { token: tok, body: {} });
    const video = lessonId('signs');
    await t.call('GET', `/api/lessons/${video}`, { token: tok });
    t.setNow(at(5200));
    const results = await Promise.all(
      [[0, 20], [40, 60], [80, 100]].map((seg, i) => send(tok, [statement(video, { segments: [seg as [number, number]], position: seg[1], timestamp: at(5030 + i * 30).toISOString() })])),
    );
    expect(results.every((r) => r.body.accepted === 1)).toBe(true);
    const lesson = await t.call('GET', `/api/lessons/${video}`, { token: tok });
    expect(lesson.body.lesson.progress).toMatchObject({ creditedSeconds: 60, segments: [[0, 20], [40, 60], [80, 100]] });
  }
}
