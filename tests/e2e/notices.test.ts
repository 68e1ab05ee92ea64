import type { Page } from 'playwright-core';
import type { AuditVerifyOutput, NoticeView } from '../../types';
import { runDueJobs } from '../../src/server/jobs';
import { apiFromPage, loginFromMe, shot } from '../helpers/browser';
import { h5Suite } from '../helpers/h5';

const HOUR = 3_600_000;
let offsetMs = 0;
const app = h5Suite({ clock: () => new Date(Date.now() + offsetMs) });

/** Opens 我的 logged in as a demo identity. */
async function openAs(name: string): Promise<Page> {
  const page = await app.page();
  await page.goto(`${app.url()}/#/pages/me/index`);
  await loginFromMe(page, name);
  return page;
}

/** Opens a notice's page directly (as a WeChat message would). */
async function openNotice(page: Page, id: string): Promise<void> {
  await page.goto(`${app.url()}/#/packages/notices/view/index?id=${id}`);
}

function idFromUrl(page: Page): string {
  const id = /[?&]id=([0-9a-f-]{36})/.exec(decodeURIComponent(page.url()))?.[1];
  if (!id) throw new Error(`no notice id in ${page.url()}`);
  return id;
}

/** Confirms the open modal (Taro's H5 showModal). */
async function confirmModal(page: Page, text: string): Promise<void> {
  await page.locator('.taro-modal__foot div', { hasText: text }).click();
}

/** The psychology teacher writes a 年段 notice for a pupil; the school requires approval, so it waits for it. */
async function issueFor(page: Page, pupil: string): Promise<string> {
  await page.locator('.xq-cell:visible', { hasText: '告知书工作台' }).click();
  await page.locator('taro-button-core:visible', { hasText: '发出告知书' }).click();
  await page.locator('.xq-issue__student:visible', { hasText: pupil }).click();
  await page.locator('.xq-chips__chip:visible', { hasText: '年段预警' }).click();
  await page.locator('.xq-issue__area:visible textarea').first().fill(`近两周${pupil}在课堂上多次独自流泪，午休时常一个人待在教室，作业完成情况明显下降。`);
  await page.locator('.xq-issue__slot-add taro-button-core:visible', { hasText: '添加' }).click();
  await page.locator('input[placeholder="家长可一键拨打"]:visible').fill('0351-0000101');
  await page.locator('.xq-page__footer taro-button-core:visible', { hasText: '提交审批' }).click();
  await page.locator('.xq-notice__head:visible', { hasText: '待审批' }).waitFor();
  return idFromUrl(page);
}

/** The school leader approves a notice, which sends it. */
async function approve(id: string): Promise<void> {
  const leader = await openAs('周建国');
  await openNotice(leader, id);
  await leader.locator('taro-button-core:visible', { hasText: '审批通过并发送' }).click();
  await confirmModal(leader, '通过');
  await leader.locator('.xq-notice__head:visible', { hasText: '已发出' }).waitFor();
}

/** Draws a signature with the mouse across the pad. */
async function sign(page: Page): Promise<void> {
  const canvas = page.locator('.xq-sig__canvas:visible');
  await canvas.scrollIntoViewIfNeeded();
  const box = await canvas.boundingBox();
  if (!box) throw new Error('no signature pad');
  const at = (x: number, y: number) => [box.x + box.width * x, box.y + box.height * y] as const;
  await page.mouse.move(...at(0.1, 0.5));
  await page.mouse.down();
  for (let i = 1; i <= 30; i++) await page.mouse.move(...at(0.1 + 0.8 * (i / 30), 0.5 + 0.25 * Math.sin(i / 3)), { steps: 2 });
  await page.mouse.up();
}

/** How many pixels of the visible signature canvas carry ink. */
async function inkedPixels(page: Page): Promise<number> {
  return page.locator('.xq-sig__canvas:visible').first().evaluate((c: HTMLCanvasElement) => {
    const data = c.getContext('2d')?.getImageData(0, 0, c.width, c.height).data ?? [];
    let n = 0;
    for (let i = 3; i < data.length; i += 4) if ((data[i] ?? 0) > 0) n++;
    return n;
  });
}

test('a teacher binds a parent and issues a notice a second teacher approves; the parent reads it under a watermark and signs 同意转介; the board shows it; another parent is refused; an unanswered notice escalates; the audit chain verifies and finds a tampered row', async () => {
  // 1. The psychology teacher generates a binding code for 孙浩然's mother.
  const teacher = await openAs('王静');
  await teacher.locator('.xq-cell:visible', { hasText: '告知书工作台' }).click();
  await teacher.locator('taro-button-core:visible', { hasText: '学生与绑定' }).click();
  await teacher.locator('.xq-students__row:visible', { hasText: '孙浩然' }).click();
  await teacher.locator('.xq-chips__chip:visible', { hasText: '母亲' }).click();
  await teacher.locator('taro-button-core:visible', { hasText: '生成绑定码' }).click();
  const code = (await teacher.locator('.xq-students__code:visible').innerText()).trim();
  expect(code).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
  await shot(teacher, 'notices-binding-code');

  // 2. 王芳 binds: refused without the separate consent, bound with it.
  const parent = await openAs('王芳');
  await parent.locator('.xq-cell:visible', { hasText: '绑定孩子' }).click();
  await parent.locator('input[placeholder="如 ABCD-EFGH"]:visible').fill(code.toLowerCase());
  await parent.locator('.xq-chips__chip:visible', { hasText: '母亲' }).click();
  await parent.locator('.xq-page__footer taro-button-core:visible', { hasText: '同意并绑定' }).click();
  await parent.locator('.xq-field-error:visible', { hasText: '请阅读并勾选单独同意' }).waitFor();
  await parent.locator('.xq-bind__check:visible').click();
  await parent.locator('.xq-page__footer taro-button-core:visible', { hasText: '同意并绑定' }).click();
  await parent.locator('.xq-bind__done:visible', { hasText: '已绑定 孙浩然' }).waitFor();
  await shot(parent, 'notices-bound');

  // 3. The teacher issues a notice; the school requires a second teacher, and the leader approves.
  const writer = await openAs('王静');
  const first = await issueFor(writer, '孙浩然');
  await shot(writer, 'notices-pending');
  await approve(first);

  // 4. The parent sees it unread, opens it under her watermark, and acknowledges with 同意转介 and a signature.
  const reader = await openAs('王芳');
  await reader.locator('.xq-me__badge:visible', { hasText: '1' }).waitFor();
  await reader.locator('.xq-cell:visible', { hasText: '学校通知' }).click();
  await reader.locator('.xq-inbox__row:visible', { hasText: '孙浩然' }).click();
  await reader.locator('.xq-ack:visible').waitFor();
  expect(await reader.locator('.xq-wm__name:visible').first().innerText()).toBe('王芳');
  await reader.locator('.xq-inst__item:visible', { hasText: '绿色通道' }).waitFor();
  await shot(reader, 'notices-guardian-view');
  await reader.locator('.xq-ack__received:visible').click();
  await reader.locator('.xq-chips__chip:visible', { hasText: '同意转介' }).click();
  await reader.locator('input[placeholder="请输入你的真实姓名"]:visible').fill('王芳');
  await sign(reader);
  expect(await inkedPixels(reader)).toBeGreaterThan(500);
  await reader.locator('.xq-ack taro-button-core:visible', { hasText: '提交确认' }).click();
  await reader.locator('.xq-notice__acked:visible', { hasText: '同意转介' }).waitFor();
  await shot(reader, 'notices-acknowledged');

  // 5. The teacher's board shows it acknowledged with the referral; the receipt draws the signature back.
  const board = await openAs('王静');
  await board.locator('.xq-cell:visible', { hasText: '告知书工作台' }).click();
  await board.locator('.xq-board__item:visible', { hasText: '孙浩然' }).locator('.xq-pill', { hasText: '同意转介' }).waitFor();
  await board.locator('.xq-board__item:visible', { hasText: '已确认 1/1' }).waitFor();
  await shot(board, 'notices-board');
  await board.locator('.xq-board__item:visible', { hasText: '孙浩然' }).click();
  await board.locator('.xq-notice__recipient:visible', { hasText: '王芳' }).waitFor();
  await board.waitForTimeout(300);
  expect(await inkedPixels(board)).toBeGreaterThan(500);
  const staffView = await apiFromPage<NoticeView>(board, `/api/notices/${first}`);
  expect(staffView.kind === 'staff' && staffView.recipients[0]?.choice).toBe('referral');

  // 6. Another parent gets a refusal for the same notice, on the page and from the API.
  const stranger = await openAs('张敏');
  await openNotice(stranger, first);
  await stranger.locator('.xq-state--error:visible').waitFor();
  expect(await stranger.locator('.xq-notice__doc').count()).toBe(0);
  const refused = await apiFromPage<{ error?: { code: string } }>(stranger, `/api/notices/${first}`);
  expect(['NOT_FOUND', 'FORBIDDEN']).toContain(refused.error?.code);

  // 7. A notice to 李子涵's mother that nobody answers climbs the ladder as the jobs run later and later.
  const second = await issueFor(await openAs('王静'), '李子涵');
  await approve(second);
  const tasks = async () => app.server().db.query<{ kind: string }>('SELECT kind FROM notice_tasks WHERE notice_id = $1 ORDER BY created_at', [second]);
  const pushed = async () => app.server().db.query<{ n: number }>('SELECT count(*)::int AS n FROM notice_recipients WHERE notice_id = $1 AND second_push_at IS NOT NULL', [second]);
  for (const [hours, expectedTasks, expectedPushes] of [[23, [], 0], [25, [], 1], [49, ['call_guardian'], 1], [73, ['call_guardian', 'leader_followup'], 1]] as const) {
    offsetMs = hours * HOUR;
    await runDueJobs(app.server().deps, new Date(Date.now() + offsetMs));
    expect((await tasks()).map((t) => t.kind)).toEqual(expectedTasks);
    expect((await pushed())[0]?.n).toBe(expectedPushes);
  }
  // A day later the 班主任's call is overdue: red on the board, and done from the notice.
  offsetMs = 98 * HOUR;
  const headTeacher = await openAs('陈磊');
  await headTeacher.locator('.xq-cell:visible', { hasText: '告知书工作台' }).click();
  await headTeacher.locator('.xq-board__item.is-overdue:visible', { hasText: '李子涵' }).waitFor();
  await headTeacher.locator('.xq-board__task.is-overdue:visible', { hasText: '班主任电话联系监护人' }).waitFor();
  await shot(headTeacher, 'notices-board-overdue');
  await headTeacher.locator('.xq-board__task:visible', { hasText: '李子涵' }).click();
  await headTeacher.locator('.xq-notice__task:visible', { hasText: '班主任电话联系监护人' }).locator('taro-button-core', { hasText: '完成' }).click();
  await headTeacher.locator('.xq-chips__chip:visible', { hasText: '已联系上监护人' }).click();
  await headTeacher.locator('taro-button-core:visible', { hasText: '确认完成' }).click();
  await headTeacher.locator('.xq-notice__task:visible', { hasText: '班主任电话联系监护人' }).locator('.xq-pill', { hasText: '已完成' }).waitFor();
  expect(await headTeacher.locator('.xq-notice__doc:visible').innerText()).toContain('李子涵');
  expect(await headTeacher.locator('.xq-nbody__text').count()).toBe(0);
  await shot(headTeacher, 'notices-task-done');

  // 8. The administrator verifies the audit chain; a changed row is found by its number.
  const admin = await openAs('平台管理员');
  await admin.locator('.xq-cell:visible', { hasText: '告知书工作台' }).click();
  await admin.locator('taro-button-core:visible', { hasText: '校验审计链' }).click();
  await admin.locator('.xq-board__audit.is-ok:visible', { hasText: '审计链完整' }).waitFor();
  const [acknowledged] = await app.server().db.query<{ seq: string }>("SELECT seq FROM audit_log WHERE action = 'acknowledged' AND notice_id = $1", [first]);
  await app.server().db.query(`UPDATE audit_log SET details = jsonb_set(details, '{choice}', '"decline"') WHERE seq = $1`, [acknowledged?.seq]);
  await admin.locator('taro-button-core:visible', { hasText: '重新校验' }).click();
  await admin.locator('.xq-board__audit.is-broken:visible', { hasText: `第 ${acknowledged?.seq} 条` }).waitFor();
  await shot(admin, 'notices-audit-broken');
  const verified = await apiFromPage<AuditVerifyOutput>(admin, '/api/admin/audit/verify');
  expect(verified).toMatchObject({ ok: false, firstBroken: { seq: Number(acknowledged?.seq), reason: 'hash_mismatch' } });
}, 300_000);
