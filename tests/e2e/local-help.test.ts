// Local help and printable binding sheets in Chromium (issue 15): 妇联 sets 太原市's hotline in the console and a parent's
// safety card shows it (a guest still sees 12356); a 班主任 downloads a class's binding sheets as one PDF, the pages render,
// and a guardian opens the QR link of one page, finds the code filled in, and binds.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { ARTIFACTS, loginFromMe, shot } from '../helpers/browser';
import { h5Suite } from '../helpers/h5';

const app = h5Suite();

async function openAs(name: string): Promise<Page> {
  const page = await app.page();
  await page.goto(`${app.url()}/#/pages/me/index`);
  await loginFromMe(page, name);
  return page;
}

test('妇联 sets 太原市\'s hotline in the console; a 小店区 parent\'s safety card shows it with 12356 beside it; a guest sees 12356', async () => {
  const fed = await openAs('刘芳');
  await fed.locator('.xq-cell:visible', { hasText: '心理援助热线' }).click();
  await fed.locator('.xq-hotline__row:visible', { hasText: '太原市' }).click();
  await fed.locator('.xq-hotline__hero:visible', { hasText: '全国默认' }).waitFor();
  await fed.locator('input[placeholder="如 0351-1234567"]:visible').fill('0351-12a');
  await fed.locator('taro-button-core:visible', { hasText: '保存' }).click();
  await fed.locator('.xq-field-error:visible', { hasText: '只能包含数字' }).waitFor();
  await fed.locator('input[placeholder="如 0351-1234567"]:visible').fill('0351-7654321');
  await fed.locator('input[placeholder="如 24小时"]:visible').fill('每天 8:00–22:00');
  await fed.locator('taro-button-core:visible', { hasText: '保存' }).click();
  await fed.locator('.xq-hotline__hero:visible', { hasText: '0351-7654321' }).waitFor();
  await fed.locator('.xq-hotline__history:visible', { hasText: '刘芳 · 设置' }).waitFor();
  await shot(fed, 'e2e-hotline-console');

  const parent = await openAs('张敏');
  await parent.goto(`${app.url()}/#/pages/index/index`);
  await parent.locator('.xq-safety__number:visible', { hasText: '0351-7654321' }).waitFor();
  await parent.locator('.xq-safety__name:visible', { hasText: '太原市心理援助热线' }).waitFor();
  await parent.locator('.xq-safety__note:visible', { hasText: '全国心理援助热线 12356' }).waitFor();
  const card = await parent.locator('.xq-safety:visible').first().boundingBox();
  const number = await parent.locator('.xq-safety__number:visible').first().boundingBox();
  expect(number!.x + number!.width).toBeLessThanOrEqual(card!.x + card!.width);
  await parent.locator('.xq-safety:visible').first().screenshot({ path: path.join(ARTIFACTS, 'e2e-hotline-parent-card.png') });
  await parent.goto(`${app.url()}/#/packages/notices/inbox/index`);
  await parent.locator('.xq-safety__number:visible', { hasText: '0351-7654321' }).waitFor();

  const guest = await app.page();
  await guest.goto(`${app.url()}/#/pages/index/index`);
  await guest.locator('.xq-safety__number:visible', { hasText: '12356' }).waitFor();
  expect(await guest.locator('.xq-safety__number:visible', { hasText: '0351' }).count()).toBe(0);
});

test('a 班主任 downloads 五年级2班\'s binding sheets (one PDF, a page per guardian to bind); a guardian opens a page\'s QR link and binds with its code', async () => {
  const teacher = await openAs('陈磊');
  await teacher.locator('.xq-cell:visible', { hasText: '告知书工作台' }).click();
  await teacher.locator('taro-button-core:visible', { hasText: '学生与绑定' }).click();
  await teacher.locator('.xq-chips__chip:visible', { hasText: '五年级2班（3人）' }).click();
  await shot(teacher, 'e2e-binding-sheets-console');
  const [download] = await Promise.all([
    teacher.waitForEvent('download'),
    teacher.locator('taro-button-core:visible', { hasText: '下载 五年级2班 绑定单（PDF）' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('五年级2班家长绑定单.pdf');
  const pdfFile = path.join(ARTIFACTS, 'e2e-binding-sheets.pdf');
  await download.saveAs(pdfFile);
  expect(fs.readFileSync(pdfFile).subarray(0, 5).toString()).toBe('%PDF-');
  expect(/Pages:\s+2\b/.test(execFileSync('pdfinfo', [pdfFile]).toString())).toBe(true);
  execFileSync('pdftoppm', ['-r', '60', '-png', '-f', '1', '-l', '1', pdfFile, path.join(ARTIFACTS, 'e2e-binding-sheets')]);
  const text = execFileSync('pdftotext', ['-layout', pdfFile, '-']).toString();
  expect(text).toContain('心桥 · 家长绑定单');
  const code = /\b([A-Z2-9]{4}-[A-Z2-9]{4})\b/.exec(text)?.[1];
  expect(code).toBeTruthy();

  // The QR code carries this link; 王芳 opens it logged in, and the code is already filled in.
  const parent = await openAs('王芳');
  await parent.goto(`${app.url()}/#/packages/notices/bind/index?code=${code}`);
  await parent.locator('input[placeholder="如 ABCD-EFGH"]:visible').waitFor();
  expect(await parent.locator('input[placeholder="如 ABCD-EFGH"]:visible').inputValue()).toBe(code);
  await parent.locator('.xq-chips__chip:visible', { hasText: '母亲' }).click();
  await parent.locator('.xq-bind__check:visible').click();
  await parent.locator('.xq-page__footer taro-button-core:visible', { hasText: '同意并绑定' }).click();
  await parent.locator('.xq-bind__done:visible', { hasText: '已绑定' }).waitFor();
  await shot(parent, 'e2e-binding-sheets-bound');
});
