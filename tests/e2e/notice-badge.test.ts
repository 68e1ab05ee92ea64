/** Issue 14: a school notice waiting for a parent is visible outside 我的 — the number on the 我的 tab and a card on 首页 — and leaves once read and confirmed. */
import type { Page } from 'playwright-core';
import { loginFromMe, shot } from '../helpers/browser';
import { h5Suite } from '../helpers/h5';

const app = h5Suite();

/** Calls the API as a demo identity (the teachers who write and approve the notice work outside the parent's browser). */
async function api<T>(method: string, path: string, token: string | null, body?: unknown): Promise<T> {
  const res = await fetch(`${app.url()}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as T;
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}
const login = async (identity: string) => (await api<{ token: string }>('POST', '/api/auth/dev-login', null, { identity })).token;

/** 王静 writes a notice about 李子涵 and 周建国 approves it: it goes to 李子涵's mother, 张敏. */
async function sendNotice(): Promise<string> {
  const [pupil] = await app.server().db.query<{ id: string }>(`SELECT id FROM students WHERE name = '李子涵'`);
  const created = await api<{ id: string }>('POST', '/api/notices', await login('psychologist'), {
    studentId: pupil!.id, level: 'grade', observed: '近两周在课堂上多次独自落泪，午休时常一个人待在教室。', recommendation: '建议家长本周内带孩子做一次情绪评估。',
    institutions: [{ name: '太原市精神卫生绿色通道定点医院（演示）', phone: '0351-0000301', address: '小店区示例路 1 号' }],
    meetingSlots: [], meetingPlace: '', contactName: '王老师', contactPhone: '0351-0000101',
  });
  await api('POST', `/api/notices/${created.id}/approve`, await login('leader'), {});
  return created.id;
}

const tabBadge = (page: Page) => page.locator('.weui-tabbar__item', { hasText: '我的' }).locator('.taro-tabbar-badge');

test('a parent with an unread notice sees the number on the 我的 tab and a calm card on 首页; the card opens 学校通知; reading and confirming clear both', async () => {
  const page = await app.page();
  await page.goto(`${app.url()}/#/pages/me/index`);
  await loginFromMe(page, '张敏');
  await page.getByText('李子涵').first().waitFor();
  expect(await tabBadge(page).count()).toBe(0);

  const id = await sendNotice();
  // Back to 首页 (a tab show refreshes the numbers).
  await page.locator('.weui-tabbar__item', { hasText: '首页' }).click();
  const card = page.locator('.xq-notice-card:visible');
  await card.waitFor();
  expect(await card.innerText()).toContain('学校发来 1 份告知书，请查看并确认');
  // Numbers only: no pupil, no school, nothing of what the notice says.
  expect(await card.innerText()).not.toMatch(/李子涵|育英|落泪/);
  await tabBadge(page).waitFor();
  expect(await tabBadge(page).innerText()).toBe('1');
  // Calm, not the error colour: the card wears the theme's primary tones.
  const colours = await card.evaluate((el) => {
    const style = getComputedStyle(el);
    return { background: style.backgroundColor, border: style.borderTopColor };
  });
  expect(colours.background).not.toMatch(/rgb\(2(1[0-9]|[2-5][0-9]), [0-9]{1,2}, [0-9]{1,2}\)/);
  const box = await card.boundingBox();
  expect(box!.height).toBeGreaterThanOrEqual(44);
  await shot(page, 'e2e-home-notice-card');

  await card.click();
  await page.waitForFunction(() => location.hash.includes('packages/notices/inbox/index'));
  await page.locator('.xq-inbox__row:visible').first().waitFor();

  // Reading it and confirming it: the badge and the card go away.
  await page.goto(`${app.url()}/#/packages/notices/view/index?id=${id}`);
  await page.locator('.xq-notice__doc:visible').first().waitFor();
  const token = await page.evaluate(() => (JSON.parse(localStorage.getItem('xq_token') ?? '{}') as { data?: string }).data ?? '');
  expect(await api('GET', '/api/me/notices/counts', token)).toEqual({ unread: 0, unconfirmed: 1, waiting: 1 });
  await api('POST', `/api/notices/${id}/acknowledge`, token, {
    choice: 'self_care', reason: null, meetingSlot: null, signedName: '张敏', signature: { strokes: [[100, 200, 150, 180, 200, 220, 260, 190, 320, 230], [400, 150, 420, 300, 440, 160]] },
  });
  await page.goto(`${app.url()}/#/pages/index/index`);
  await page.locator('.xq-safety__eyebrow:visible', { hasText: '心理援助热线' }).first().waitFor();
  await page.locator('.weui-tabbar__item', { hasText: '我的' }).click();
  await page.getByText('孩子学校发出的心理健康告知书').first().waitFor();
  await page.waitForFunction(() => !document.querySelector('.weui-tabbar__item .taro-tabbar-badge'));
  await page.locator('.weui-tabbar__item', { hasText: '首页' }).click();
  await page.locator('.xq-safety__eyebrow:visible', { hasText: '心理援助热线' }).first().waitFor();
  expect(await page.locator('.xq-notice-card:visible').count()).toBe(0);
});
