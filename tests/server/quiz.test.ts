/**
 * The course quiz (issue 12 §1): options served by opaque id in a new order per request, a failed attempt that names the
 * wrong questions and reveals no key, explanations after a pass, a cooldown after too many failed attempts in a row, and
 * option ids that survive a re-import. On PGlite and, when DATABASE_URL is set, PostgreSQL (skipped visibly otherwise).
 */
import type { CourseContent } from '../../types';
import type { Database } from '../../src/server/storage/db';
import { testApp, type TestApp } from '../helpers/app';
import { describeOn, describePg, scratchPostgres } from '../helpers/db';

const start = new Date('2026-11-23T08:00:00Z');
const minutes = (n: number) => new Date(start.getTime() + n * 60_000);

/** A course whose quiz keys sit in every position; the explanations are distinctive so a leak is easy to spot. */
const course = (slug: string): CourseContent => ({
  slug, title: '测验的安全性', summary: '三道题，每题三个选项。', module: 'mh_education', stages: ['primary'],
  lessons: [{ slug: 'read', title: '读一读', kind: 'article', durationSeconds: 60, body: ['先倾听，不评判；持续两周以上的变化要留意。'] }],
  quiz: {
    passMark: 60,
    questions: [
      { prompt: '孩子情绪低落多久需要留意？', options: ['两周以上', '一天', '一小时'], answer: 0, explanation: '解析甲：持续两周以上的变化需要关注。' },
      { prompt: '开口时首先应该？', options: ['批评', '倾听', '比较'], answer: 1, explanation: '解析乙：先倾听，不评判。' },
      { prompt: '孩子有危险时应该？', options: ['先观察几天', '批评孩子', '拨打 110 或 120'], answer: 2, explanation: '解析丙：立即求助。' },
    ],
  },
});

interface Served { id: string; prompt: string; options: { id: string; text: string }[] }

for (const driver of ['PGlite', 'PostgreSQL']) {
  describeOn(driver)(`the course quiz (${driver})`, () => {
    let t: TestApp;
    let pg: Database | null = null;
    let admin: string;

    beforeAll(async () => {
      pg = driver === 'PostgreSQL' ? await scratchPostgres(4) : null;
      t = await testApp(pg ? { db: pg } : {});
      t.setNow(start);
      admin = await t.login('admin');
    }, 120_000);
    afterAll(async () => {
      await t?.close();
      await pg?.close();
    });
    beforeEach(() => t.setNow(start));

    /** Publishes a course and enrols `who` with every lesson complete (written directly: the quiz, not progress, is under test). */
    async function ready(slug: string, who: string, app: TestApp = t): Promise<{ courseId: string; token: string; content: CourseContent }> {
      const content = course(slug);
      const published = await app.call('POST', '/api/admin/courses', { token: await app.login('admin'), body: content });
      expect(published.status).toBe(201);
      const courseId: string = published.body.course.id;
      const token = await app.login(who);
      expect((await app.call('POST', `/api/courses/${courseId}/enroll`, { token, body: {} })).status).toBe(200);
      await app.db.query(
        `INSERT INTO lesson_progress (user_id, lesson_id, segments, credited_seconds, position, completed_at, updated_at)
         SELECT u.id, l.id, '[]', l.duration_seconds, 0, $3, $3 FROM users u, lessons l WHERE u.dev_identity = $1 AND l.course_id = $2`,
        [who, courseId, app.deps.clock()],
      );
      return { courseId, token, content };
    }

    const getQuiz = async (courseId: string, token: string, app: TestApp = t) => {
      const res = await app.call('GET', `/api/courses/${courseId}/quiz`, { token });
      expect(res.status).toBe(200);
      return res.body as { questions: Served[]; attempts: number; passed: boolean; retryAfterSeconds: number | null; remainingAttempts: number };
    };
    /** Answers each served question with the option whose text is `pick(question index)` in the content. */
    const answersFor = (served: Served[], content: CourseContent, pick: (qi: number) => number) =>
      served.map((q, qi) => {
        const text = content.quiz!.questions[qi].options[pick(qi)];
        return { questionId: q.id, optionId: q.options.find((o) => o.text === text)!.id };
      });
    const right = (qi: number, content: CourseContent) => content.quiz!.questions[qi].answer;
    const wrong = (qi: number, content: CourseContent) => (right(qi, content) + 1) % 3;
    const submit = (courseId: string, token: string, answers: unknown, app: TestApp = t) => app.call('POST', `/api/courses/${courseId}/quiz`, { token, body: { answers } });

    test('the quiz is served with option ids and texts, without answers or explanations', async () => {
      const { courseId, token, content } = await ready('quiz-served', 'parent');
      const quiz = await getQuiz(courseId, token);
      expect(quiz.questions.map((q) => q.prompt)).toEqual(content.quiz!.questions.map((q) => q.prompt));
      for (const [qi, q] of quiz.questions.entries()) {
        expect(q.options.map((o) => o.text).sort()).toEqual([...content.quiz!.questions[qi].options].sort());
        for (const o of q.options) expect(o.id).toMatch(/^[A-Za-z0-9_-]{12,40}$/);
        expect(new Set(q.options.map((o) => o.id)).size).toBe(3);
      }
      const json = JSON.stringify(quiz);
      expect(json).not.toMatch(/answer|explanation|解析/);
      expect(quiz).toMatchObject({ attempts: 0, passed: false, retryAfterSeconds: null, remainingAttempts: 3 });
    });

    test('options are shuffled per request, ids stay the same, and submitting by id grades the same whatever the order', async () => {
      const { courseId, token, content } = await ready('quiz-shuffle', 'parent2');
      const orders = new Map<string, Set<string>>();
      const ids = new Map<string, string>();
      for (let i = 0; i < 40; i += 1) {
        const quiz = await getQuiz(courseId, token);
        for (const q of quiz.questions) {
          if (!orders.has(q.id)) orders.set(q.id, new Set());
          orders.get(q.id)!.add(q.options.map((o) => o.text).join('|'));
          for (const o of q.options) {
            expect(ids.get(`${q.id}/${o.text}`) ?? o.id).toBe(o.id);
            ids.set(`${q.id}/${o.text}`, o.id);
          }
        }
      }
      // 3 options have 6 orders; 40 fair shuffles miss one with probability < 1e-3 per question, all alike ~1e-29.
      for (const seen of orders.values()) expect(seen.size).toBeGreaterThanOrEqual(4);

      const a = await getQuiz(courseId, token);
      const b = await getQuiz(courseId, token);
      const byB = answersFor(b.questions, content, (qi) => right(qi, content));
      // Answers chosen on one request's order, submitted against whatever order the next request showed: still all right.
      const passed = await submit(courseId, token, answersFor(a.questions, content, (qi) => right(qi, content)).reverse());
      expect(passed.status).toBe(200);
      expect(passed.body).toMatchObject({ score: 100, passed: true, wrongQuestionIds: [] });
      expect(byB).toEqual(answersFor(a.questions, content, (qi) => right(qi, content)));
    });

    test('a failed attempt names the wrong questions and reveals no key: no correct option id, no explanation', async () => {
      const { courseId, token, content } = await ready('quiz-no-key', 'parent3');
      const quiz = await getQuiz(courseId, token);
      const correctIds = quiz.questions.map((q, qi) => q.options.find((o) => o.text === content.quiz!.questions[qi].options[right(qi, content)])!.id);
      // Question 1 right, questions 2 and 3 wrong: 33 < 60.
      const answers = answersFor(quiz.questions, content, (qi) => (qi === 0 ? right(qi, content) : wrong(qi, content)));
      const failed = await submit(courseId, token, answers);
      expect(failed.status).toBe(200);
      expect(failed.body).toMatchObject({ score: 33, passed: false, attempts: 1, certificate: null, review: null });
      expect(failed.body.wrongQuestionIds).toEqual([quiz.questions[1].id, quiz.questions[2].id]);
      const json = JSON.stringify(failed.body);
      // The one right answer was the caller's own; the keys of the wrong questions appear nowhere.
      for (const id of correctIds.slice(1)) expect(json).not.toContain(id);
      for (const q of content.quiz!.questions) expect(json).not.toContain(q.explanation);
      for (const q of content.quiz!.questions) for (const o of q.options) expect(json).not.toContain(o);
      expect(json).not.toMatch(/answer|explanation|解析/);
    });

    test('a pass answers every question’s correct option id and explanation', async () => {
      const { courseId, token, content } = await ready('quiz-pass', 'psychologist');
      const quiz = await getQuiz(courseId, token);
      const answers = answersFor(quiz.questions, content, (qi) => (qi === 2 ? wrong(qi, content) : right(qi, content)));
      const passed = await submit(courseId, token, answers);
      expect(passed.body).toMatchObject({ score: 67, passed: true, wrongQuestionIds: [quiz.questions[2].id], retryAfterSeconds: null });
      expect(passed.body.certificate).toMatchObject({ courseTitle: '测验的安全性' });
      expect(passed.body.review).toEqual(quiz.questions.map((q, qi) => ({
        questionId: q.id,
        chosenOptionId: answers[qi].optionId,
        correctOptionId: q.options.find((o) => o.text === content.quiz!.questions[qi].options[right(qi, content)])!.id,
        explanation: content.quiz!.questions[qi].explanation,
      })));
    });

    test('unknown, missing, repeated or foreign ids are VALIDATION_FAILED and are not counted as attempts', async () => {
      const { courseId, token, content } = await ready('quiz-bad-ids', 'head_teacher');
      const other = await ready('quiz-bad-ids-other', 'head_teacher');
      const quiz = await getQuiz(courseId, token);
      const otherQuiz = await getQuiz(other.courseId, token);
      const good = answersFor(quiz.questions, content, (qi) => right(qi, content));
      const cases: unknown[] = [
        good.map((a, i) => (i === 1 ? { ...a, optionId: 'not-an-option-id' } : a)),
        good.map((a, i) => (i === 1 ? { ...a, optionId: good[0].optionId } : a)),
        good.map((a, i) => (i === 1 ? { ...a, optionId: otherQuiz.questions[1].options[0].id } : a)),
        good.map((a, i) => (i === 2 ? { ...a, questionId: otherQuiz.questions[2].id } : a)),
        good.map((a, i) => (i === 2 ? { ...a, questionId: 'x' } : a)),
        good.slice(0, 2),
        [...good.slice(0, 2), good[1]],
        [1, 1, 1],
      ];
      for (const answers of cases) {
        const res = await submit(courseId, token, answers);
        expect(res.status).toBe(400);
        expect(res.body.error.code).toBe('VALIDATION_FAILED');
      }
      expect((await getQuiz(courseId, token)).attempts).toBe(0);
    });

    test('after 3 failed attempts in a row the next is refused for 30 minutes with retryAfterSeconds, then allowed again', async () => {
      const { courseId, token, content } = await ready('quiz-cooldown', 'leader');
      const fail = async () => submit(courseId, token, answersFor((await getQuiz(courseId, token)).questions, content, (qi) => wrong(qi, content)));
      const first = await fail();
      expect(first.body).toMatchObject({ passed: false, retryAfterSeconds: null, remainingAttempts: 2 });
      t.setNow(minutes(1));
      expect((await fail()).body).toMatchObject({ passed: false, retryAfterSeconds: null, remainingAttempts: 1 });
      t.setNow(minutes(2));
      const third = await fail();
      expect(third.body).toMatchObject({ passed: false, attempts: 3, retryAfterSeconds: 30 * 60, remainingAttempts: 0 });

      t.setNow(minutes(12));
      const refused = await fail();
      expect(refused.status).toBe(429);
      expect(refused.body.error).toMatchObject({ code: 'TOO_MANY_ATTEMPTS', retryAfterSeconds: 20 * 60 });
      expect(refused.body.error.message).toContain('请 20 分钟后再试');
      expect(refused.headers.get('retry-after')).toBe(String(20 * 60));
      expect(await getQuiz(courseId, token)).toMatchObject({ attempts: 3, retryAfterSeconds: 20 * 60, remainingAttempts: 0 });
      const right3 = answersFor((await getQuiz(courseId, token)).questions, content, (qi) => right(qi, content));
      expect((await submit(courseId, token, right3)).status).toBe(429);

      t.setNow(new Date(minutes(32).getTime() - 1000));
      expect((await fail()).body.error.retryAfterSeconds).toBe(1);
      t.setNow(minutes(32));
      expect(await getQuiz(courseId, token)).toMatchObject({ retryAfterSeconds: null, remainingAttempts: 3 });
      const again = await fail();
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({ attempts: 4, remainingAttempts: 2 });
      const passed = await submit(courseId, token, answersFor((await getQuiz(courseId, token)).questions, content, (qi) => right(qi, content)));
      expect(passed.body).toMatchObject({ passed: true, attempts: 5 });
      expect(await getQuiz(courseId, token)).toMatchObject({ passed: true, retryAfterSeconds: null });
    });

    test('the limit and the cooldown are configurable (XQ_QUIZ_MAX_FAILS, XQ_QUIZ_COOLDOWN_MINUTES)', async () => {
      const db = driver === 'PostgreSQL' ? await scratchPostgres(2) : null;
      const app = await testApp({ ...(db ? { db } : {}), env: { XQ_QUIZ_MAX_FAILS: '2', XQ_QUIZ_COOLDOWN_MINUTES: '5' } });
      try {
        app.setNow(start);
        const { courseId, token, content } = await ready('quiz-config', 'parent', app);
        const fail = async () => submit(courseId, token, answersFor((await getQuiz(courseId, token, app)).questions, content, (qi) => wrong(qi, content)), app);
        expect((await fail()).body.remainingAttempts).toBe(1);
        expect((await fail()).body.retryAfterSeconds).toBe(300);
        const refused = await fail();
        expect(refused.status).toBe(429);
        expect(refused.body.error).toMatchObject({ code: 'TOO_MANY_ATTEMPTS', retryAfterSeconds: 300 });
        app.setNow(minutes(5));
        expect((await fail()).status).toBe(200);
      } finally {
        await app.close();
        await db?.close();
      }
    });

    test('republishing keeps question ids and the ids of unchanged options; a changed option gets a new id', async () => {
      const { courseId, token, content } = await ready('quiz-reimport', 'station');
      const before = await getQuiz(courseId, token);
      const edited: CourseContent = JSON.parse(JSON.stringify(content));
      edited.quiz!.questions[1].options[2] = '拿别人家孩子比较';
      expect((await t.call('POST', '/api/admin/courses', { token: admin, body: edited })).status).toBe(201);
      const after = await getQuiz(courseId, token);
      expect(after.questions.map((q) => q.id)).toEqual(before.questions.map((q) => q.id));
      const idOf = (q: Served, text: string) => q.options.find((o) => o.text === text)?.id;
      for (const [qi, q] of content.quiz!.questions.entries()) {
        for (const [oi, text] of q.options.entries()) {
          if (qi === 1 && oi === 2) continue;
          expect(idOf(after.questions[qi], text)).toBe(idOf(before.questions[qi], text));
        }
      }
      const changed = idOf(after.questions[1], '拿别人家孩子比较');
      expect(changed).toBeDefined();
      expect(before.questions[1].options.map((o) => o.id)).not.toContain(changed);
    });
  });
}

describePg('concurrent quiz attempts (PostgreSQL)', () => {
  test('ten wrong attempts sent at once by one parent: exactly 3 are graded, the rest are refused, none slips past the limit', async () => {
    const pg = (await scratchPostgres(10))!;
    const t = await testApp({ db: pg });
    try {
      t.setNow(start);
      const content = course('quiz-concurrent');
      const published = await t.call('POST', '/api/admin/courses', { token: await t.login('admin'), body: content });
      const courseId: string = published.body.course.id;
      const token = await t.login('parent');
      await t.call('POST', `/api/courses/${courseId}/enroll`, { token, body: {} });
      await t.db.query(
        `INSERT INTO lesson_progress (user_id, lesson_id, segments, credited_seconds, position, completed_at, updated_at)
         SELECT u.id, l.id, '[]', l.duration_seconds, 0, $2, $2 FROM users u, lessons l WHERE u.dev_identity = 'parent' AND l.course_id = $1`,
        [courseId, start],
      );
      const quiz = (await t.call('GET', `/api/courses/${courseId}/quiz`, { token })).body as { questions: Served[] };
      const answers = quiz.questions.map((q, qi) => {
        const text = content.quiz!.questions[qi].options[(content.quiz!.questions[qi].answer + 1) % 3];
        return { questionId: q.id, optionId: q.options.find((o) => o.text === text)!.id };
      });
      const results = await Promise.all(Array.from({ length: 10 }, () => t.call('POST', `/api/courses/${courseId}/quiz`, { token, body: { answers } })));
      const statuses = results.map((r) => r.status).sort();
      expect(statuses).toEqual([200, 200, 200, 429, 429, 429, 429, 429, 429, 429]);
      const [row] = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM quiz_attempts WHERE course_id = $1', [courseId]);
      expect(row.n).toBe(3);
    } finally {
      await t.close();
      await pg.close();
    }
  }, 60_000);
});
