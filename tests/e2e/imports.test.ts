/**
 * Issue 15: a school imports a 1,000-pupil class list with guardian phones from .xlsx in the H5 console — from 学生与绑定,
 * the template downloads, a file with mistakes shows them first with their cells and cannot be confirmed, the corrected
 * file is checked (1,000 new) and imported, and the same file again changes nothing; then the binding sheets of one
 * imported class download as one PDF with a page per imported guardian phone, and a guardian binds with a printed code.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import { ARTIFACTS, loginFromMe, shot } from '../helpers/browser';
import { h5Suite } from '../helpers/h5';

const app = h5Suite();
const HEADER = ['学号', '姓名', '年级', '班级', '学段', '监护人1关系', '监护人1手机号', '监护人2关系', '监护人2手机号'];
const SURNAMES = '王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗';
const GIVEN = '子涵一诺欣怡浩然梓轩雨桐思远俊熙可馨';

/** The class list: 1,000 pupils, each with a mother's and (for most) a father's phone. */
async function classList(mistakes: boolean): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('五年级名单');
  ws.addRow(HEADER);
  for (let i = 0; i < 1000; i++) {
    const name = `${SURNAMES[i % SURNAMES.length]}${GIVEN[(i * 7) % GIVEN.length]}${GIVEN[(i * 3 + 1) % GIVEN.length]}`;
    const cls = `五年级（${(i % 10) + 1}）班`;
    const phone2 = i % 4 === 0 ? '' : `139${String(20_000_000 + i).padStart(8, '0')}`;
    ws.addRow([`2026${String(i + 1).padStart(4, '0')}`, name, '五年级', cls, '小学', '母亲', `138${String(10_000_000 + i).padStart(8, '0')}`, phone2 ? '父亲' : '', phone2]);
  }
  if (mistakes) {
    ws.getCell('G7').value = '1380000';
    ws.getCell('A40').value = '20260001';
    ws.getCell('E120').value = '小 学五';
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

async function choose(page: Page, name: string, buffer: Buffer): Promise<void> {
  const [chooser] = await Promise.all([
    page.waitForEvent('filechooser'),
    page.locator('taro-button-core:visible', { hasText: /选择文件/ }).click(),
  ]);
  await chooser.setFiles({ name, mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer });
}

const count = (page: Page, label: string) => page.locator(`.xq-import__count[aria-label^="${label} "]:visible .xq-import__count-value`).innerText();

test('a school imports a 1,000-pupil class list with guardian phones from .xlsx in the H5 console', async () => {
  const db = app.server().db;
  const [{ id: school }] = await db.query<{ id: string }>("SELECT id FROM schools WHERE name = '小店区育英小学'");
  const page = await app.page();
  await page.goto(`${app.url()}/#/pages/me/index`);
  await loginFromMe(page, '王静');
  await page.goto(`${app.url()}/#/packages/notices/students/index?school=${school}`);
  await page.locator('.xq-students__import:visible').click();
  await page.locator('.xq-page:visible', { hasText: '导入学生名单' }).waitFor();
  await page.locator('.xq-state:visible', { hasText: '还没有选择文件' }).waitFor();
  await shot(page, 'import-empty');

  // The template: an .xlsx with the Chinese header row and an example row.
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('taro-button-core:visible', { hasText: '下载学生名单模板' }).click()]);
  expect(download.suggestedFilename()).toBe('学生名单导入模板.xlsx');
  const template = new ExcelJS.Workbook();
  await template.xlsx.load(fs.readFileSync((await download.path()) as string) as unknown as ArrayBuffer);
  expect((template.worksheets[0]!.getRow(1).values as unknown[]).slice(1)).toEqual(HEADER);

  // A file with three mistakes: they come first, with their cells; nothing can be imported.
  await choose(page, '五年级名单.xlsx', await classList(true));
  await page.locator('.xq-import__row:visible').first().waitFor({ timeout: 60_000 });
  expect(await count(page, '错误')).toBe('3');
  expect(await count(page, '新增')).toBe('997');
  const first = await page.locator('.xq-import__row:visible').evaluateAll((rows) => rows.slice(0, 3).map((r) => (r as HTMLElement).innerText.replace(/\s+/g, ' ')));
  expect(first[0]).toContain('第 7 行');
  expect(first[0]).toContain('G7');
  expect(first[0]).toContain('监护人1手机号须为 11 位手机号');
  expect(first[1]).toContain('A40');
  expect(first[1]).toContain('与第 2 行的学号重复');
  expect(first[2]).toContain('E120');
  await expect(page.locator('.xq-import__blocked:visible').innerText()).resolves.toContain('有 3 行有错误');
  const confirmButton = page.locator('taro-button-core:visible', { hasText: '确认导入' });
  expect(await confirmButton.evaluate((el) => el.hasAttribute('disabled') || (el as HTMLElement).className.includes('disabled'))).toBe(true);
  await shot(page, 'import-errors');
  expect((await db.query("SELECT 1 FROM students WHERE school_no LIKE '2026%'")).length).toBe(0);

  // The corrected file: 1,000 new rows; confirm; the result.
  await choose(page, '五年级名单.xlsx', await classList(false));
  await page.locator('.xq-import__ready:visible').waitFor({ timeout: 60_000 });
  expect(await count(page, '新增')).toBe('1000');
  expect(await count(page, '错误')).toBe('0');
  await shot(page, 'import-preview');
  await page.locator('taro-button-core:visible', { hasText: '确认导入（新增 1000，修改 0）' }).click();
  await page.locator('.xq-import__done:visible').waitFor({ timeout: 60_000 });
  await expect(page.locator('.xq-import__done:visible').innerText()).resolves.toContain('新增 1000 · 修改 0 · 不变 0');
  await shot(page, 'import-done');
  const [{ pupils }] = await db.query<{ pupils: number }>("SELECT count(*)::int AS pupils FROM students WHERE school_id = $1 AND school_no LIKE '2026%'", [school]);
  expect(pupils).toBe(1000);
  const [{ phones }] = await db.query<{ phones: number }>('SELECT count(*)::int AS phones FROM guardian_contacts c JOIN students s ON s.id = c.student_id WHERE s.school_id = $1', [school]);
  expect(phones).toBe(1750);

  // The same file again: every row unchanged, nothing to import.
  await page.locator('taro-button-core:visible', { hasText: '再导入一个文件' }).click();
  await choose(page, '五年级名单.xlsx', await classList(false));
  await page.locator('.xq-import__ready:visible').waitFor({ timeout: 60_000 });
  expect(await count(page, '不变')).toBe('1000');
  await page.locator('taro-button-core:visible', { hasText: '没有需要导入的变化' }).waitFor();
  await shot(page, 'import-again');

  // 五年级（1）班's binding sheets: one page per guardian phone the list registered, each with its own code.
  const [{ slots }] = await db.query<{ slots: number }>(
    "SELECT count(*)::int AS slots FROM guardian_contacts c JOIN students s ON s.id = c.student_id WHERE s.school_id = $1 AND s.class_name = '五年级（1）班'",
    [school],
  );
  expect(slots).toBe(150);
  await page.goto(`${app.url()}/#/packages/notices/students/index?school=${school}`);
  await page.locator('.xq-chips__chip:visible', { hasText: '五年级（1）班（100人）' }).click();
  const [sheets] = await Promise.all([
    page.waitForEvent('download', { timeout: 120_000 }),
    page.locator('taro-button-core:visible', { hasText: '下载 五年级（1）班 绑定单（PDF）' }).click(),
  ]);
  expect(sheets.suggestedFilename()).toBe('五年级（1）班家长绑定单.pdf');
  const pdfFile = path.join(ARTIFACTS, 'import-binding-sheets.pdf');
  await sheets.saveAs(pdfFile);
  expect(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [pdfFile]).toString())?.[1]).toBe(String(slots));
  execFileSync('pdftoppm', ['-r', '60', '-png', '-f', '1', '-l', '1', pdfFile, path.join(ARTIFACTS, 'import-binding-sheets')]);
  const codes = [...execFileSync('pdftotext', ['-layout', pdfFile, '-']).toString().matchAll(/\b([A-Z2-9]{4}-[A-Z2-9]{4})\b/g)].map((m) => m[1]);
  expect(new Set(codes).size).toBe(slots);

  // A guardian opens the first page's QR link (the code filled in) and binds.
  const parent = await app.page();
  await parent.goto(`${app.url()}/#/pages/me/index`);
  await loginFromMe(parent, '王芳');
  await parent.goto(`${app.url()}/#/packages/notices/bind/index?code=${codes[0]}`);
  await parent.locator('input[placeholder="如 ABCD-EFGH"]:visible').waitFor();
  expect(await parent.locator('input[placeholder="如 ABCD-EFGH"]:visible').inputValue()).toBe(codes[0]);
  await parent.locator('.xq-chips__chip:visible', { hasText: '母亲' }).click();
  await parent.locator('.xq-bind__check:visible').click();
  await parent.locator('.xq-page__footer taro-button-core:visible', { hasText: '同意并绑定' }).click();
  await parent.locator('.xq-bind__done:visible', { hasText: '已绑定' }).waitFor();
  await shot(parent, 'import-bound');
}, 360_000);

test('an administrator adds a school under a district and edits a station from the 名录 console', async () => {
  const db = app.server().db;
  const page = await app.page();
  await page.goto(`${app.url()}/#/pages/me/index`);
  await loginFromMe(page, '平台管理员');
  const [{ id: district }] = await db.query<{ id: string }>("SELECT id FROM regions WHERE code = '140105'");
  await page.goto(`${app.url()}/#/packages/admin/registry/index?id=${district}`);
  await page.locator('.xq-registry__action:visible', { hasText: '新增学校' }).waitFor();
  await shot(page, 'registry-actions');
  await page.locator('.xq-registry__action:visible', { hasText: '新增学校' }).click();
  await page.locator('.xq-page:visible', { hasText: '新增学校' }).waitFor();
  await page.locator('taro-button-core:visible', { hasText: '添加学校' }).click();
  await page.locator('.xq-field-error:visible', { hasText: '请填写学校名称' }).waitFor();
  await page.locator('input[placeholder="学校名称"]:visible').fill('小店区晨光小学');
  await page.locator('.xq-unit__chip:visible', { hasText: '小学' }).click();
  await shot(page, 'registry-new-school');
  await page.locator('taro-button-core:visible', { hasText: '添加学校' }).click();
  await page.locator('.xq-registry__item:visible', { hasText: '小店区晨光小学' }).waitFor();
  const [made] = await db.query<{ stages: string[]; opened: string | null }>("SELECT stages, to_char(opened_on, 'YYYY-MM-DD') AS opened FROM schools WHERE name = '小店区晨光小学'");
  expect(made!.stages).toEqual(['primary']);
  expect(made!.opened).not.toBeNull();

  await page.locator('.xq-registry__item:visible', { hasText: '坞城街道家庭教育指导服务站' }).locator('.xq-link', { hasText: '编辑' }).click();
  await page.locator('.xq-page:visible', { hasText: '修改站点' }).waitFor();
  await page.locator('input[placeholder^="如：太原市小店区"]:visible').fill('太原市小店区坞城路 100 号');
  await shot(page, 'registry-edit-station');
  await page.locator('taro-button-core:visible', { hasText: '保存修改' }).click();
  await page.locator('.xq-registry__item:visible', { hasText: '坞城路 100 号' }).waitFor();
  const trail = await db.query<{ action: string; entity_type: string }>("SELECT action, entity_type FROM registry_audit WHERE action = 'edited'");
  expect(trail).toEqual([{ action: 'edited', entity_type: 'station' }]);
}, 120_000);
