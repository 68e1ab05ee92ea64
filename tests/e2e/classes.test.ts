import type { Page } from 'playwright-core';
import type { StudentListOutput } from '../../types';
import { loginFromMe, shot } from '../helpers/browser';
import { h5Suite } from '../helpers/h5';

const app = h5Suite();

/** Opens 我的 logged in as a demo identity. */
async function openAs(name: string): Promise<Page> {
  const page = await app.page();
  await page.goto(`${app.url()}/#/pages/me/index`);
  await loginFromMe(page, name);
  return page;
}

/** From 我的: 告知书工作台 → 班级与班主任. */
async function openClasses(page: Page): Promise<void> {
  await page.locator('.xq-cell:visible', { hasText: '告知书工作台' }).click();
  await page.locator('taro-button-core:visible', { hasText: '班级与班主任' }).click();
  await page.locator('.xq-classes__note:visible').waitFor();
}

const card = (page: Page, name: string) => page.locator('.xq-classes__card:visible', { hasText: name });

/** The session token the page logged in with. */
async function tokenOf(page: Page): Promise<string> {
  return page.evaluate(() => (JSON.parse(localStorage.getItem('xq_token') ?? '{"data":""}') as { data: string }).data);
}

/** The pupils a session gets from the API, by name. */
async function pupils(token: string, school: string): Promise<string[]> {
  const res = await fetch(`${app.url()}/api/schools/${school}/students`, { headers: { authorization: `Bearer ${token}` } });
  return ((await res.json()) as StudentListOutput).students.map((s) => s.name).sort();
}

test('a school leader assigns a 班主任 to a class and takes it back; the 班主任 sees that class\'s pupils only meanwhile', async () => {
  const [school] = await app.server().db.query<{ id: string }>(`SELECT id FROM schools WHERE name = '小店区育英小学'`);
  const schoolId = school!.id;
  const headTeacher = await openAs('陈磊');
  const token = await tokenOf(headTeacher);
  expect(await pupils(token, schoolId)).toEqual(['周雨桐', '孙浩然', '李子涵'].sort());
  await openClasses(headTeacher);
  await card(headTeacher, '五年级2班').getByText('班主任：陈磊').waitFor();
  expect(await headTeacher.locator('.xq-classes__card:visible').count()).toBe(1);
  expect(await headTeacher.locator('taro-button-core:visible', { hasText: '指定班主任' }).count()).toBe(0);
  await shot(headTeacher, 'classes-head-teacher');

  const leader = await openAs('周建国');
  await openClasses(leader);
  await card(leader, '五年级2班').getByText('班主任：陈磊').waitFor();
  await card(leader, '四年级1班').getByText('未指定班主任').waitFor();
  await shot(leader, 'classes-leader');
  await card(leader, '四年级1班').locator('taro-button-core', { hasText: '指定班主任' }).click();
  await card(leader, '四年级1班').locator('.xq-classes__option', { hasText: '陈磊' }).click();
  await card(leader, '四年级1班').getByText('班主任：陈磊').waitFor();
  await shot(leader, 'classes-assigned');
  expect(await pupils(token, schoolId)).toEqual(['吴思远', '周雨桐', '孙浩然', '李子涵'].sort());

  await card(leader, '四年级1班').locator('taro-button-core', { hasText: '取消指定' }).click();
  await leader.locator('.taro-modal__foot div', { hasText: '取消指定' }).click();
  await card(leader, '四年级1班').getByText('未指定班主任').waitFor();
  expect(await pupils(token, schoolId)).toEqual(['周雨桐', '孙浩然', '李子涵'].sort());
}, 180_000);

test('a school leader opens a class and closes it again: the card says 已撤销 and offers no more actions; the 班主任 does not see the class', async () => {
  const leader = await openAs('周建国');
  await openClasses(leader);
  await leader.locator('taro-button-core:visible', { hasText: '新建班级' }).first().click();
  const form = leader.locator('.xq-section:visible', { hasText: '新建班级' });
  await form.locator('input').nth(0).fill('六年级');
  await form.locator('input').nth(1).fill('9班');
  await form.locator('taro-button-core', { hasText: '新建班级' }).click();
  await card(leader, '六年级9班').getByText('0 名学生').waitFor();
  await card(leader, '六年级9班').locator('taro-button-core', { hasText: '指定班主任' }).click();
  await card(leader, '六年级9班').locator('.xq-classes__option', { hasText: '陈磊' }).click();
  await card(leader, '六年级9班').getByText('班主任：陈磊').waitFor();
  await card(leader, '六年级9班').locator('taro-button-core', { hasText: '撤销班级' }).click();
  await leader.getByText('学生和已有的告知书记录都会保留').waitFor();
  await shot(leader, 'classes-close-confirm');
  await leader.locator('.taro-modal__foot div', { hasText: '撤销班级' }).click();
  await card(leader, '六年级9班').getByText('已撤销').waitFor();
  expect(await card(leader, '六年级9班').locator('taro-button-core').count()).toBe(0);
  await shot(leader, 'classes-closed');
  const headTeacher = await openAs('陈磊');
  await openClasses(headTeacher);
  await card(headTeacher, '五年级2班').waitFor();
  expect(await card(headTeacher, '六年级9班').count()).toBe(0);
}, 180_000);
