import type { Page } from 'playwright-core';
import type { CourseDetailOutput, LessonDetailOutput } from '../../types';
import { readCourseFiles } from '../../src/server/domain/learning/content';
import { apiFromPage, loginFromMe, shot } from '../helpers/browser';
import { h5Suite } from '../helpers/h5';

const CONTENT = readCourseFiles();
/**
 * The lessons are 5–7 minutes of narration. To play them through in a test, the media play at PLAY_RATE× while the server's
 * clock and the page's Date run CLOCK_RATE× fast from the same origin, so the server's plausibility rules (at most 2 played
 * seconds per second of its time) hold just as for a parent listening at 2×. PLAY_RATE stays at 4: the player takes a jump
 * of more than 2 s between two time updates (about 4 a second) for a seek.
 */
const CLOCK_RATE = 2;
const PLAY_RATE = 4;
const ORIGIN = Date.now();
const app = h5Suite({ clock: () => new Date(ORIGIN + (Date.now() - ORIGIN) * CLOCK_RATE) });
/** The page's clock at CLOCK_RATE× from ORIGIN (as the server's), and media that start playing at window.xqPlayRate. */
const FAST_PAGE = `(() => {
  const origin = ${ORIGIN}, rate = ${CLOCK_RATE}, RealDate = Date, realNow = Date.now.bind(Date);
  const now = () => origin + (realNow() - origin) * rate;
  class FastDate extends RealDate {
    constructor(...args) { if (args.length === 0) super(now()); else super(...args); }
    static now() { return now(); }
  }
  window.Date = FastDate;
  const play = HTMLMediaElement.prototype.play;
  HTMLMediaElement.prototype.play = function () {
    if (window.xqPlayRate) this.playbackRate = window.xqPlayRate;
    return play.call(this);
  };
})();`;
declare global {
  interface Window {
    xqPlayRate?: number;
  }
}

const lessonOf = (page: Page, id: string) => apiFromPage<LessonDetailOutput>(page, `/api/lessons/${id}`);
const courseOf = (page: Page, id: string) => apiFromPage<CourseDetailOutput>(page, `/api/courses/${id}`);

/** Waits until the server has the lesson complete (the page reports as it plays). */
async function untilComplete(page: Page, lessonId: string, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if ((await lessonOf(page, lessonId)).lesson.progress?.completed) return;
    await page.waitForTimeout(1000);
  }
  const seen = await page.evaluate(() => {
    const v = Array.from(document.querySelectorAll('video')).find((x) => x.offsetParent !== null);
    return { video: v ? { t: v.currentTime, paused: v.paused, ended: v.ended } : null, videos: document.querySelectorAll('video').length, hash: location.hash, queue: localStorage.getItem('xq_progress_queue'), text: Array.from(document.querySelectorAll('.taro_page')).filter((p) => (p as HTMLElement).offsetParent !== null).map((p) => (p as HTMLElement).innerText.slice(0, 300)) };
  });
  throw new Error(`lesson ${lessonId} not complete after ${timeoutMs} ms: ${JSON.stringify((await lessonOf(page, lessonId)).lesson.progress)} ${JSON.stringify(seen)}`);
}

/** From a lesson, back to the course outline with the lesson page's own button (as a parent would). */
async function backToCourse(page: Page): Promise<void> {
  await page.locator('.xq-lesson__back:visible').click();
  await page.locator('.xq-course__title:visible').waitFor();
}

/** From the outline, opens a lesson by tapping it. */
async function openLesson(page: Page, title: string): Promise<void> {
  await page.locator('.xq-course__lesson-title:visible', { hasText: title }).click();
  await page.locator('.xq-lesson__title:visible', { hasText: title }).waitFor();
}

/** Defines window.currentVideo() in the page: the video of the page on screen (Taro keeps earlier pages hidden in the DOM). */
const CURRENT_VIDEO = `window.currentVideo = () => Array.from(document.querySelectorAll('video')).find((v) => v.offsetParent !== null) || null;`;
declare global {
  function currentVideo(): HTMLVideoElement;
}

/** Plays the page's video element (muted, at double speed: honest viewing, just faster). */
async function playVideo(page: Page, rate = 2): Promise<void> {
  await page.locator('video:visible').waitFor();
  await page.evaluate(async (r) => {
    const v = currentVideo();
    v.muted = true;
    v.playbackRate = r;
    await v.play();
  }, rate);
}

describe('家庭教育课程 in Chromium', () => {
  test('a parent finds a course for their child, resumes a video where they left it, completes every lesson and the quiz, and the certificate verifies', async () => {
    const page = await app.page();
    await page.addInitScript(CURRENT_VIDEO);
    await page.addInitScript(FAST_PAGE);
    await page.goto(`${app.url()}/#/pages/me/index`);
    await loginFromMe(page, '张敏');

    await page.goto(`${app.url()}/#/pages/courses/index`);
    const first = CONTENT.find((c) => c.stages.includes('primary') && c.module === 'mh_education')!;
    await page.getByText(first.title).first().waitFor();
    await shot(page, 'e2e-courses-catalogue');
    await page.getByText(first.title).first().click();
    await page.locator('taro-button-core', { hasText: '开始学习' }).waitFor();
    await shot(page, 'e2e-course-detail');
    await page.locator('taro-button-core', { hasText: '开始学习' }).click();
    await page.waitForFunction(() => location.hash.includes('packages/course/lesson/index'));
    const courseId = (await apiFromPage<{ courses: { id: string; slug: string }[] }>(page, '/api/courses')).courses.find((c) => c.slug === first.slug)!.id;
    const detail = await courseOf(page, courseId);
    expect(detail.course.mine).not.toBeNull();

    await backToCourse(page);
    for (const lesson of detail.lessons) {
      await openLesson(page, lesson.title);
      if (lesson.kind === 'video') {
        await playVideo(page);
        await page.waitForTimeout(6000);
        await page.evaluate(() => currentVideo().pause());
        await page.waitForFunction(async (id) => {
          const raw = localStorage.getItem('xq_token');
          const token = raw ? JSON.parse(raw).data : '';
          const res = await fetch(`/api/lessons/${id}`, { headers: { authorization: `Bearer ${token}` } });
          const body = await res.json();
          return (body.lesson.progress?.position ?? 0) >= 6;
        }, lesson.id, { polling: 500, timeout: 20000 });
        const saved = (await lessonOf(page, lesson.id)).lesson.progress!.position;
        await shot(page, 'e2e-lesson-video');
        await backToCourse(page);
        await openLesson(page, lesson.title);
        await page.locator('video:visible').waitFor();
        await page.waitForFunction((at) => Math.abs(currentVideo().currentTime - at) < 2, saved, { timeout: 15000 });
        await page.evaluate(() => {
          currentVideo().currentTime = 0;
        });
        await playVideo(page, PLAY_RATE);
        await untilComplete(page, lesson.id, (lesson.durationSeconds / PLAY_RATE) * 1000 + 60000);
      } else if (lesson.kind === 'audio') {
        await page.evaluate((rate) => {
          window.xqPlayRate = rate;
        }, PLAY_RATE);
        await page.locator('[aria-label="播放"]:visible').click();
        await shot(page, 'e2e-lesson-audio');
        await untilComplete(page, lesson.id, (lesson.durationSeconds / PLAY_RATE) * 1000 + 60000);
      } else {
        await page.locator('.xq-lesson__end:visible').scrollIntoViewIfNeeded();
        await shot(page, 'e2e-lesson-article');
        await untilComplete(page, lesson.id, 90000);
      }
      await backToCourse(page);
    }

    const content = CONTENT.find((c) => c.slug === first.slug)!;
    await page.locator('taro-button-core:visible', { hasText: '参加课后测验' }).click();
    await page.getByText(content.quiz!.questions[0].prompt).waitFor();
    for (const q of content.quiz!.questions) {
      await page.locator('.taro_page:visible').getByText(q.options[q.answer], { exact: true }).first().click();
    }
    await page.locator('taro-button-core', { hasText: '提交答案' }).click();
    await page.getByText('你已完成本课程，获得结业证书').waitFor();
    await shot(page, 'e2e-quiz-passed');

    const done = await courseOf(page, courseId);
    expect(done.course.mine?.completedAt).not.toBeNull();
    const code = done.certificate!.code;
    await page.locator('taro-button-core:visible', { hasText: '查看结业证书' }).click();
    await page.locator('.taro_page:visible').getByText(code).first().waitFor();
    await shot(page, 'e2e-certificate');

    const stranger = await app.page();
    await stranger.goto(`${app.url()}/#/packages/course/verify/index`);
    await stranger.locator('input:visible').fill(code.toLowerCase());
    await stranger.locator('taro-button-core:visible', { hasText: '查验' }).click();
    await stranger.getByText('证书有效').waitFor();
    expect(await stranger.getByText('张敏').count()).toBeGreaterThan(0);
    await shot(stranger, 'e2e-certificate-verified');
  }, 600_000);

  test('a skipper who jumps to the end of a video gets no completion', async () => {
    const page = await app.page();
    await page.addInitScript(CURRENT_VIDEO);
    await page.addInitScript(FAST_PAGE);
    await page.goto(`${app.url()}/#/pages/me/index`);
    await loginFromMe(page, '王静');
    const course = CONTENT.find((c) => c.module === 'parent_child' && c.stages.includes('junior'))!;
    const courseId = (await apiFromPage<{ courses: { id: string; slug: string }[] }>(page, '/api/courses')).courses.find((c) => c.slug === course.slug)!.id;
    await page.goto(`${app.url()}/#/packages/course/detail/index?id=${courseId}`);
    await page.locator('taro-button-core', { hasText: '开始学习' }).click();
    const video = (await courseOf(page, courseId)).lessons.find((l) => l.kind === 'video')!;
    await page.goto(`${app.url()}/#/packages/course/lesson/index?id=${video.id}`);
    await playVideo(page, 1);
    await page.waitForTimeout(1500);
    await page.evaluate(() => {
      const v = currentVideo();
      v.currentTime = v.duration - 1.5;
    });
    await page.waitForFunction(() => currentVideo().ended, undefined, { timeout: 15000 });
    await page.waitForFunction(async (id) => {
      const raw = localStorage.getItem('xq_token');
      const token = raw ? JSON.parse(raw).data : '';
      const body = await (await fetch(`/api/lessons/${id}`, { headers: { authorization: `Bearer ${token}` } })).json();
      return (body.lesson.progress?.position ?? 0) >= body.lesson.durationSeconds - 3;
    }, video.id, { polling: 500, timeout: 20000 });
    const progress = (await lessonOf(page, video.id)).lesson.progress!;
    expect(progress.completed).toBe(false);
    expect(progress.creditedSeconds).toBeLessThan(video.durationSeconds * 0.3);
    await shot(page, 'e2e-lesson-skipped');
  }, 120_000);
});
