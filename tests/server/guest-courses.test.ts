// Guests browse the published catalogue and course outlines without logging in (issue 14): no per-user field in the
// answer, drafts and retired lessons stay hidden, and lesson content, quizzes and enrolment still need a login.
import type { CourseContent, CourseDetailOutput, CourseListOutput } from '../../types';
import { importCourses, readCourseFiles } from '../../src/server/domain/learning/content';
import type { Database } from '../../src/server/storage/db';
import { testApp, type TestApp } from '../helpers/app';
import { describeOn, scratchPostgres } from '../helpers/db';

const start = new Date('2026-11-23T08:00:00Z');
const SHIPPED = readCourseFiles();

/** A course the tests turn into a draft. */
const DRAFT: CourseContent = {
  slug: 'guest-draft-course', title: '尚未发布的草稿课程', summary: '编辑中的草稿。', module: 'mh_care', stages: ['primary'],
  lessons: [{ slug: 'one', title: '草稿课时', kind: 'article', durationSeconds: 60, body: ['草稿正文。'] }],
};

for (const driver of ['PGlite', 'PostgreSQL']) {
  describeOn(driver)(`guests read the catalogue (${driver})`, () => {
    let t: TestApp;
    let pg: Database | null = null;
    let parent: string;
    let courseId: string;
    let draftId: string;
    let certCode: string;

    beforeAll(async () => {
      pg = driver === 'PostgreSQL' ? await scratchPostgres(4) : null;
      t = await testApp(pg ? { db: pg } : {});
      t.setNow(start);
      await importCourses(t.db);
      const admin = await t.login('admin');
      const draft = await t.call('POST', '/api/admin/courses', { token: admin, body: DRAFT });
      expect(draft.status).toBe(201);
      draftId = draft.body.course.id;
      await t.db.query('UPDATE courses SET published = false WHERE id = $1', [draftId]);

      // 张敏 learns a 心理援助 course (whose lessons carry the safety card and her schools' contacts): every per-user
      // field of its outline is set for her, so a leak to a guest would show.
      parent = await t.login('parent');
      const list = await t.call('GET', '/api/courses?module=mh_aid&stage=primary', { token: parent });
      courseId = list.body.courses[0].id;
      expect((await t.call('POST', `/api/courses/${courseId}/enroll`, { token: parent, body: {} })).status).toBe(200);
      await t.db.query(
        `INSERT INTO lesson_progress (user_id, lesson_id, segments, credited_seconds, position, completed_at, updated_at)
         SELECT u.id, l.id, '[[0,30]]', 30, 30, NULL, $2 FROM users u, lessons l WHERE u.dev_identity = 'parent' AND l.course_id = $1`,
        [courseId, start],
      );
      await t.db.query(
        `INSERT INTO quiz_attempts (user_id, course_id, answers, score, passed, created_at)
         SELECT u.id, $1, '{0}', 0, false, $2 FROM users u WHERE u.dev_identity = 'parent'`,
        [courseId, start],
      );
      certCode = 'GUES-TCER-T234';
      await t.db.query(
        `INSERT INTO certificates (code, user_id, course_id, display_name, course_title, module, issued_at)
         SELECT $1, u.id, c.id, u.display_name, c.title, c.module, $3 FROM users u, courses c WHERE u.dev_identity = 'parent' AND c.id = $2`,
        [certCode, courseId, start],
      );
    }, 120_000);
    afterAll(async () => {
      await t?.close();
      await pg?.close();
    });

    test('the catalogue answers without a token: every published course, filtered like a parent’s, with no per-user field', async () => {
      const res = await t.call('GET', '/api/courses');
      expect(res.status).toBe(200);
      const body = res.body as CourseListOutput;
      expect(body.myStages).toEqual([]);
      expect(body.continueLearning).toEqual([]);
      expect(body.courses.map((c) => c.slug).sort()).toEqual(SHIPPED.map((c) => c.slug).sort());
      expect(body.courses.every((c) => c.mine === null)).toBe(true);
      const shipped = SHIPPED.find((c) => c.slug === body.courses[0].slug)!;
      expect(body.courses[0]).toMatchObject({
        title: shipped.title, summary: shipped.summary, module: shipped.module, stages: shipped.stages,
        lessonCount: shipped.lessons.length, durationSeconds: shipped.lessons.reduce((s, l) => s + l.durationSeconds, 0), hasQuiz: Boolean(shipped.quiz),
      });

      const byModule = (await t.call('GET', '/api/courses?module=parent_child')).body as CourseListOutput;
      expect(byModule.courses.map((c) => c.slug).sort()).toEqual(SHIPPED.filter((c) => c.module === 'parent_child').map((c) => c.slug).sort());
      const both = (await t.call('GET', '/api/courses?module=mh_aid&stage=junior')).body as CourseListOutput;
      expect(both.courses.map((c) => c.slug)).toEqual(SHIPPED.filter((c) => c.module === 'mh_aid' && c.stages.includes('junior')).map((c) => c.slug));
      const word = SHIPPED[3].title.slice(0, 4);
      const searched = (await t.call('GET', `/api/courses?q=${encodeURIComponent(word)}`)).body as CourseListOutput;
      expect(searched.courses.map((c) => c.slug)).toContain(SHIPPED[3].slug);

      // The same courses, in the same order, as a logged-in account with no children and no enrolments sees them.
      const newcomer = await t.login('newcomer');
      expect((await t.call('GET', '/api/courses', { token: newcomer })).body).toEqual(body);
    });

    test('a course outline answers without a token, with none of the learner’s progress, attempts, certificate or school contacts', async () => {
      const mine = (await t.call('GET', `/api/courses/${courseId}`, { token: parent })).body as CourseDetailOutput;
      expect(mine.course.mine).not.toBeNull();
      expect(mine.lessons.every((l) => l.progress !== null)).toBe(true);
      expect(mine.quiz?.attempts).toBe(1);
      expect(mine.certificate?.code).toBe(certCode);
      expect(mine.schoolContacts.length).toBeGreaterThan(0);

      const res = await t.call('GET', `/api/courses/${courseId}`);
      expect(res.status).toBe(200);
      const guest = res.body as CourseDetailOutput;
      expect(guest.course).toEqual({ ...mine.course, mine: null });
      expect(guest.lessons).toEqual(mine.lessons.map((l) => ({ ...l, progress: null })));
      expect(guest.quiz).toEqual({ questionCount: mine.quiz!.questionCount, passMark: mine.quiz!.passMark, attempts: 0, passed: false });
      expect(guest.certificate).toBeNull();
      expect(guest.schoolContacts).toEqual([]);
      const text = JSON.stringify(guest);
      for (const secret of [certCode, '张敏', mine.schoolContacts[0].contact.phone, mine.schoolContacts[0].schoolName]) expect(text).not.toContain(secret);
    });

    test('drafts and retired lessons stay hidden from guests, in the list, a search, a filter and by id', async () => {
      const all = (await t.call('GET', '/api/courses')).body as CourseListOutput;
      expect(all.courses.map((c) => c.id)).not.toContain(draftId);
      const searched = (await t.call('GET', `/api/courses?q=${encodeURIComponent('草稿')}`)).body as CourseListOutput;
      expect(searched.courses).toEqual([]);
      const filtered = (await t.call('GET', '/api/courses?module=mh_care&stage=primary')).body as CourseListOutput;
      expect(filtered.courses.map((c) => c.id)).not.toContain(draftId);
      const byId = await t.call('GET', `/api/courses/${draftId}`);
      expect(byId.status).toBe(404);
      expect(byId.body.error.code).toBe('NOT_FOUND');

      const before = (await t.call('GET', `/api/courses/${courseId}`)).body as CourseDetailOutput;
      const retired = before.lessons[before.lessons.length - 1];
      await t.db.query('UPDATE lessons SET retired = true WHERE id = $1', [retired.id]);
      try {
        const after = (await t.call('GET', `/api/courses/${courseId}`)).body as CourseDetailOutput;
        expect(after.lessons.map((l) => l.id)).toEqual(before.lessons.slice(0, -1).map((l) => l.id));
        expect(after.course.lessonCount).toBe(before.course.lessonCount - 1);
      } finally {
        await t.db.query('UPDATE lessons SET retired = false WHERE id = $1', [retired.id]);
      }
    });

    test('lesson content, the quiz and enrolment still need a login', async () => {
      const outline = (await t.call('GET', `/api/courses/${courseId}`)).body as CourseDetailOutput;
      for (const [method, path, body] of [
        ['GET', `/api/lessons/${outline.lessons[0].id}`, undefined],
        ['GET', `/api/courses/${courseId}/quiz`, undefined],
        ['POST', `/api/courses/${courseId}/enroll`, {}],
        ['GET', '/api/me/learning', undefined],
      ] as const) {
        const res = await t.call(method, path, { body });
        expect([path, res.status, res.body.error?.code]).toEqual([path, 401, 'UNAUTHENTICATED']);
      }
    });

    test('a token, when sent, must be valid: a stale one is refused rather than answered as a guest', async () => {
      for (const token of ['not-a-token', `${parent}x`]) {
        const res = await t.call('GET', '/api/courses', { token });
        expect(res.status).toBe(401);
        expect(['TOKEN_INVALID', 'TOKEN_EXPIRED']).toContain(res.body.error.code);
      }
      const blank = await t.call('GET', `/api/courses/${courseId}`, { headers: { authorization: 'Bearer ' } });
      expect([blank.status, blank.body.error.code]).toEqual([401, 'TOKEN_INVALID']);
    });

    test('the same input limits as other public reads; answers are not cached', async () => {
      const long = await t.call('GET', `/api/courses?q=${'家'.repeat(41)}`);
      expect([long.status, long.body.error.code]).toEqual([400, 'VALIDATION_FAILED']);
      expect((await t.call('GET', '/api/courses?module=astrology')).status).toBe(400);
      expect((await t.call('GET', '/api/courses?q=%00')).status).toBe(400);
      expect((await t.call('GET', '/api/courses/not-a-uuid')).status).toBe(404);
      const ok = await t.call('GET', '/api/courses');
      expect(ok.headers.get('cache-control')).toBe('no-store');
    });

    test('the OpenAPI document marks the catalogue and outline as readable with or without a login', async () => {
      const doc = (await t.call('GET', '/api/openapi.json')).body;
      for (const path of ['/api/courses', '/api/courses/{id}']) {
        expect(doc.paths[path].get.security).toEqual([{}, { bearer: [] }]);
        expect(doc.paths[path].get.responses['401'].description).toContain('TOKEN_INVALID');
        expect(doc.paths[path].get.responses['401'].description).not.toContain('UNAUTHENTICATED');
      }
      expect(doc.paths['/api/lessons/{id}'].get.security).toEqual([{ bearer: [] }]);
    });
  });
}
