// Guests in Chromium (issue 14): browse 课程 and a course outline logged out, log in only to start learning; open
// 证书查验 from 首页 and verify a code; a parent's certificate shows the QR code of its verification link, which decodes
// (module by module, from the rendered image) to that link, and opening the link verifies at once.
import type { Page } from 'playwright-core';
import qrcode from 'qrcode-generator';
import { readCourseFiles } from '../../src/server/domain/learning/content';
import { loginFromMe, shot } from '../helpers/browser';
import { h5Suite } from '../helpers/h5';

const CONTENT = readCourseFiles();
const app = h5Suite();
const CODE = 'QRTE-STCE-RT23';

/** The box of the visible element matching a selector (CSS px). */
async function box(page: Page, selector: string, text?: string): Promise<{ width: number; height: number }> {
  const b = await page.locator(`${selector}:visible`, text ? { hasText: text } : {}).first().boundingBox();
  if (!b) throw new Error(`${selector} is not on screen`);
  return { width: Math.round(b.width), height: Math.round(b.height) };
}

/** Issues 张敏 a certificate for a shipped course, written directly (the course e2e test earns one by learning; here the certificate's QR is under test). */
async function issueCertificate(): Promise<{ title: string }> {
  const db = app.server().db;
  const course = CONTENT.find((c) => c.module === 'parent_child' && c.stages.includes('junior'))!;
  await db.query(
    `INSERT INTO certificates (code, user_id, course_id, display_name, course_title, module, issued_at)
     SELECT $1, u.id, c.id, u.display_name, c.title, c.module, now() FROM users u, courses c
      WHERE u.dev_identity = 'parent' AND c.slug = $2 ON CONFLICT DO NOTHING`,
    [CODE, course.slug],
  );
  return { title: course.title };
}

/** The module matrix qrcode-generator makes for a text (error correction M, as the app draws it). */
function expectedModules(text: string): boolean[][] {
  const qr = qrcode(0, 'M');
  qr.addData(text);
  qr.make();
  const n = qr.getModuleCount();
  return Array.from({ length: n }, (_, r) => Array.from({ length: n }, (_, c) => qr.isDark(r, c)));
}

describe('guests in Chromium', () => {
  test('a guest browses 课程, filters by a module, reads a course outline, and 开始学习 leads to login and back to the course', async () => {
    const page = await app.page();
    await page.goto(`${app.url()}/#/pages/courses/index`);
    await page.locator('.xq-course-card__title:visible').first().waitFor();
    expect(await page.locator('.xq-btn:visible', { hasText: '去登录' }).count()).toBe(0);
    await page.locator('.xq-courses__count:visible', { hasText: `共 ${CONTENT.length} 门课程` }).waitFor();
    await shot(page, 'e2e-guest-courses');

    const moduleCourses = CONTENT.filter((c) => c.module === 'parent_child');
    await page.locator('.xq-courses__chip:visible', { hasText: '亲子沟通' }).click();
    await page.locator('.xq-courses__count:visible', { hasText: `共 ${moduleCourses.length} 门课程` }).waitFor();
    const titles = await page.locator('.xq-courses__list .xq-course-card__title:visible').allInnerTexts();
    expect(titles.sort()).toEqual(moduleCourses.map((c) => c.title).sort());
    const chip = await box(page, '.xq-courses__chip', '亲子沟通');
    await shot(page, 'e2e-guest-courses-module');

    const course = moduleCourses[0];
    await page.locator('.xq-course-card__title:visible', { hasText: course.title }).first().click();
    await page.locator('.xq-course__title:visible', { hasText: course.title }).waitFor();
    for (const lesson of course.lessons) await page.locator('.xq-course__lesson-title:visible', { hasText: lesson.title }).waitFor();
    await page.getByText('登录后即可开始学习').first().waitFor();
    const start = await box(page, 'taro-button-core', '开始学习');
    await shot(page, 'e2e-guest-course-outline');

    await page.locator('taro-button-core:visible', { hasText: '开始学习' }).click();
    await page.locator('.xq-login:visible').waitFor();
    expect(page.url()).toContain('packages/account/login');
    await shot(page, 'e2e-guest-login-from-course');
    await page.getByText('张敏', { exact: true }).click();
    await page.waitForFunction(() => location.hash.includes('packages/course/detail') && !document.querySelector('.xq-login'));
    await page.locator('.xq-course__title:visible', { hasText: course.title }).waitFor();
    await page.locator('taro-button-core:visible', { hasText: '开始学习' }).waitFor();
    expect(await page.getByText('登录后即可开始学习').filter({ visible: true }).count()).toBe(0);
    await shot(page, 'e2e-guest-back-to-course');
    console.log(`guest tap targets (CSS px): module chip ${chip.width}×${chip.height}, 开始学习 ${start.width}×${start.height}`);
  });

  test('a guest opens 证书查验 from 首页 (and sees it on 我的) and verifies a certificate code', async () => {
    const { title } = await issueCertificate();
    const page = await app.page();
    await page.goto(`${app.url()}/#/pages/me/index`);
    const meEntry = await box(page, '.xq-cell', '证书查验');
    await page.goto(`${app.url()}/#/pages/index/index`);
    const homeEntry = await box(page, '.xq-home__entry', '证书查验');
    console.log(`证书查验 entries (CSS px): 首页 ${homeEntry.width}×${homeEntry.height}, 我的 ${meEntry.width}×${meEntry.height}`);
    for (const b of [homeEntry, meEntry]) {
      expect(b.width).toBeGreaterThanOrEqual(44);
      expect(b.height).toBeGreaterThanOrEqual(44);
    }
    await shot(page, 'e2e-guest-home');
    await page.locator('.xq-home__entry:visible', { hasText: '证书查验' }).click();
    await page.locator('input:visible').waitFor();
    await page.locator('input:visible').fill(CODE.toLowerCase());
    await page.locator('taro-button-core:visible', { hasText: '查验' }).click();
    await page.getByText('证书有效').waitFor();
    await page.getByText(`《${title}》`).waitFor();
    await page.getByText('张敏').waitFor();
    await shot(page, 'e2e-guest-verify');
  });

  test("a parent's certificate shows the QR code of its verification link; the link verifies at once", async () => {
    await issueCertificate();
    const page = await app.page();
    await page.goto(`${app.url()}/#/pages/me/index`);
    await loginFromMe(page, '张敏');
    await page.goto(`${app.url()}/#/packages/course/certificate/index?code=${CODE}`);
    const link = `${app.url()}/#/packages/course/verify/index?code=${CODE}`;
    await page.getByText(link).waitFor();
    const qr = page.locator('.xq-cert__qr:visible img');
    await qr.waitFor();
    await page.waitForFunction(() => {
      const img = Array.from(document.querySelectorAll<HTMLImageElement>('.xq-cert__qr img')).find((i) => i.offsetParent !== null);
      return Boolean(img && img.complete && img.naturalWidth > 0);
    });
    const shown = await box(page, '.xq-cert__qr');
    console.log(`certificate QR on screen: ${shown.width}×${shown.height} CSS px`);
    expect(shown.width).toBeGreaterThanOrEqual(150);
    await page.locator('.xq-cert__verify').scrollIntoViewIfNeeded();
    await shot(page, 'e2e-certificate-qr');

    // Read the code back from the image the page rendered: draw it, sample the centre of every module (8 px each,
    // behind a 4-module quiet zone) and compare with qrcode-generator's matrix for the expected link.
    const expected = expectedModules(link);
    const read = await page.evaluate((n) => {
      const img = Array.from(document.querySelectorAll<HTMLImageElement>('.xq-cert__qr img')).find((i) => i.offsetParent !== null)!;
      const side = img.naturalWidth;
      const canvas = document.createElement('canvas');
      canvas.width = side;
      canvas.height = side;
      const ctx = canvas.getContext('2d')!;
      ctx.drawImage(img, 0, 0, side, side);
      const unit = side / (n + 8);
      const data = ctx.getImageData(0, 0, side, side).data;
      const rows: boolean[][] = [];
      for (let r = 0; r < n; r++) {
        const row: boolean[] = [];
        for (let c = 0; c < n; c++) {
          const x = Math.floor((c + 4.5) * unit);
          const y = Math.floor((r + 4.5) * unit);
          row.push(data[(y * side + x) * 4] < 128);
        }
        rows.push(row);
      }
      const quiet = Array.from({ length: Math.floor(4 * unit) }, (_, i) => data[(i * side + i) * 4] > 128).every(Boolean);
      return { rows, quiet };
    }, expected.length);
    expect(read.quiet).toBe(true);
    expect(read.rows).toEqual(expected);

    // Scanning opens the link: the verify page checks the code without typing.
    const fresh = await app.page();
    await fresh.goto(link);
    await fresh.getByText('证书有效').waitFor();
    await fresh.getByText(CODE).first().waitFor();
    await shot(fresh, 'e2e-verify-from-link');
  });
});
