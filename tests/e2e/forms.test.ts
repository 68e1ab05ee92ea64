import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { ARTIFACTS, apiFromPage, loginFromMe, shot } from '../helpers/browser';
import { h5Suite } from '../helpers/h5';

const app = h5Suite();
const VIEWPORT_H = 812;

/** Opens 我的 logged in as a demo identity. */
async function openAs(name: string): Promise<Page> {
  const page = await app.page();
  await page.goto(`${app.url()}/#/pages/me/index`);
  await loginFromMe(page, name);
  return page;
}

/** What the person sees now (the viewport only, not the whole page). */
async function screen(page: Page, name: string): Promise<void> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
}

/** The vertical position of an element's box in the viewport, once it has stopped moving. */
async function settledTop(page: Page, selector: string): Promise<{ top: number; bottom: number }> {
  let last = Number.NaN;
  for (let i = 0; i < 20; i++) {
    const box = await page.locator(selector).first().evaluate((el) => el.getBoundingClientRect().top);
    if (box === last) break;
    last = box;
    await page.waitForTimeout(100);
  }
  const r = await page.locator(selector).first().evaluate((el) => ({ top: el.getBoundingClientRect().top, bottom: el.getBoundingClientRect().bottom }));
  return r;
}

const OBSERVED = '最近两周李子涵午休时常一个人待在走廊尽头，课堂上多次走神，作业完成情况明显下降。';

test('a half-written notice comes back after a reload (the draft is kept on the server), and is gone once the notice is sent; an empty 提交确认 brings its first message into view', async () => {
  // 1. The psychology teacher starts a notice; leaving with unsaved text asks first (beforeunload).
  const teacher = await openAs('王静');
  await teacher.locator('.xq-cell:visible', { hasText: '告知书工作台' }).click();
  await teacher.locator('taro-button-core:visible', { hasText: '发出告知书' }).click();
  await teacher.locator('.xq-issue__student:visible', { hasText: '李子涵' }).click();
  const observed = teacher.locator('.xq-issue__area:visible textarea').first();
  await observed.fill(OBSERVED);
  await teacher.locator('.xq-count:visible', { hasText: `${OBSERVED.length}/2000` }).waitFor();
  const dialogs: string[] = [];
  teacher.on('dialog', (d) => {
    dialogs.push(d.type());
    void d.dismiss();
  });
  // A reload before the autosave: the page asks (and stays when the answer is no).
  await teacher.reload({ timeout: 3000 }).catch(() => undefined);
  expect(dialogs).toContain('beforeunload');

  // 2. A few seconds after typing stops the draft is saved; a reload then asks nothing and offers the draft.
  await teacher.locator('.xq-issue__draft-status:visible', { hasText: '草稿已自动保存' }).waitFor({ timeout: 15_000 });
  await screen(teacher, 'forms-draft-saved');
  const asked = dialogs.length;
  await teacher.reload();
  expect(dialogs.length).toBe(asked);
  await teacher.locator('.xq-issue__draft-offer:visible', { hasText: '李子涵' }).waitFor();
  await screen(teacher, 'forms-draft-offered');
  await teacher.locator('.xq-issue__draft-offer taro-button-core:visible', { hasText: '继续写草稿' }).click();
  expect(await teacher.locator('.xq-issue__area:visible textarea').first().inputValue()).toBe(OBSERVED);
  await teacher.locator('.xq-issue__picked:visible', { hasText: '李子涵' }).waitFor();
  const schoolId = /school=([0-9a-f-]{36})/.exec(decodeURIComponent(teacher.url()))?.[1] as string;
  const before = await apiFromPage<{ drafts: { id: string }[] }>(teacher, `/api/schools/${schoolId}/notice-drafts`);
  expect(before.drafts).toHaveLength(1);

  // 3. An empty phone number: 提交审批 brings that field into view with its message.
  await teacher.locator('.xq-page__footer taro-button-core:visible', { hasText: '提交审批' }).click();
  await teacher.locator('.xq-field-error:visible', { hasText: '请填写有效的联系电话' }).waitFor();
  const phone = await settledTop(teacher, '#xq-f-contactPhone');
  expect(phone.top).toBeGreaterThanOrEqual(0);
  expect(phone.bottom).toBeLessThanOrEqual(VIEWPORT_H);
  await screen(teacher, 'forms-issue-first-error');
  await teacher.locator('input[placeholder="家长可一键拨打"]:visible').fill('0351-0000101');
  await teacher.locator('.xq-page__footer taro-button-core:visible', { hasText: '提交审批' }).click();
  await teacher.locator('.xq-notice__head:visible', { hasText: '待审批' }).waitFor();
  const noticeId = /[?&]id=([0-9a-f-]{36})/.exec(decodeURIComponent(teacher.url()))?.[1] as string;
  const after = await apiFromPage<{ drafts: { id: string }[] }>(teacher, `/api/schools/${schoolId}/notice-drafts`);
  expect(after.drafts).toHaveLength(0);

  // 4. The leader approves; the mother opens it and taps 提交确认 with nothing filled in.
  const leader = await openAs('周建国');
  await leader.goto(`${app.url()}/#/packages/notices/view/index?id=${noticeId}`);
  await leader.locator('taro-button-core:visible', { hasText: '审批通过并发送' }).click();
  await leader.locator('.taro-modal__foot div', { hasText: '通过' }).click();
  await leader.locator('.xq-notice__head:visible', { hasText: '已发出' }).waitFor();

  const mother = await openAs('张敏');
  await mother.goto(`${app.url()}/#/packages/notices/view/index?id=${noticeId}`);
  await mother.locator('.xq-ack:visible').waitFor();
  const submit = mother.locator('.xq-ack taro-button-core:visible', { hasText: '提交确认' });
  await submit.scrollIntoViewIfNeeded();
  await submit.click();
  // The toast names the first problem and how many there are.
  await mother.getByText(/请先勾选“确认已收到”（共 \d 处需修改）/).waitFor();
  await mother.locator('.xq-field-error:visible', { hasText: '请先勾选“确认已收到”' }).waitFor();
  const first = await settledTop(mother, '.xq-field-error:visible');
  expect(first.top).toBeGreaterThanOrEqual(0);
  expect(first.bottom).toBeLessThanOrEqual(VIEWPORT_H);
  await screen(mother, 'forms-ack-first-error');
  await shot(mother, 'forms-ack-errors-full');
}, 300_000);
