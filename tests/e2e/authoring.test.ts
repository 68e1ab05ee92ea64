/**
 * Issue 16's "Done when" for the authoring console: an administrator creates a course in the H5 console with an uploaded
 * audio file (the server reads its 12 s duration), previews it as a parent, publishes it; 张敏 then finds it, plays the
 * audio, reads the article and passes the quiz. Screenshots: tests/artifacts/e2e-authoring-*.png.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import type { CourseDetailOutput, LessonDetailOutput } from '../../types';
import { apiFromPage, loginFromMe, shot } from '../helpers/browser';
import { h5Suite } from '../helpers/h5';

const app = h5Suite();
const AUDIO = path.join(__dirname, '..', 'fixtures', 'authoring-speech.m4a');
const TITLE = '孩子情绪低落时，先听他说完';
const ARTICLE = [
  '## 先停下来，听孩子说完',
  '孩子放学回家一句话不说，关上房门。先别急着追问成绩，也别急着讲道理。',
  '- 放下手机，坐到孩子旁边',
  '- 说出你看到的：“你今天看起来很累”',
  '- 等孩子愿意开口，再听他说完',
  '## 什么时候要找人帮忙',
  '情绪低落持续两周以上、睡不好吃不下、说出轻生的话，请马上联系学校心理老师，或拨打 12356 心理援助热线。',
].join('\n');
const QUESTIONS = [
  { prompt: '孩子放学回家关上房门不说话，家长先做什么比较好？', options: ['立刻追问考试成绩', '坐到旁边，先听孩子说', '批评他没礼貌', '没收手机'], answer: 1 },
  { prompt: '孩子说“没事”，但连续两周睡不好、吃不下，应该怎么办？', options: ['联系学校心理老师', '再等一个月看看', '让孩子多运动就好', '不用在意'], answer: 0 },
  { prompt: '下面哪句话更能让孩子愿意开口？', options: ['你怎么又这样', '别人家孩子都没事', '你今天看起来很累', '快去写作业'], answer: 2 },
  { prompt: '孩子说出轻生的话时，家长应该？', options: ['当作玩笑', '骂他一顿', '等他自己好', '立刻求助，拨打 12356'], answer: 3 },
];

const visible = (page: Page, selector: string) => page.locator(`.taro_page:visible ${selector}`).first();

/** Fills a field by its form id (the wrapper from form-kit's fieldId) whether it holds an input or a textarea. */
async function fill(page: Page, field: string, value: string): Promise<void> {
  await visible(page, `#xq-f-${field} input, #xq-f-${field} textarea`).fill(value);
}

async function tapText(page: Page, text: string): Promise<void> {
  await page.locator('.taro_page:visible').getByText(text, { exact: true }).first().click();
}

describe('课程编写 in Chromium', () => {
  test('an admin writes a course with an uploaded audio file, previews and publishes it, and a parent completes it', async () => {
    const admin = await app.page();
    await admin.goto(`${app.url()}/#/pages/me/index`);
    await loginFromMe(admin, '平台管理员');
    await admin.getByText('课程编写', { exact: true }).click();
    await admin.waitForFunction(() => location.hash.includes('packages/admin/courses/index'));
    await visible(admin, '.xq-authoring__row').waitFor();
    await shot(admin, 'e2e-authoring-list');
    await admin.locator('taro-button-core:visible', { hasText: '新建课程' }).click();
    await admin.waitForFunction(() => location.hash.includes('packages/admin/course-edit/index'));

    await fill(admin, 'title', TITLE);
    await fill(admin, 'summary', '三步陪伴孩子走出低落情绪，知道什么时候该求助。');
    await tapText(admin, '小学');
    await admin.locator('taro-button-core:visible', { hasText: '添加文章课时' }).click();
    await fill(admin, 'lessons-0-title', '先听孩子说完');
    await fill(admin, 'lessons-0-text', ARTICLE);
    await admin.locator('taro-button-core:visible', { hasText: '添加音频课时' }).click();
    await fill(admin, 'lessons-1-title', '录音：三句话陪伴孩子');
    await fill(admin, 'lessons-1-text', '家长朋友您好。孩子情绪低落的时候，先听他说完，不要急着讲道理。');
    const chooser = admin.waitForEvent('filechooser');
    await visible(admin, '#xq-f-lessons-1-media taro-button-core').click();
    await (await chooser).setFiles(AUDIO);
    await visible(admin, '#xq-f-lessons-1-media').getByText('已上传 · 时长 12 秒（从文件读出）').waitFor({ timeout: 30_000 });
    await visible(admin, '#xq-f-lessons-1').scrollIntoViewIfNeeded();
    await shot(admin, 'e2e-authoring-uploaded');

    for (const [i, q] of QUESTIONS.entries()) {
      await admin.locator('taro-button-core:visible', { hasText: '添加题目' }).click();
      await fill(admin, `quiz-questions-${i}-prompt`, q.prompt);
      for (const [j, o] of q.options.entries()) await fill(admin, `quiz-questions-${i}-options-${j}`, o);
      if (q.answer !== 0) await visible(admin, `#xq-f-quiz-questions-${i}-options-${q.answer}`).getByText('设为答案').click();
      await fill(admin, `quiz-questions-${i}-explanation`, `解析：${q.options[q.answer]}。`);
    }
    await admin.locator('taro-button-core:visible', { hasText: '保存' }).click();
    await admin.locator('.taro_page:visible .xq-course-edit__status', { hasText: /^已保存$/ }).waitFor();
    await shot(admin, 'e2e-authoring-editor');
    await admin.locator('.taro_page:visible .xq-section__title', { hasText: '可以发布' }).waitFor();

    await admin.locator('taro-button-core:visible', { hasText: '预览' }).click();
    await admin.waitForFunction(() => location.hash.includes('packages/admin/course-preview/index'));
    await admin.locator('.taro_page:visible .xq-preview__title', { hasText: TITLE }).waitFor();
    await shot(admin, 'e2e-authoring-preview');
    await tapText(admin, '1. 先听孩子说完');
    await admin.locator('.taro_page:visible .xq-markup__h', { hasText: '什么时候要找人帮忙' }).waitFor();
    await shot(admin, 'e2e-authoring-preview-article');
    await admin.goBack();
    await admin.goBack();
    await admin.waitForFunction(() => location.hash.includes('packages/admin/course-edit/index'));

    await admin.locator('taro-button-core:visible', { hasText: '发布' }).click();
    await admin.getByText('发布这门课程？').waitFor();
    await admin.locator('.taro-modal__foot div', { hasText: '发布' }).click();
    await admin.locator('.taro_page:visible .xq-course-edit__state', { hasText: '已发布' }).waitFor();
    await shot(admin, 'e2e-authoring-published');

    // 张敏 finds it in the catalogue and completes it.
    const parent = await app.page();
    await parent.goto(`${app.url()}/#/pages/me/index`);
    await loginFromMe(parent, '张敏');
    await parent.goto(`${app.url()}/#/pages/courses/index`);
    const course = (await apiFromPage<{ courses: { id: string; title: string }[] }>(parent, '/api/courses')).courses.find((c) => c.title === TITLE)!;
    expect(course).toBeDefined();
    await parent.goto(`${app.url()}/#/packages/course/detail/index?id=${course.id}`);
    await parent.locator('taro-button-core', { hasText: '开始学习' }).click();
    await parent.waitForFunction(() => location.hash.includes('packages/course/lesson/index'));
    const detail = await apiFromPage<CourseDetailOutput>(parent, `/api/courses/${course.id}`);
    expect(detail.lessons.map((l) => [l.kind, l.durationSeconds])).toEqual([['article', expect.any(Number)], ['audio', 12]]);
    const untilComplete = async (id: string) => {
      const end = Date.now() + 90_000;
      while (Date.now() < end) {
        if ((await apiFromPage<LessonDetailOutput>(parent, `/api/lessons/${id}`)).lesson.progress?.completed) return;
        await parent.waitForTimeout(1000);
      }
      throw new Error(`lesson ${id} not complete`);
    };
    // The article (the first lesson, where 开始学习 lands): read to the end.
    await parent.locator('.xq-lesson__end:visible').scrollIntoViewIfNeeded();
    await shot(parent, 'e2e-authoring-parent-article');
    await untilComplete(detail.lessons[0]!.id);
    await parent.goto(`${app.url()}/#/packages/course/lesson/index?id=${detail.lessons[1]!.id}`);
    await parent.locator('[aria-label="播放"]:visible').click();
    await shot(parent, 'e2e-authoring-parent-audio');
    await untilComplete(detail.lessons[1]!.id);
    await parent.goto(`${app.url()}/#/packages/course/detail/index?id=${course.id}`);
    await parent.locator('taro-button-core:visible', { hasText: '参加课后测验' }).click();
    await parent.getByText(QUESTIONS[0]!.prompt).waitFor();
    for (const q of QUESTIONS) await parent.locator('.taro_page:visible').getByText(q.options[q.answer]!, { exact: true }).first().click();
    await parent.locator('taro-button-core', { hasText: '提交答案' }).click();
    await parent.getByText('你已完成本课程，获得结业证书').waitFor();
    await shot(parent, 'e2e-authoring-parent-passed');
    expect((await apiFromPage<CourseDetailOutput>(parent, `/api/courses/${course.id}`)).course.mine?.completedAt).not.toBeNull();
  }, 300_000);
});
