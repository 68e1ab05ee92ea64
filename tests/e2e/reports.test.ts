import fs from 'node:fs';
import type { Page } from 'playwright-core';
import type { ReportDashboardOutput } from '../../types';
import { apiFromPage, loginFromMe, shot } from '../helpers/browser';
import { h5Suite } from '../helpers/h5';
import { readXlsx } from '../helpers/xlsx';

const app = h5Suite();

/** Logs in as a demo identity and opens 妇联统计 from 我的. */
async function openReports(name: string): Promise<Page> {
  const page = await app.page();
  await page.goto(`${app.url()}/#/pages/me/index`);
  await loginFromMe(page, name);
  await page.locator('.xq-cell:visible', { hasText: '妇联统计' }).click();
  await page.locator('.xq-rpt__hero:visible').waitFor();
  return page;
}

const here = (page: Page, name: string) => page.locator('.xq-rpt__crumb-here:visible', { hasText: name }).waitFor();
const heroText = (page: Page) => page.locator('.xq-rpt__hero:visible').innerText();

test('太原市 federation staff: coverage against 60% with a chart, drill into a district and a station, breadcrumbs back, an .xlsx with the same figures, "<5" for small counts', async () => {
  const page = await openReports('刘芳');
  const year = new Date().getFullYear();
  const city = await apiFromPage<ReportDashboardOutput>(page, `/api/reports/dashboard?period=${year}`);
  expect(city.unit.name).toBe('太原市');
  const cov = city.figures.coverage;
  expect(cov.stations).toBeGreaterThan(10);
  expect(cov.stationsHeld).toBeGreaterThan(0);
  await here(page, '太原市');
  const rate = `${Math.round((cov.rate as number) * 1000) / 10}%`;
  expect(await heroText(page)).toContain(rate);
  expect(await heroText(page)).toContain(`${cov.stationsHeld} / ${cov.stations} 个站点`);
  expect(await heroText(page)).toContain(cov.meetsTarget ? '已达 60% 目标' : '未达 60% 目标');
  // The chart: one bar per district with stations and the dashed 60% line in each track.
  const chart = page.locator('.xq-chart--rates:visible');
  expect(await chart.locator('.xq-chart__target').count()).toBeGreaterThan(4);
  await expect(chart.locator('.xq-chart__target-label').innerText()).resolves.toBe('目标 60%');
  const targetLeft = await chart.locator('.xq-chart__target').first().evaluate((el) => (el as HTMLElement).style.left);
  expect(targetLeft).toBe('60%');
  expect(await page.locator('.xq-chart__col-fill:visible').count()).toBeGreaterThan(10);
  // A district with fewer than five families shows "<5", on the page as in the API.
  const small = city.children.find((c) => c.figures.participation?.familiesReached.reason === 'small');
  expect(small).toBeDefined();
  await expect(page.locator('.xq-rpt__child:visible', { hasText: small!.unit.name }).innerText()).resolves.toContain('覆盖家庭 <5');
  expect(JSON.stringify(city)).not.toMatch(/"value":[1-4][,}]/);
  const atRisk = page.locator('.xq-rpt__risk:visible');
  expect(await atRisk.count()).toBe(city.atRiskTotal);
  await shot(page, 'reports-city');

  // The .xlsx of the city: it opens and its figures are the page's.
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('taro-button-core:visible', { hasText: '导出 Excel' }).click()]);
  expect(download.suggestedFilename()).toBe(`太原市-统计-${year}.xlsx`);
  const sheets = readXlsx(fs.readFileSync((await download.path()) as string));
  expect(sheets).toHaveLength(4);
  const row = sheets[0]!.find((r) => r[0] === '太原市')!;
  const p = city.figures.participation!;
  // Counts and the rate are numeric cells now (the rate a fraction with a percent format); hidden counts keep their text.
  expect(row.slice(2, 9)).toEqual([String(cov.stations), String(cov.stationsHeld), String(cov.rate), cov.meetsTarget ? '是' : '否', p.familiesReached.text, p.parentsOnline.text, p.parentsAttended.text]);
  if (city.children.some((c) => c.figures.participation?.familiesReached.reason !== null)) await page.locator('.xq-rpt__privacy:visible', { hasText: '部分数字为保护隐私已隐藏' }).waitFor();
  expect(await heroText(page)).toContain(`${row[3]} / ${row[2]} 个站点`);
  await expect(page.locator('.xq-rpt__stat:visible', { hasText: '覆盖家庭' }).innerText()).resolves.toContain(row[6] as string);
  expect(sheets[0]!.find((r) => r[0] === small!.unit.name)![6]).toBe('<5');
  expect(sheets[3]!.slice(1).map((r) => r[0]).sort()).toEqual(city.atRisk.map((s) => s.name).sort());

  // Drill down: 小店区, then one of its stations; breadcrumbs lead back up.
  await page.locator('.xq-rpt__child:visible', { hasText: '小店区' }).click();
  await here(page, '小店区');
  expect(await page.locator('.xq-rpt__crumb-link:visible').allInnerTexts()).toEqual(['太原市']);
  const district = await apiFromPage<ReportDashboardOutput>(page, `/api/reports/dashboard?unitId=${city.children.find((c) => c.unit.name === '小店区')!.unit.id}&period=${year}`);
  expect(await heroText(page)).toContain(`${district.figures.coverage.stationsHeld} / ${district.figures.coverage.stations} 个站点`);
  await expect(page.locator('.xq-rpt__child:visible', { hasText: '小店区坞城路小学' }).innerText()).resolves.toContain('学校');
  await shot(page, 'reports-district');
  await page.locator('.xq-rpt__child:visible', { hasText: '坞城路小学家长学校' }).click();
  await here(page, '坞城路小学家长学校');
  expect(await page.locator('.xq-rpt__crumb-link:visible').allInnerTexts()).toEqual(['太原市', '小店区']);
  expect(await heroText(page)).toContain('1 / 1 个站点');
  expect(await heroText(page)).toContain('100%');
  await shot(page, 'reports-station');
  await page.locator('.xq-rpt__crumb-link:visible', { hasText: '太原市' }).click();
  await here(page, '太原市');
  expect(await heroText(page)).toContain(rate);
});

test('a district\'s federation staff see their district only: another district is not found, on the page and in the API', async () => {
  const { db } = app.server();
  const [xiaodian] = await db.query<{ id: string }>("SELECT id FROM regions WHERE name = '小店区'");
  const [yingze] = await db.query<{ id: string }>("SELECT id FROM regions WHERE name = '迎泽区'");
  const [user] = await db.query<{ id: string }>("INSERT INTO users (dev_identity, display_name) VALUES ('fed_xiaodian', '孙晓') RETURNING id");
  await db.query("INSERT INTO app_meta (key, value) VALUES ('dev_identity:fed_xiaodian', '小店区妇联工作人员')");
  await db.query("INSERT INTO privacy_consents (user_id, version) VALUES ($1, (SELECT version FROM privacy_consents LIMIT 1))", [user!.id]);
  await db.query("INSERT INTO role_grants (user_id, role, scope_type, scope_id) VALUES ($1, 'federation_staff', 'region', $2)", [user!.id, xiaodian!.id]);

  const page = await openReports('孙晓');
  await here(page, '小店区');
  expect(await page.locator('.xq-rpt__crumb-link:visible').count()).toBe(0);
  const other = await apiFromPage<{ error: { code: string; message: string } }>(page, `/api/reports/dashboard?unitId=${yingze!.id}`);
  expect(other.error).toMatchObject({ code: 'NOT_FOUND', message: '地区不存在或不在您的管辖范围内' });
  const city = await apiFromPage<{ error: { code: string } }>(page, `/api/reports/dashboard?unitId=${(await db.query<{ id: string }>("SELECT id FROM regions WHERE name = '太原市'"))[0]!.id}`);
  expect(city.error.code).toBe('NOT_FOUND');
  await shot(page, 'reports-district-staff');

  await page.goto(`${app.url()}/#/packages/reports/dashboard/index?unit=${yingze!.id}`);
  await page.locator('.xq-state--error:visible', { hasText: '地区不存在或不在您的管辖范围内' }).waitFor();
  expect(await page.locator('.xq-rpt__hero:visible').count()).toBe(0);
  await shot(page, 'reports-other-district-refused');
});
