import type { Page } from 'playwright-core';
import type { DutyStatus, EventDetail } from '../../types';
import { apiFromPage, loginFromMe, shot } from '../helpers/browser';
import { h5Suite } from '../helpers/h5';

let offsetMs = 0;
const app = h5Suite({ clock: () => new Date(Date.now() + offsetMs) });
const TITLE = '识别孩子的焦虑与抑郁：家长讲座';

/** Opens the app logged in as a demo identity, on the 活动 tab. */
async function openAs(name: string): Promise<Page> {
  const page = await app.page();
  await page.goto(`${app.url()}/#/pages/me/index`);
  await loginFromMe(page, name);
  await page.locator('.weui-tabbar__item', { hasText: '活动' }).click();
  await page.locator('.xq-events__scope:visible').first().waitFor();
  return page;
}

/** The WeChat subscribe dialog cannot run outside WeChat: the parent's "allow" is added to the sign-up request as the mini-program would send it. */
async function acceptSubscriptions(page: Page): Promise<void> {
  await page.route('**/api/events/*/signup', async (route) => {
    if (route.request().method() !== 'POST') return route.continue();
    const body = JSON.parse(route.request().postData() ?? '{}') as Record<string, unknown>;
    await route.continue({ postData: JSON.stringify({ ...body, acceptedTemplates: ['signup_result', 'event_reminder', 'event_cancelled'] }) });
  });
}

const eventOf = (page: Page, id: string) => apiFromPage<EventDetail>(page, `/api/events/${id}`);

/** Opens the session from the 活动 tab (or 我的报名) by tapping its card. */
async function openSession(page: Page, scope = '孩子学校附近'): Promise<void> {
  await page.locator('.xq-events__scope:visible', { hasText: scope }).click();
  await page.locator('.xq-event-card:visible', { hasText: TITLE }).click();
  await page.locator('.xq-event__title:visible', { hasText: TITLE }).waitFor();
}

test('station staff publish a 心理健康教育 session for 2; three parents sign up; a cancellation promotes the third; staff check two in; the yearly duty turns done', async () => {
  const staff = await openAs('赵丽');
  await staff.locator('.xq-events__staff:visible').click();
  await staff.locator('.xq-manage__duty:visible', { hasText: '剩' }).waitFor();
  const stationId = (await apiFromPage<{ duties: DutyStatus[] }>(staff, '/api/events/manage')).duties[0]!.stationId;
  expect((await apiFromPage<DutyStatus>(staff, `/api/stations/${stationId}/duty`)).status).toBe('pending');
  await shot(staff, 'events-manage-before');
  await staff.locator('taro-button-core:visible', { hasText: '发布活动' }).click();
  await staff.locator('.xq-edit__label:visible', { hasText: '活动名称' }).waitFor();
  await staff.locator('input[placeholder^="如：青春期"]:visible').fill(TITLE);
  await staff.locator('input[placeholder="人数"]:visible').fill('2');
  await staff.locator('input[placeholder^="详细地址"]:visible').fill('太原市小店区坞城路 96 号社区服务中心二层');
  await shot(staff, 'events-edit');
  await staff.locator('.xq-page__footer taro-button-core:visible', { hasText: '发布活动' }).click();
  await staff.locator('.xq-roster__counts:visible').waitFor();
  const id = /[?&]id=([0-9a-f-]{36})/.exec(decodeURIComponent(staff.url()))?.[1] as string;
  expect(await eventOf(staff, id)).toMatchObject({ title: TITLE, mentalHealth: true, capacity: 2, host: { name: '坞城街道家庭教育指导服务站' } });
  const seats = async () => (await app.server().db.query<{ status: string; n: number }>('SELECT status, count(*)::int AS n FROM event_signups WHERE event_id = $1 GROUP BY status ORDER BY status', [id]));

  const tickets: Record<string, string> = {};
  for (const [name, button] of [['张敏', '立即报名'], ['王芳', '立即报名'], ['刘洋', '加入候补']] as const) {
    const parent = await openAs(name);
    await acceptSubscriptions(parent);
    await openSession(parent);
    await parent.locator('taro-button-core:visible', { hasText: button }).click();
    if (button === '加入候补') {
      await parent.getByText('您在候补第 1 位', { exact: false }).waitFor();
      await shot(parent, 'events-waitlisted');
    } else {
      await parent.locator('[aria-label="签到码"]:visible').waitFor();
      tickets[name] = (await parent.locator('[aria-label="签到码"]:visible').innerText()).trim();
      if (name === '王芳') await shot(parent, 'events-ticket');
    }
    await parent.context().close();
  }
  expect(await seats()).toEqual([{ status: 'confirmed', n: 2 }, { status: 'waitlisted', n: 1 }]);

  const first = await openAs('张敏');
  await openSession(first, '我的报名');
  await first.locator('.xq-event__cancel:visible').click();
  await first.locator('.taro-model__confirm', { hasText: '取消报名' }).click();
  await first.locator('.xq-pill:visible', { hasText: '已取消报名' }).waitFor();
  await first.context().close();

  const third = await openAs('刘洋');
  await openSession(third, '我的报名');
  await third.getByText('有名额空出，已为您保留', { exact: false }).waitFor();
  await shot(third, 'events-offered');
  await third.locator('taro-button-core:visible', { hasText: '确认参加' }).click();
  await third.locator('[aria-label="签到码"]:visible').waitFor();
  tickets['刘洋'] = (await third.locator('[aria-label="签到码"]:visible').innerText()).trim();
  await third.context().close();

  expect(await seats()).toEqual([{ status: 'cancelled', n: 1 }, { status: 'confirmed', n: 2 }]);

  const [{ starts_at: startsAt }] = await app.server().db.query<{ starts_at: Date }>('SELECT starts_at FROM events WHERE id = $1', [id]);
  offsetMs = new Date(startsAt).getTime() + 10 * 60_000 - Date.now();
  const desk = await openAs('赵丽');
  await desk.locator('.xq-events__staff:visible').click();
  await desk.locator('.xq-manage__event:visible', { hasText: TITLE }).click();
  await desk.locator('.xq-roster__counts:visible').waitFor();
  for (const name of ['王芳', '刘洋']) {
    await desk.locator('input[placeholder^="输入家长签到码"]:visible').fill(tickets[name]!);
    await desk.locator('.xq-roster__ticket-row taro-button-core:visible', { hasText: '签到' }).click();
    await desk.locator('.xq-roster__last:visible', { hasText: `${name}：签到成功` }).waitFor();
  }
  await desk.locator('input[placeholder^="输入家长签到码"]:visible').fill(tickets['王芳']!);
  await desk.locator('.xq-roster__ticket-row taro-button-core:visible', { hasText: '签到' }).click();
  await desk.locator('.xq-roster__last:visible', { hasText: '王芳：已签到' }).waitFor();
  await desk.locator('[aria-label="已签到 2"]:visible').waitFor();
  await desk.locator('taro-button-core:visible', { hasText: '展示现场签到码' }).click();
  await desk.locator('[aria-label="现场签到数字码"]:visible').waitFor();
  await shot(desk, 'events-roster');

  const duty = await apiFromPage<DutyStatus>(desk, `/api/stations/${stationId}/duty`);
  expect(duty).toMatchObject({ status: 'done', heldSessions: 1 });

  const outbox = await app.server().db.query<{ template: string; dedupe_key: string }>(
    'SELECT o.template, o.dedupe_key FROM outbox o JOIN event_signups s ON o.dedupe_key LIKE $2 || s.id::text WHERE s.event_id = $1 ORDER BY o.template, o.dedupe_key',
    [id, '%:'],
  );
  const kinds = outbox.map((m) => `${m.template}/${m.dedupe_key.split(':')[0]}`).sort();
  expect(kinds).toEqual(['event_reminder/reminder', 'event_reminder/reminder', 'event_reminder/reminder', 'signup_result/offer', 'signup_result/signup', 'signup_result/signup']);
}, 300_000);
