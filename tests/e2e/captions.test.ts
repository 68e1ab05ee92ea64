import type { Page } from 'playwright-core';
import type { CourseDetailOutput, CourseListOutput, LessonDetailOutput } from '../../types';
import { readCourseFiles } from '../../src/server/domain/learning/content';
import { apiFromPage, loginFromMe, shot } from '../helpers/browser';
import { h5Suite } from '../helpers/h5';

const CONTENT = readCourseFiles();
const app = h5Suite();

/** Defines window.currentVideo() in the page: the video of the page on screen (Taro keeps earlier pages hidden in the DOM). */
const CURRENT_VIDEO = `window.currentVideo = () => Array.from(document.querySelectorAll('video')).find((v) => v.offsetParent !== null) || null;`;
declare global {
  function currentVideo(): HTMLVideoElement;
}

/** The caption line's text on the page on screen ('' while no cue shows, null when the caption line is hidden). */
async function captionText(page: Page): Promise<string | null> {
  return page.evaluate(() => {
    const node = Array.from(document.querySelectorAll('.xq-lesson__caption-text')).find((n) => (n as HTMLElement).offsetParent !== null);
    return node ? (node.textContent ?? '') : null;
  });
}

describe('captions and transcript in Chromium', () => {
  test('a video lesson shows the spoken sentence under the player, changing as it plays, highlighted in the transcript; 字幕 turns it off', async () => {
    const page = await app.page();
    await page.addInitScript(CURRENT_VIDEO);
    await page.goto(`${app.url()}/#/pages/me/index`);
    await loginFromMe(page, '张敏');
    const content = CONTENT.find((c) => c.module === 'abnormal_awareness' && c.stages.includes('primary'))!;
    const courseId = (await apiFromPage<CourseListOutput>(page, '/api/courses')).courses.find((c) => c.slug === content.slug)!.id;
    const video = (await apiFromPage<CourseDetailOutput>(page, `/api/courses/${courseId}`)).lessons.find((l) => l.kind === 'video')!;
    const lesson = await apiFromPage<LessonDetailOutput>(page, `/api/lessons/${video.id}`);
    expect(lesson.captionsUrl).toMatch(/^\/media\/[a-z0-9-]+\.vtt$/);

    await page.goto(`${app.url()}/#/packages/course/lesson/index?id=${video.id}`);
    await page.locator('.xq-lesson__caption:visible').waitFor();
    await page.locator('video:visible').waitFor();
    // The transcript is the whole script, paragraph by paragraph.
    const script = content.lessons.find((l) => l.slug === video.slug)!.body;
    await page.locator('.xq-lesson__transcript:visible').getByText(script[0].slice(0, 12)).first().waitFor();
    expect(await captionText(page)).toBe('');

    await page.evaluate(async () => {
      const v = currentVideo();
      v.muted = true;
      v.playbackRate = 2;
      await v.play();
    });
    await page.waitForFunction(() => {
      const node = Array.from(document.querySelectorAll('.xq-lesson__caption-text')).find((n) => (n as HTMLElement).offsetParent !== null);
      return (node?.textContent ?? '').length > 0;
    }, undefined, { timeout: 20000 });
    const first = (await captionText(page))!;
    expect(script.join('')).toContain(first);
    const highlighted = await page.locator('.xq-lesson__cue.is-current:visible').first().textContent();
    expect(highlighted).toBe(first);
    await shot(page, 'e2e-lesson-captions');

    await page.waitForFunction((was) => {
      const node = Array.from(document.querySelectorAll('.xq-lesson__caption-text')).find((n) => (n as HTMLElement).offsetParent !== null);
      const now = node?.textContent ?? '';
      return now.length > 0 && now !== was;
    }, first, { timeout: 20000 });
    const second = (await captionText(page))!;
    expect(second).not.toBe(first);
    expect(script.join('')).toContain(second);
    expect(await page.locator('.xq-lesson__cue.is-current:visible').first().textContent()).toBe(second);
    await page.evaluate(() => currentVideo().pause());
    await page.locator('.xq-lesson__caption:visible').scrollIntoViewIfNeeded();
    await shot(page, 'e2e-lesson-captions-next');

    await page.locator('[aria-label="字幕"]:visible').click();
    await page.locator('.xq-lesson__cc-text:visible', { hasText: '字幕：关' }).waitFor();
    expect(await captionText(page)).toBeNull();
    await page.locator('[aria-label="字幕"]:visible').click();
    await page.locator('.xq-lesson__caption:visible').waitFor();
    expect(await captionText(page)).toBe(second);
  }, 120_000);

  test('in 大字模式 the caption line and an article with headings and a list read large', async () => {
    const page = await app.page();
    await page.addInitScript(CURRENT_VIDEO);
    await page.addInitScript(() => localStorage.setItem('xq_large_text', JSON.stringify({ data: true })));
    await page.goto(`${app.url()}/#/pages/me/index`);
    await loginFromMe(page, '张敏');
    const content = CONTENT.find((c) => c.module === 'mh_aid' && c.stages.includes('junior'))!;
    const courseId = (await apiFromPage<CourseListOutput>(page, '/api/courses')).courses.find((c) => c.slug === content.slug)!.id;
    const lessons = (await apiFromPage<CourseDetailOutput>(page, `/api/courses/${courseId}`)).lessons;

    const audio = lessons.find((l) => l.kind === 'audio')!;
    await page.goto(`${app.url()}/#/packages/course/lesson/index?id=${audio.id}`);
    await page.locator('.xq-lesson__caption:visible').waitFor();
    await page.locator('[aria-label="播放"]:visible').click();
    await page.waitForFunction(() => {
      const node = Array.from(document.querySelectorAll('.xq-lesson__caption-text')).find((n) => (n as HTMLElement).offsetParent !== null);
      return (node?.textContent ?? '').length > 0;
    }, undefined, { timeout: 20000 });
    await page.locator('[aria-label="暂停"]:visible').click();
    const size = await page.locator('.xq-lesson__caption-text:visible').evaluate((n) => parseFloat(getComputedStyle(n).fontSize));
    expect(size).toBeGreaterThanOrEqual(19);
    await shot(page, 'e2e-lesson-audio-large');

    const article = lessons.find((l) => l.kind === 'article')!;
    await page.goto(`${app.url()}/#/packages/course/lesson/index?id=${article.id}`);
    await page.locator('.xq-lesson__h:visible').first().waitFor();
    const body = content.lessons.find((l) => l.slug === article.slug)!.body;
    expect(await page.locator('.xq-lesson__h:visible').count()).toBe(body.filter((b) => b.startsWith('## ')).length);
    expect(await page.locator('.xq-lesson__li-text:visible').count()).toBe(body.filter((b) => b.startsWith('- ')).length);
    await page.locator('.xq-lesson__list:visible').first().scrollIntoViewIfNeeded();
    await shot(page, 'e2e-lesson-article-large');
  }, 120_000);
});
