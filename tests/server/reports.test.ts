import fs from 'node:fs';
import path from 'node:path';
import { createHash, randomUUID } from 'node:crypto';
import ExcelJS from 'exceljs';
import { createApp } from '../../src/server/app';
import { importCourses } from '../../src/server/domain/learning/content';
import { readFigures } from '../../src/server/domain/reports/figures';
import { parsePeriod } from '../../src/server/domain/reports/period';
import { rebuildRollups, rollupLines } from '../../src/server/domain/reports/rebuild';
import { runDueJobs } from '../../src/server/jobs';
import type { Database } from '../../src/server/storage/db';
import { testApp, type TestApp } from '../helpers/app';
import { describeOn, describePg, scratchPostgres } from '../helpers/db';
import { sessionTokens } from '../helpers/parents';
import { removeReportDemo } from '../helpers/report-demo';
import { readXlsx } from '../helpers/xlsx';

const NOV = new Date('2026-11-23T08:00:00Z');
const OCT = new Date('2026-10-10T02:00:00Z');
const SEC = 1000;

interface Family { parents: string[]; tokens: string[]; student: string }

async function family(t: TestApp, schoolName: string, guardians = 1, boundAt = new Date('2026-01-05T00:00:00Z')): Promise<Family> {
  const [school] = await t.db.query<{ id: string }>('SELECT id FROM schools WHERE name = $1', [schoolName]);
  const [student] = await t.db.query<{ id: string }>(
    `INSERT INTO students (school_id, name, grade, class_name, stage) VALUES ($1, '学生', '五年级', '1班', 'primary') RETURNING id`, [school!.id],
  );
  const parents: string[] = [];
  for (let i = 0; i < guardians; i += 1) {
    const [u] = await t.db.query<{ id: string }>(`INSERT INTO users (display_name) VALUES ('家长') RETURNING id`);
    await t.db.query('INSERT INTO privacy_consents (user_id, version) VALUES ($1, $2)', [u!.id, t.deps.config.privacyVersion]);
    await t.db.query(`INSERT INTO guardianships (student_id, user_id, relation, created_at) VALUES ($1, $2, 'other', $3)`, [student!.id, u!.id, boundAt]);
    parents.push(u!.id);
  }
  return { parents, tokens: await sessionTokens(t.db, t.deps.config.sessionSecret, parents, NOV), student: student!.id };
}

async function id(t: TestApp, table: 'stations' | 'schools' | 'regions', name: string): Promise<string> {
  const [row] = await t.db.query<{ id: string }>(`SELECT id FROM ${table} WHERE name = $1`, [name]);
  return row!.id;
}

async function lessonOf(t: TestApp, slug: string, kind: 'article' | 'video'): Promise<{ course: string; lesson: string; duration: number }> {
  const [row] = await t.db.query<{ course: string; lesson: string; duration: number }>(
    `SELECT c.id AS course, l.id AS lesson, l.duration_seconds AS duration FROM courses c JOIN lessons l ON l.course_id = c.id
      WHERE c.slug = $1 AND l.kind = $2 ORDER BY l.position LIMIT 1`, [slug, kind],
  );
  return row!;
}

/**
 * A realistic mixed workload through the API: enrolments, video and article progress (one replayed late from October), a
 * session with sign-ups and check-ins, a cancelled session, completions, and bindings that change households: a second
 * guardian joins family 5, family 1's parent binds to family 0's child (two households reached in November merge), family
 * 6's parent binds a second child at another school, and family 7's binding is revoked (its household splits).
 */
async function workload(t: TestApp): Promise<{ families: Family[]; tok: Record<string, string> }> {
  await importCourses(t.db);
  const tok: Record<string, string> = {};
  for (const who of ['parent', 'station', 'federation', 'admin', 'leader']) tok[who] = await t.login(who);
  const families: Family[] = [];
  for (let i = 0; i < 6; i += 1) families.push(await family(t, '小店区育英小学', i === 0 ? 2 : 1));
  families.push(await family(t, '迎泽区阳光幼儿园'));
  families.push(await family(t, '迎泽区阳光幼儿园'));
  const video = await lessonOf(t, 'mh-education-primary', 'video');
  const article = await lessonOf(t, 'parent-child-primary', 'article');

  // October: two parents enrol and study.
  t.setNow(OCT);
  for (const f of families.slice(0, 2)) {
    expect((await t.call('POST', `/api/courses/${video.course}/enroll`, { token: f.tokens[0], body: {} })).status).toBe(200);
    expect((await t.call('GET', `/api/lessons/${video.lesson}`, { token: f.tokens[0] })).status).toBe(200);
  }
  t.setNow(new Date(OCT.getTime() + 200 * SEC));
  const oct = await t.call('POST', '/api/progress', {
    token: families[0]!.tokens[0], body: { statements: [{ id: randomUUID(), lessonId: video.lesson, verb: 'played', segments: [[0, 10]], position: 10, timestamp: new Date(OCT.getTime() + 100 * SEC).toISOString() }] },
  });
  expect(oct.body).toMatchObject({ accepted: 1, rejected: [] });

  // November: every family's first guardian studies; the second guardian of family 0 too.
  t.setNow(NOV);
  for (const f of families) {
    for (const token of f.tokens) {
      expect((await t.call('POST', `/api/courses/${article.course}/enroll`, { token, body: {} })).status).toBe(200);
      expect((await t.call('GET', `/api/lessons/${article.lesson}`, { token })).status).toBe(200);
    }
  }
  t.setNow(new Date(NOV.getTime() + 300 * SEC));
  for (const f of families) {
    for (const token of f.tokens) {
      const r = await t.call('POST', '/api/progress', {
        token, body: { statements: [{ id: randomUUID(), lessonId: article.lesson, verb: 'read', segments: [], position: 0, timestamp: new Date(NOV.getTime() + 250 * SEC).toISOString() }] },
      });
      expect(r.body.accepted).toBe(1);
    }
  }
  // Completions: family 1's parent, and both guardians of family 0 (one household, two parents).
  const complete = (user: string | undefined, s: number) =>
    t.db.query(`UPDATE enrollments SET completed_at = $2 WHERE user_id = $1 AND course_id = $3`, [user, new Date(NOV.getTime() + s * SEC), article.course]);
  await complete(families[1]!.parents[0], 400);
  await complete(families[0]!.parents[1], 405);
  await complete(families[0]!.parents[0], 410);

  // Two guardians join one household: a second guardian of family 5 binds, enrols and reads.
  t.setNow(new Date(NOV.getTime() + 420 * SEC));
  const [second] = await t.db.query<{ id: string }>(`INSERT INTO users (display_name) VALUES ('家长') RETURNING id`);
  await t.db.query('INSERT INTO privacy_consents (user_id, version) VALUES ($1, $2)', [second!.id, t.deps.config.privacyVersion]);
  await t.db.query(`INSERT INTO guardianships (student_id, user_id, relation, created_at) VALUES ($1, $2, 'father', $3)`, [families[5]!.student, second!.id, t.deps.clock()]);
  families[5]!.parents.push(second!.id);
  families[5]!.tokens.push(...(await sessionTokens(t.db, t.deps.config.sessionSecret, [second!.id], NOV)));
  expect((await t.call('POST', `/api/courses/${article.course}/enroll`, { token: families[5]!.tokens[1], body: {} })).status).toBe(200);
  expect((await t.call('GET', `/api/lessons/${article.lesson}`, { token: families[5]!.tokens[1] })).status).toBe(200);
  // A guardian binds a second child: family 1's parent binds to family 0's child (the two households merge); family 6's
  // parent (迎泽区) binds a younger child at 育英小学 (小店区) and studies again.
  t.setNow(new Date(NOV.getTime() + 450 * SEC));
  await t.db.query(`INSERT INTO guardianships (student_id, user_id, relation, created_at) VALUES ($1, $2, 'other', $3)`, [families[0]!.student, families[1]!.parents[0], t.deps.clock()]);
  const [school] = await t.db.query<{ id: string }>(`SELECT id FROM schools WHERE name = '小店区育英小学'`);
  const [sibling] = await t.db.query<{ id: string }>(
    `INSERT INTO students (school_id, name, grade, class_name, stage) VALUES ($1, '学生', '一年级', '2班', 'primary') RETURNING id`, [school!.id],
  );
  await t.db.query(`INSERT INTO guardianships (student_id, user_id, relation, created_at) VALUES ($1, $2, 'other', $3)`, [sibling!.id, families[6]!.parents[0], t.deps.clock()]);
  expect((await t.call('POST', `/api/courses/${video.course}/enroll`, { token: families[6]!.tokens[0], body: {} })).status).toBe(200);
  expect((await t.call('GET', `/api/lessons/${video.lesson}`, { token: families[6]!.tokens[0] })).status).toBe(200);
  t.setNow(new Date(NOV.getTime() + 520 * SEC));
  for (const [token, lesson] of [[families[5]!.tokens[1], article.lesson], [families[6]!.tokens[0], video.lesson]] as const) {
    const r = await t.call('POST', '/api/progress', {
      token, body: { statements: [{ id: randomUUID(), lessonId: lesson, verb: lesson === article.lesson ? 'read' : 'played', segments: lesson === article.lesson ? [] : [[0, 10]], position: lesson === article.lesson ? 0 : 10, timestamp: t.deps.clock().toISOString() }] },
    });
    expect(r.body.accepted).toBe(1);
  }

  // A 心理健康教育 session at 坞城 with three sign-ups and two check-ins; another one cancelled.
  const wucheng = await id(t, 'stations', '坞城街道家庭教育指导服务站');
  const startsAt = new Date(NOV.getTime() + 2 * 3_600_000);
  const session = (title: string) => ({
    host: { type: 'station', id: wucheng }, title, description: '讲座', topic: '心理健康教育', mentalHealth: true, speaker: '李红',
    startsAt: startsAt.toISOString(), endsAt: new Date(startsAt.getTime() + 7_200_000).toISOString(), mode: 'onsite', address: '坞城路', latitude: null, longitude: null,
    onlineUrl: null, capacity: 30, signupDeadline: new Date(startsAt.getTime() - 600_000).toISOString(),
  });
  const ev = await t.call('POST', '/api/events', { token: tok.station, body: session('识别孩子的焦虑') });
  expect(ev.status).toBe(201);
  const cancelled = await t.call('POST', '/api/events', { token: tok.station, body: session('已取消的讲座') });
  const tickets: string[] = [];
  for (const f of families.slice(0, 3)) {
    const s = await t.call('POST', `/api/events/${ev.body.id}/signup`, { token: f.tokens[0], body: { companion: false, acceptedTemplates: [] } });
    expect(s.status).toBe(200);
    tickets.push(s.body.event.signup.ticketCode);
  }
  await t.call('POST', `/api/events/${cancelled.body.id}/signup`, { token: families[0]!.tokens[0], body: { companion: false, acceptedTemplates: [] } });
  expect((await t.call('POST', `/api/events/${cancelled.body.id}/cancel`, { token: tok.station, body: { reason: '场地调整' } })).status).toBe(200);
  t.setNow(new Date(startsAt.getTime() + 600_000));
  for (const code of tickets.slice(0, 2)) {
    expect((await t.call('POST', `/api/events/${ev.body.id}/checkin`, { token: tok.station, body: { ticketCode: code } })).body.result).toBe('checked_in');
  }
  // Family 7's binding is revoked; the parent's later study reaches no family.
  await t.db.query('UPDATE guardianships SET revoked_at = $2 WHERE user_id = $1', [families[7]!.parents[0], new Date(startsAt.getTime() + 700_000)]);
  t.setNow(new Date(startsAt.getTime() + 900_000));
  return { families, tok };
}

function suite(name: string, open: () => Promise<Database | null>): void {
  describeOn(name)(name, () => {
    let t: TestApp;
    let families: Family[];
    let tok: Record<string, string>;
    let db: Database | null = null;
    let taiyuan: string;
    let xiaodian: string;
    let yingze: string;

    beforeAll(async () => {
      db = await open();
      t = await testApp(db ? { db } : {});
      // These figures are counted from the registry demo and the workload below: the dashboard demo's activity is taken out.
      await removeReportDemo(t.db);
      ({ families, tok } = await workload(t));
      taiyuan = await id(t, 'regions', '太原市');
      xiaodian = await id(t, 'regions', '小店区');
      yingze = await id(t, 'regions', '迎泽区');
    }, 120_000);
    afterAll(async () => {
      if (t) await t.close();
      if (db) await db.close();
    });

    test('the city dashboard: coverage against 60%, households once across guardians and children, small counts as "<5", the district children', async () => {
      const res = await t.call('GET', '/api/reports/dashboard?period=2026', { token: tok.federation });
      expect(res.status).toBe(200);
      const d = res.body;
      expect(d.unit).toMatchObject({ id: taiyuan, name: '太原市', type: 'city' });
      expect(d.figures.coverage).toEqual({ stations: 5, stationsHeld: 1, rate: 0.2, target: 0.6, meetsTarget: false });
      // Nine children, seven households: families 0 and 1 are one (a parent of both), family 6's two children are one,
      // family 5's two guardians one, family 7's revoked parent still counts for what they did while bound. Ten parents
      // studied online; two attended.
      expect(d.figures.participation.familiesReached).toEqual({ value: 7, suppressed: false, text: '7', reason: null });
      expect(d.figures.participation.parentsOnline).toEqual({ value: 10, suppressed: false, text: '10', reason: null });
      expect(d.figures.participation.parentsAttended).toEqual({ value: null, suppressed: true, text: '<5', reason: 'small' });
      expect(d.figures.learning.enrolments.value).toBe(13);
      expect(d.figures.learning.completions.text).toBe('<5');
      expect(d.figures.learning.householdCompletions.text).toBe('<5');
      expect(d.figures.learning.completionRate).toBeNull();
      // The demo seed's two sessions of 2026 count too; the cancelled one does not.
      expect(d.figures.sessions).toMatchObject({ sessions: 3, mentalHealthSessions: 2, held: 1, mentalHealthHeld: 1, signups: { text: '<5' }, noShowRate: null });
      expect(d.atRiskTotal).toBe(4);
      expect(d.atRisk.map((s: { name: string }) => s.name)).not.toContain('坞城街道家庭教育指导服务站');
      const names = d.children.map((c: { unit: { name: string } }) => c.unit.name);
      expect(names).toEqual(['小店区', '迎泽区', '杏花岭区', '尖草坪区']);
      const yz = d.children.find((c: { unit: { id: string } }) => c.unit.id === yingze);
      expect(yz.figures.participation.familiesReached.text).toBe('<5');
      // 太原市's 7 households less 小店区's would narrow 迎泽区's "<5": 小店区 is hidden as well ("—", complementary).
      const xd = d.children.find((c: { unit: { id: string } }) => c.unit.id === xiaodian);
      expect(xd.figures.participation.familiesReached).toEqual({ value: null, suppressed: true, text: '—', reason: 'complementary' });
      expect(d.trend.map((p: { month: string }) => p.month)).toHaveLength(11);
      const nov = d.trend.find((p: { month: string }) => p.month === '2026-11');
      expect(nov).toMatchObject({ familiesReached: { value: 7 }, stationsHeldToDate: 1, stationsToDate: 5 });
      expect(d.trend.find((p: { month: string }) => p.month === '2026-10').familiesReached.text).toBe('<5');
      expect(JSON.stringify(d)).not.toMatch(/"value":[1-4][,}]/);
    });

    test('drill-down: a district lists its schools and stations; a station shows its sessions only', async () => {
      const res = await t.call('GET', `/api/reports/dashboard?unitId=${xiaodian}&period=2026-11`, { token: tok.federation });
      expect(res.status).toBe(200);
      expect(res.body.breadcrumbs.map((b: { name: string }) => b.name)).toEqual(['太原市']);
      const kids = res.body.children.map((c: { unit: { name: string; type: string } }) => `${c.unit.type}:${c.unit.name}`);
      expect(kids).toEqual(expect.arrayContaining(['school:小店区育英小学', 'station:坞城街道家庭教育指导服务站', 'station:育英小学家长学校']));
      // Six households (families 0 and 1 are one; family 6 reaches 小店区 through its younger child at 育英小学), hidden in
      // 小店区's own dashboard exactly as in 太原市's drill-down, where it protects 迎泽区's "<5".
      expect(res.body.figures.participation.familiesReached).toMatchObject({ text: '—', reason: 'complementary' });
      const station = await t.call('GET', `/api/reports/dashboard?unitId=${await id(t, 'stations', '坞城街道家庭教育指导服务站')}&period=2026-11`, { token: tok.federation });
      expect(station.status).toBe(200);
      expect(station.body.figures).toMatchObject({ coverage: { stations: 1, stationsHeld: 1, rate: 1 }, participation: null, learning: null });
      expect(station.body.breadcrumbs.map((b: { name: string }) => b.name)).toEqual(['太原市', '小店区']);
    });

    test('the privacy wall: parents, school and station staff are refused; other regions are not found; admins see the province', async () => {
      for (const who of ['parent', 'station', 'leader']) {
        const r = await t.call('GET', '/api/reports/dashboard', { token: tok[who] });
        expect(r.status).toBe(403);
        expect(r.body.error.code).toBe('REPORTS_FORBIDDEN');
      }
      const datong = await id(t, 'regions', '大同市');
      const xinjian = await id(t, 'stations', '新建路社区家庭教育指导服务站');
      for (const unit of [datong, xinjian, randomUUID()]) {
        const r = await t.call('GET', `/api/reports/dashboard?unitId=${unit}`, { token: tok.federation });
        expect(r.status).toBe(404);
        expect(r.body.error).toMatchObject({ code: 'NOT_FOUND', message: '地区不存在或不在您的管辖范围内' });
      }
      expect((await t.call('GET', `/api/reports/export?unitId=${datong}&format=csv`, { token: tok.federation })).status).toBe(404);
      const admin = await t.call('GET', '/api/reports/dashboard', { token: tok.admin });
      expect(admin.body.unit.name).toBe('山西省');
      expect(admin.body.figures.coverage.stations).toBe(8);
      expect((await t.call('GET', '/api/reports/scope', { token: tok.federation })).body.regions.map((r: { name: string }) => r.name)).toEqual(['太原市']);
    });

    test('bad periods and exports are refused with a Chinese message', async () => {
      const cases: [string, string][] = [
        ['period=2027', '统计期间不能晚于本月'], ['period=2026-12', '统计期间不能晚于本月'], ['period=abc', '统计期间格式不正确，应为 2025、2025-03 或 2025-01..2025-06'],
        ['period=2025-03..2026-02', '统计期间须在同一年内'], ['period=2026-13', '月份应在 1 到 12 之间'], ['period=2026-05..2026-02', '统计期间的结束月份不能早于开始月份'],
      ];
      for (const [q, message] of cases) {
        const r = await t.call('GET', `/api/reports/dashboard?${q}`, { token: tok.federation });
        expect(r.status).toBe(400);
        expect(r.body.error).toMatchObject({ code: 'VALIDATION_FAILED', message });
      }
      const bad = await t.call('GET', '/api/reports/export?format=pdf', { token: tok.federation });
      expect(bad.status).toBe(400);
      expect(bad.body.error.details[0].message).toBe('导出格式须为 csv 或 xlsx');
      expect((await t.call('GET', '/api/reports/dashboard?unitId=xyz', { token: tok.federation })).status).toBe(400);
    });

    test('CSV export: UTF-8 with BOM, the figures with "<5", every station at zero', async () => {
      const r = await createApp(t.deps).request('/api/reports/export?period=2026&format=csv', { headers: { authorization: `Bearer ${tok.federation}` } });
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      expect(r.headers.get('content-disposition')).toContain(encodeURIComponent('太原市-统计-2026.csv'));
      const bytes = Buffer.from(await r.arrayBuffer());
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const lines = bytes.subarray(3).toString('utf8').split('\r\n');
      const text = lines.join('\n');
      expect(lines[0]).toBe('太原市 家庭教育心理健康工作统计（2026年）');
      const city = lines.find((l) => l.startsWith('太原市,市,'))!.split(',');
      expect(city.slice(2, 9)).toEqual(['5', '1', '20%', '否', '7', '10', '<5']);
      expect(text).toContain('柳巷社区家庭教育指导服务站,家庭教育指导服务站点,迎泽区');
    });

    test('.xlsx export opens (read back) with the same figures as the dashboard', async () => {
      const res = await createApp(t.deps).request('/api/reports/export?period=2026&format=xlsx', { headers: { authorization: `Bearer ${tok.federation}` } });
      expect(res.status).toBe(200);
      const buf = Buffer.from(await res.arrayBuffer());
      expect(buf.subarray(0, 2).toString()).toBe('PK');
      const sheets = readXlsx(buf);
      expect(sheets).toHaveLength(4);
      expect(sheets[3]!.slice(1).map((row) => row[0])).toHaveLength(4);
      // Read back with a maintained reader: counts are numbers, rates numbers with a percent format, hidden counts text.
      const book = new ExcelJS.Workbook();
      await book.xlsx.load(buf as unknown as ArrayBuffer);
      expect(book.worksheets.map((w) => w.name)).toEqual(['汇总', '课程（模块×学段）', '月度趋势', '尚未开展的站点']);
      const summary = book.worksheets[0]!;
      const rowOf = (name: string) => summary.getSheetValues().find((r) => Array.isArray(r) && r[1] === name) as ExcelJS.CellValue[];
      const city = rowOf('太原市');
      expect(city.slice(3, 10)).toEqual([5, 1, 0.2, '否', 7, 10, '<5']);
      const cityRow = summary.getRows(1, summary.rowCount)!.find((r) => r.getCell(1).value === '太原市')!;
      expect(cityRow.getCell(5).numFmt).toBe('0.0%');
      expect(cityRow.getCell(5).type).toBe(ExcelJS.ValueType.Number);
      expect(rowOf('迎泽区')[7]).toBe('<5');
      expect(rowOf('小店区')[7]).toBe('—');
      expect(String(summary.getCell('A2').value)).toBe(`生成时间：${new Date(t.deps.clock().getTime() + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ')}（北京时间）`);
      expect(String(summary.getCell('A3').value)).toContain('部分数字为保护隐私已隐藏');
      // No sheet keeps a number as text: every text cell is a label, "<5" or "—".
      for (const sheet of book.worksheets) {
        sheet.eachRow((row) => row.eachCell((cell) => {
          if (cell.type === ExcelJS.ValueType.String) expect({ at: `${sheet.name}!${cell.address}`, text: cell.value }).not.toEqual({ at: `${sheet.name}!${cell.address}`, text: expect.stringMatching(/^-?\d+(\.\d+)?%?$/) });
        }));
      }
      const trend = book.worksheets[2]!.getSheetValues().find((r) => Array.isArray(r) && r[1] === '2026-11') as ExcelJS.CellValue[];
      expect(trend[2]).toBe(7);
      fs.mkdirSync(path.resolve(__dirname, '..', 'artifacts'), { recursive: true });
      fs.writeFileSync(path.resolve(__dirname, '..', 'artifacts', `reports-${name}.xlsx`), buf);
    });

    test('households: the raw figures count a merged household once, and one household completion for its three parents', async () => {
      const period = parsePeriod('2026', NOV);
      const unit = { id: taiyuan, name: '太原市', type: 'city' as const, parentId: null };
      const raw = (await readFigures(t.db, [unit], period)).get(taiyuan)!.raw;
      expect(raw).toMatchObject({ familiesReached: 7, parentsOnline: 10, completions: 3, householdCompletions: 1 });
      const [{ students }] = await t.db.query<{ students: number }>(
        `SELECT count(DISTINCT g.student_id)::int AS students FROM learning_statements ls
           JOIN guardianships g ON g.user_id = ls.user_id AND g.created_at <= ls.stored_at AND (g.revoked_at IS NULL OR g.revoked_at > ls.stored_at)
          WHERE ls.object_type = 'lesson' OR ls.verb = 'attended'`,
      ) as [{ students: number }];
      expect(students).toBe(9);
    });

    test('the rollups kept by the triggers equal a rebuild from the records', async () => {
      const before = await rollupLines(t.db);
      expect(before.rpt_reach!.length).toBeGreaterThan(20);
      expect(before.rpt_learning!.length).toBeGreaterThan(4);
      const report = await rebuildRollups(t.db);
      expect(report.differences).toEqual({ rpt_reach: 0, rpt_reach_hist: 0, rpt_learning: 0, rpt_event: 0, rpt_sessions: 0, rpt_station_month: 0 });
      expect(await rollupLines(t.db)).toEqual(before);
      // A tampered rollup is found by the comparison and repaired.
      await t.db.query(`UPDATE rpt_sessions SET signups = signups + 1 WHERE scope = $1`, [xiaodian]);
      expect((await rebuildRollups(t.db)).differences.rpt_sessions).toBe(2);
      expect(await rollupLines(t.db)).toEqual(before);
    });

    test('closing a period freezes it with a SHA-256; a late record of that period is listed as a restatement', async () => {
      expect((await t.call('POST', '/api/reports/closures', { token: tok.parent, body: { regionId: taiyuan, period: '2026-10' } })).status).toBe(403);
      const notOver = await t.call('POST', '/api/reports/closures', { token: tok.federation, body: { regionId: taiyuan, period: '2026' } });
      expect(notOver.status).toBe(400);
      expect(notOver.body.error.message).toBe('统计期间尚未结束，不能关账');
      const closed = await t.call('POST', '/api/reports/closures', { token: tok.federation, body: { regionId: taiyuan, period: '2026-10' } });
      expect(closed.status).toBe(201);
      expect(closed.body).toMatchObject({ regionId: taiyuan, period: { key: '2026-10' }, restatements: [] });
      const [row] = await t.db.query<{ canonical: string; sha256: string }>('SELECT canonical, sha256 FROM report_closures WHERE id = $1', [closed.body.id]);
      expect(createHash('sha256').update(row!.canonical).digest('hex')).toBe(closed.body.sha256);
      expect((await t.call('POST', '/api/reports/closures', { token: tok.federation, body: { regionId: taiyuan, period: '2026-10' } })).body.error.code).toBe('PERIOD_ALREADY_CLOSED');

      // Offline statements from October arrive in November: four more families reached in October (five in all).
      const video = await lessonOf(t, 'mh-education-primary', 'video');
      for (const f of families.slice(2, 6)) {
        await t.db.query('UPDATE enrollments SET enrolled_at = $3 WHERE user_id = $1 AND course_id = $2', [f.parents[0], video.course, OCT]);
        await t.db.query('INSERT INTO enrollments (user_id, course_id, enrolled_at, last_activity_at) VALUES ($1, $2, $3, $3) ON CONFLICT DO NOTHING', [f.parents[0], video.course, OCT]);
        const r = await t.call('POST', '/api/progress', {
          token: f.tokens[0], body: { statements: [{ id: randomUUID(), lessonId: video.lesson, verb: 'played', segments: [[0, 5]], position: 5, timestamp: new Date(OCT.getTime() + 60 * SEC).toISOString() }] },
        });
        expect(r.body.accepted).toBe(1);
      }
      const list = await t.call('GET', `/api/reports/closures?regionId=${taiyuan}`, { token: tok.federation });
      expect(list.status).toBe(200);
      const re = list.body.closures[0].restatements;
      expect(re).toEqual(expect.arrayContaining([
        { unit: '太原市', figure: '覆盖家庭', closed: '<5', now: '5' },
        { unit: '小店区', figure: '线上学习家长', closed: '<5', now: '5' },
      ]));
      const dash = await t.call('GET', `/api/reports/dashboard?period=2026-10`, { token: tok.federation });
      expect(dash.body.closure.sha256).toBe(closed.body.sha256);
      expect(dash.body.closure.restatements.length).toBe(re.length);
      expect((await rebuildRollups(t.db)).differences).toEqual({ rpt_reach: 0, rpt_reach_hist: 0, rpt_learning: 0, rpt_event: 0, rpt_sessions: 0, rpt_station_month: 0 });
    });

    test('rebuild equals incremental after a mixed workload: heartbeats across a month end, sign-ups and cancels, merges and splits, an account closed and purged, a region closed', async () => {
      await mixedWorkload(t, families, tok);
      const before = await rollupLines(t.db);
      // The workload reached what it names: the parent who studied across the China-time month end has November and
      // December bits, and credited seconds landed in December.
      const [bits] = await t.db.query<{ mask: number }>(`SELECT mask FROM rpt_reach WHERE kind = 'online' AND entity = $1 AND scope = $2 AND year = 2026`, [families[4]!.parents[0], xiaodian]);
      expect(bits!.mask & 0b110000000000).toBe(0b110000000000);
      expect(before.rpt_learning!.some((l) => l.includes(' 202612 '))).toBe(true);
      const report = await rebuildRollups(t.db);
      expect(report.differences).toEqual({ rpt_reach: 0, rpt_reach_hist: 0, rpt_learning: 0, rpt_event: 0, rpt_sessions: 0, rpt_station_month: 0 });
      expect(await rollupLines(t.db)).toEqual(before);
      expect(report.rows.rpt_reach).toBeGreaterThan(40);
      // Rebuilding again from what the rebuild left changes nothing either.
      expect((await rebuildRollups(t.db)).differences).toEqual(report.differences);
    });
  });
}

/**
 * More of the service after `workload` (the clock moves to the end of November): family 4's parent watches a video in
 * three heartbeats across the China-time month end (overlapping segments, one arriving late), family 3's parent signs
 * up for a December session and cancels while family 2's stays, family 2's parent binds family 3's child (households
 * merge) and the second guardian of family 5 is unbound by the school (it splits), family 3's parent completes a
 * course, then closes the account and is purged, and 迎泽区 is closed with its school and stations.
 */
async function mixedWorkload(t: TestApp, families: Family[], tok: Record<string, string>): Promise<void> {
  const video = await lessonOf(t, 'mh-education-primary', 'video');
  const article = await lessonOf(t, 'parent-child-primary', 'article');
  const monthEnd = new Date('2026-11-30T16:00:00Z');
  const f4 = families[4]!;
  t.setNow(new Date(monthEnd.getTime() - 300 * SEC));
  expect((await t.call('POST', `/api/courses/${video.course}/enroll`, { token: f4.tokens[0], body: {} })).status).toBe(200);
  expect((await t.call('GET', `/api/lessons/${video.lesson}`, { token: f4.tokens[0] })).status).toBe(200);
  const beat = async (at: number, segments: number[][], timestamp: number) => {
    t.setNow(new Date(monthEnd.getTime() + at * SEC));
    const r = await t.call('POST', '/api/progress', {
      token: f4.tokens[0], body: { statements: [{ id: randomUUID(), lessonId: video.lesson, verb: 'played', segments, position: segments[0]![1], timestamp: new Date(monthEnd.getTime() + timestamp * SEC).toISOString() }] },
    });
    expect(r.body).toMatchObject({ accepted: 1 });
  };
  const d = video.duration;
  await beat(-100, [[0, d * 0.3]], -110);
  await beat(100, [[d * 0.2, d * 0.6]], 90);
  await beat(160, [[d * 0.5, d * 0.9]], -20);

  for (const who of ['station', 'admin']) tok[who] = await t.login(who);
  const wucheng = await id(t, 'stations', '坞城街道家庭教育指导服务站');
  const startsAt = new Date(monthEnd.getTime() + 5 * 24 * 3_600_000);
  const ev = await t.call('POST', '/api/events', {
    token: tok.station, body: {
      host: { type: 'station', id: wucheng }, title: '十二月讲座', description: '讲座', topic: '心理健康教育', mentalHealth: true, speaker: '李红',
      startsAt: startsAt.toISOString(), endsAt: new Date(startsAt.getTime() + 7_200_000).toISOString(), mode: 'onsite', address: '坞城路', latitude: null, longitude: null,
      onlineUrl: null, capacity: 30, signupDeadline: new Date(startsAt.getTime() - 600_000).toISOString(),
    },
  });
  expect(ev.status).toBe(201);
  for (const f of [families[2]!, families[3]!]) {
    expect((await t.call('POST', `/api/events/${ev.body.id}/signup`, { token: f.tokens[0], body: { companion: false, acceptedTemplates: [] } })).status).toBe(200);
  }
  expect((await t.call('DELETE', `/api/events/${ev.body.id}/signup`, { token: families[3]!.tokens[0] })).body.event.signup.status).toBe('cancelled');

  // Each step a minute after the one before, as in use (a binding that ends at the instant of a record no longer places it).
  const now = () => {
    t.setNow(new Date(t.deps.clock().getTime() + 60 * SEC));
    return t.deps.clock();
  };
  await t.db.query(`INSERT INTO guardianships (student_id, user_id, relation, created_at) VALUES ($1, $2, 'other', $3)`, [families[3]!.student, families[2]!.parents[0], now()]);
  await t.db.query(`UPDATE guardianships SET revoked_at = $2, revoke_reason = 'school' WHERE user_id = $1 AND revoked_at IS NULL`, [families[5]!.parents[1], now()]);
  await t.db.query(`UPDATE enrollments SET completed_at = $3 WHERE user_id = $1 AND course_id = $2`, [families[3]!.parents[0], article.course, now()]);
  now();
  expect((await t.call('POST', '/api/me/close-account', { token: families[3]!.tokens[0], body: { confirm: '注销账号' } })).status).toBe(200);
  expect((await runDueJobs(t.deps, new Date(now().getTime() + 31 * 24 * 3_600_000))).purgeClosedAccounts).toBe(1);

  const yingze = await id(t, 'regions', '迎泽区');
  const units = await t.db.query<{ path: string }>(
    `SELECT '/api/admin/schools/' || id AS path FROM schools WHERE region_id = $1 UNION ALL SELECT '/api/admin/stations/' || id FROM stations WHERE region_id = $1`, [yingze],
  );
  for (const unitPath of [...units.map((u) => u.path), `/api/admin/regions/${yingze}`]) {
    const r = await t.call('PUT', `${unitPath}/open-dates`, { token: tok.admin, body: { openedOn: null, closedOn: '2026-12-31' } });
    expect([unitPath, r.status]).toEqual([unitPath, 200]);
  }
}

suite('PGlite', async () => null);
suite('PostgreSQL', () => scratchPostgres());

describePg('PostgreSQL, a rebuild while the service writes', () => {
  test('writes made on other connections while a rebuild runs (after its snapshot, before the swap) are in its result', async () => {
    const db = (await scratchPostgres(6))!;
    const t = await testApp({ db });
    try {
      await removeReportDemo(t.db);
      const { families, tok } = await workload(t);
      const quiet = await rollupLines(t.db);
      let during: Record<string, string[]> = {};
      await rebuildRollups(t.db, false, async () => {
        await mixedWorkload(t, families, tok);
        during = await rollupLines(t.db);
      });
      // The incremental rollups moved during the rebuild (new months, sessions, households) ...
      for (const table of ['rpt_reach', 'rpt_reach_hist', 'rpt_learning', 'rpt_event', 'rpt_sessions']) expect([table, during[table]]).not.toEqual([table, quiet[table]]);
      // ... and the swapped-in rebuild holds exactly what they hold now, then a rebuild with nothing written agrees.
      expect(await rollupLines(t.db)).toEqual(during);
      expect((await rebuildRollups(t.db)).differences).toEqual({ rpt_reach: 0, rpt_reach_hist: 0, rpt_learning: 0, rpt_event: 0, rpt_sessions: 0, rpt_station_month: 0 });
      expect(await t.db.query('SELECT * FROM rpt_rebuild_run')).toEqual([]);
    } finally {
      await t.close();
      await db.close();
    }
  }, 120_000);
});

test('the reporting code never names a notice table', () => {
  const dir = path.resolve(__dirname, '..', '..', 'src', 'server', 'domain', 'reports');
  const files = fs.readdirSync(dir);
  expect(files.length).toBeGreaterThan(3);
  for (const f of files) {
    const text = fs.readFileSync(path.join(dir, f), 'utf8');
    for (const table of ['notices', 'notice_recipients', 'notice_tasks', 'school_notice_settings', 'binding_codes', 'referrals', 'audit_log', 'audit_head']) {
      expect({ file: f, table, found: new RegExp(`\\b${table}\\b`).test(text) }).toEqual({ file: f, table, found: false });
    }
  }
});
