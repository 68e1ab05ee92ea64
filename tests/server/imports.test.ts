/**
 * Bulk import (issue 15): the dry run gives every row's outcome with cell references and writes nothing; the import is one
 * transaction (a failing row writes nothing); importing the same file again changes nothing; who may import what; limits;
 * GBK CSV; the registry edit forms' API. On PGlite, and on PostgreSQL when DATABASE_URL is set.
 */
import ExcelJS from 'exceljs';
import type { Database } from '../../src/server/storage/db';
import { testApp, type TestApp } from '../helpers/app';
import { describeOn, scratchPostgres } from '../helpers/db';

const PUPIL_HEADER = ['学号', '姓名', '年级', '班级', '学段', '监护人1关系', '监护人1手机号', '监护人2关系', '监护人2手机号'];

/** An .xlsx of one sheet as base64. */
async function xlsx(rows: (string | number | Date | null)[][]): Promise<string> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('名单');
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer()).toString('base64');
}

/** GBK bytes of text, found by decoding the two-byte GBK space (Node has a GBK decoder but no encoder). */
function gbk(text: string): Buffer {
  const decoder = new TextDecoder('gbk');
  const table = new Map<string, number[]>();
  for (let hi = 0x81; hi <= 0xfe; hi++) {
    for (let lo = 0x40; lo <= 0xfe; lo++) {
      if (lo === 0x7f) continue;
      const ch = decoder.decode(Uint8Array.from([hi, lo]));
      if (ch.length === 1 && !table.has(ch)) table.set(ch, [hi, lo]);
    }
  }
  const out: number[] = [];
  for (const ch of text) {
    if (ch.charCodeAt(0) < 0x80) out.push(ch.charCodeAt(0));
    else out.push(...(table.get(ch) ?? (() => { throw new Error(`no GBK for ${ch}`); })()));
  }
  return Buffer.from(out);
}

function suite(name: string, open: () => Promise<Database | null>): void {
  describeOn(name)(`bulk import (${name})`, () => {
    let t: TestApp;
    let db: Database | null = null;
    const tok: Record<string, string> = {};
    let yuying = '';
    let shiyan2 = '';

    const pupils = (dataBase64: string, fileName = '名单.xlsx', schoolId = yuying) => ({ kind: 'pupils', schoolId, fileName, dataBase64 });
    const imported = async () => Number((await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM students WHERE school_no IS NOT NULL'))[0]!.n);

    beforeAll(async () => {
      db = await open();
      t = await testApp(db ? { db } : {});
      for (const who of ['admin', 'federation', 'psychologist', 'leader', 'head_teacher', 'parent']) tok[who] = await t.login(who);
      yuying = (await t.db.query<{ id: string }>("SELECT id FROM schools WHERE name = '小店区育英小学'"))[0]!.id;
      shiyan2 = (await t.db.query<{ id: string }>("SELECT id FROM schools WHERE name = '小店区第二实验中学'"))[0]!.id;
    }, 120_000);
    afterAll(async () => {
      if (t) await t.close();
      if (db) await db.close();
    });

    test('the templates are .xlsx files with the Chinese header row and an example row', async () => {
      const app = t as TestApp & { deps: TestApp['deps'] };
      const res = await (await import('../../src/server/app')).createApp(app.deps).request('/api/imports/templates/pupils');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-disposition')).toContain(encodeURIComponent('学生名单导入模板.xlsx'));
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(await res.arrayBuffer());
      const ws = wb.worksheets[0]!;
      expect((ws.getRow(1).values as unknown[]).slice(1)).toEqual(PUPIL_HEADER);
      expect(ws.getRow(2).getCell(1).value).toBe('2026050101');
      expect((await t.call('GET', '/api/imports/templates/teachers')).status).toBe(400);
    });

    test('the dry run gives each row its outcome, errors with the cell and a Chinese message, and writes nothing', async () => {
      const file = await xlsx([
        PUPIL_HEADER,
        ['A001', '李小明', '五年级', '五年级（1）班', '小学', '母亲', 13800138000, '父亲', '139-0013-9000'],
        ['A002', '王小红', '五年级', '五年级（1）班', '小学', '', '', '', ''],
        ['A003', '', '五年级', '五年级（1）班', '初小', '母亲', '1380013800', '', ''],
        ['A001', '赵小刚', '五年级', '五年级（2）班', '小学', '', '', '', ''],
        ['A 4', '孙小美', '五年级', '五年级（2）班', '小学', '姑姑', '13800138001', '', ''],
      ]);
      const res = await t.call('POST', '/api/imports/preview', { token: tok.psychologist, body: pupils(file) });
      expect(res.status).toBe(200);
      expect(res.body.counts).toEqual({ new: 2, changed: 0, unchanged: 0, error: 3 });
      expect(res.body.rows.map((r: { row: number; outcome: string }) => `${r.row}:${r.outcome}`)).toEqual(['4:error', '5:error', '6:error', '2:new', '3:new']);
      const errors = Object.fromEntries(res.body.rows.map((r: { row: number; errors: { cell: string; message: string }[] }) => [r.row, r.errors]));
      expect(errors[4]).toEqual([
        { cell: 'B4', message: '请填写姓名' },
        { cell: 'E4', message: expect.stringContaining('学段“初小”无法识别') },
        { cell: 'G4', message: '监护人1手机号须为 11 位手机号（如 13800138000）' },
      ]);
      expect(errors[5]).toEqual([{ cell: 'A5', message: '与第 2 行的学号重复' }]);
      expect(errors[6]).toEqual([
        { cell: 'A6', message: '学号只能包含字母、数字、短横线和下划线' },
        { cell: 'F6', message: expect.stringContaining('监护人1关系“姑姑”无法识别') },
      ]);
      expect(await imported()).toBe(0);
    });

    test('a failing row means nothing is written; a clean file is written in one go, and again changes nothing', async () => {
      const rows = [
        ['B001', '李小明', '五年级', '五年级（1）班', '小学', '母亲', '13800138000', '父亲', '13900139000'],
        ['B002', '王小红', '五年级', '五年级（1）班', '小学', '', '', '', ''],
      ];
      const bad = await xlsx([PUPIL_HEADER, ...rows, ['B003', '张三', '五年级', '五年级（1）班', '小学', '母亲', '123', '', '']]);
      const refused = await t.call('POST', '/api/imports', { token: tok.psychologist, body: pupils(bad) });
      expect(refused.status).toBe(400);
      expect(refused.body.error.message).toContain('有 1 行有错误，没有导入任何数据');
      expect(await imported()).toBe(0);
      expect((await t.db.query('SELECT 1 FROM guardian_contacts')).length).toBe(0);

      const good = await xlsx([PUPIL_HEADER, ...rows]);
      const first = await t.call('POST', '/api/imports/preview', { token: tok.psychologist, body: pupils(good) });
      expect(first.body.notes).toEqual(['将新建 1 个班级：五年级（1）班（学生按年级和班级归入本校的班级）']);
      const done = await t.call('POST', '/api/imports', { token: tok.psychologist, body: pupils(good), headers: { 'idempotency-key': 'import-good-1' } });
      expect(done.status).toBe(201);
      expect(done.body.counts).toEqual({ new: 2, changed: 0, unchanged: 0, error: 0 });
      expect(await imported()).toBe(2);
      const placed = await t.db.query<{ school_id: string; grade: string; name: string }>(
        "SELECT c.school_id, c.grade, c.name FROM students s JOIN classes c ON c.id = s.class_id WHERE s.school_no IN ('B001', 'B002')",
      );
      expect(placed).toEqual([0, 1].map(() => ({ school_id: yuying, grade: '五年级', name: '五年级（1）班' })));
      const contacts = await t.db.query<{ slot: number; relation: string; phone_hash: string; phone_masked: string }>(
        "SELECT c.slot, c.relation, c.phone_hash, c.phone_masked FROM guardian_contacts c JOIN students s ON s.id = c.student_id WHERE s.school_no = 'B001' ORDER BY c.slot",
      );
      expect(contacts.map((c) => [c.slot, c.relation, c.phone_masked])).toEqual([[1, 'mother', '138****8000'], [2, 'father', '139****9000']]);
      expect(JSON.stringify(contacts)).not.toContain('13800138000');

      const replay = await t.call('POST', '/api/imports', { token: tok.psychologist, body: pupils(good), headers: { 'idempotency-key': 'import-good-1' } });
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      expect(replay.body.counts.new).toBe(2);

      const again = await t.call('POST', '/api/imports', { token: tok.psychologist, body: pupils(good) });
      expect(again.body.counts).toEqual({ new: 0, changed: 0, unchanged: 2, error: 0 });
      expect(again.body.notes).toEqual([]);
      expect(await imported()).toBe(2);

      const edited = await xlsx([PUPIL_HEADER, ['B001', '李小明', '六年级', '六年级（1）班', '小学', '母亲', '13800138000', '父亲', '13700137000'], rows[1]!]);
      const preview = await t.call('POST', '/api/imports/preview', { token: tok.leader, body: pupils(edited) });
      expect(preview.body.rows[0]).toMatchObject({ row: 2, outcome: 'changed', changes: ['年级', '班级', '监护人2手机号'] });
      expect(preview.body.rows[1]).toMatchObject({ row: 3, outcome: 'unchanged' });
      const audit = await t.db.query<{ details: Record<string, number> }>("SELECT details FROM audit_log WHERE action = 'pupils_imported' ORDER BY seq");
      expect(audit.map((a) => a.details.new)).toEqual([2, 0]);
    });

    test('a CSV saved by Excel on Chinese Windows (GBK) and a UTF-8 CSV with a BOM read the same', async () => {
      const text = '学号,姓名,年级,班级,学段,监护人1关系,监护人1手机号\r\nC001,"刘""小""华",三年级,三年级（2）班,小学,外婆,13600136000\r\nC002,陈晨,三年级,三年级（2）班,小学,母亲,13600136001\r\n';
      const g = await t.call('POST', '/api/imports/preview', { token: tok.psychologist, body: pupils(gbk(text).toString('base64'), '名单.csv') });
      expect(g.status).toBe(200);
      expect(g.body.rows.map((r: { label: string }) => r.label)).toEqual(['C001 刘"小"华', 'C002 陈晨']);
      expect(g.body.rows[0].errors).toEqual([{ cell: 'F2', message: expect.stringContaining('监护人1关系“外婆”无法识别') }]);
      const u = await t.call('POST', '/api/imports/preview', { token: tok.psychologist, body: pupils(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]).toString('base64'), 'list.CSV') });
      expect(u.body).toEqual(g.body);
    });

    test('files that are too large, too long, of another type or without the header are refused in Chinese', async () => {
      const big = Buffer.alloc(3 * 1024 * 1024 + 10, 0x41).toString('base64');
      const large = await t.call('POST', '/api/imports/preview', { token: tok.psychologist, body: pupils(big, 'a.csv') });
      expect(large.status).toBe(400);
      expect(large.body.error.message).toBe('文件超过 3 MB，请拆分成几个文件分别导入');
      const lines = ['学号,姓名,年级,班级,学段', ...Array.from({ length: 10_001 }, (_, i) => `D${i},学生,一年级,一班,小学`)].join('\n');
      const long = await t.call('POST', '/api/imports/preview', { token: tok.psychologist, body: pupils(Buffer.from(lines).toString('base64'), 'a.csv') });
      expect(long.body.error.message).toBe('一次最多导入 10000 行，请拆分成几个文件分别导入');
      const pdf = await t.call('POST', '/api/imports/preview', { token: tok.psychologist, body: pupils('JVBERi0=', 'a.pdf') });
      expect(pdf.status).toBe(400);
      const headless = await t.call('POST', '/api/imports/preview', { token: tok.psychologist, body: pupils(Buffer.from('姓名,年级\n李,一').toString('base64'), 'a.csv') });
      expect(headless.body.error.message).toContain('表头缺少“学号”“班级”“学段”列');
      const broken = await t.call('POST', '/api/imports/preview', { token: tok.psychologist, body: pupils(Buffer.from('not a zip').toString('base64'), 'a.xlsx') });
      expect(broken.body.error.message).toContain('无法读取该 .xlsx 文件');
    });

    test('a school\'s staff cannot import into another school; a 班主任 cannot import; a parent learns nothing', async () => {
      const file = await xlsx([PUPIL_HEADER, ['E001', '李四', '初一', '初一（1）班', '初中', '', '', '', '']]);
      expect((await t.call('POST', '/api/imports', { token: tok.psychologist, body: pupils(file, 'a.xlsx', shiyan2) })).status).toBe(404);
      expect((await t.call('POST', '/api/imports/preview', { token: tok.leader, body: pupils(file, 'a.xlsx', shiyan2) })).status).toBe(404);
      expect((await t.call('POST', '/api/imports', { token: tok.head_teacher, body: pupils(file) })).status).toBe(403);
      expect((await t.call('POST', '/api/imports', { token: tok.parent, body: pupils(file) })).status).toBe(404);
      expect((await t.call('POST', '/api/imports', { token: tok.admin, body: pupils(file) })).status).toBe(404);
      expect((await t.db.query("SELECT 1 FROM students WHERE school_no = 'E001'")).length).toBe(0);
      const registry = { kind: 'schools', schoolId: null, fileName: 'a.xlsx', dataBase64: await xlsx([['学校名称', '所在地区代码', '学段'], ['某小学', '140105', '小学']]) };
      expect((await t.call('POST', '/api/imports/preview', { token: tok.psychologist, body: registry })).status).toBe(403);
    });

    test('妇联 staff import schools and stations within their region only; regions are audited like schools and stations', async () => {
      const schools = await xlsx([
        ['学校名称', '所在地区代码', '学段', '开办日期', '停办日期'],
        ['小店区育英小学', '140105', '小学', '', ''],
        ['小店区新星小学', '140105', '小学、初中', new Date(Date.UTC(2019, 8, 1)), ''],
        ['平城区某小学', '140213', '小学', '', ''],
        ['迎泽区某中学', '140106', '高中', '2020/9/1', '2019-01-01'],
        ['小店区第二实验中学', '140105', '初中，高中', '2021年9月1日', ''],
      ]);
      const body = { kind: 'schools', schoolId: null, fileName: 's.xlsx', dataBase64: schools };
      const p = await t.call('POST', '/api/imports/preview', { token: tok.federation, body });
      expect(p.status).toBe(200);
      const byRow = Object.fromEntries(p.body.rows.map((r: { row: number }) => [r.row, r]));
      expect(byRow[2]).toMatchObject({ outcome: 'unchanged' });
      expect(byRow[3]).toMatchObject({ outcome: 'new' });
      expect(byRow[4]).toMatchObject({ outcome: 'error', errors: [{ cell: 'B4', message: '地区“平城区”不在您负责的地区内' }] });
      expect(byRow[5]).toMatchObject({ outcome: 'error', errors: [{ cell: 'E5', message: '停办日期不能早于开办日期' }] });
      expect(byRow[6]).toMatchObject({ outcome: 'changed', changes: ['开办日期'] });
      const ok = await xlsx([['学校名称', '所在地区代码', '学段', '开办日期'], ['小店区新星小学', '140105', '小学、初中', '2019-09-01'], ['小店区第二实验中学', '140105', '初中，高中', '2021-09-01']]);
      const done = await t.call('POST', '/api/imports', { token: tok.federation, body: { ...body, dataBase64: ok } });
      expect(done.status).toBe(201);
      expect(done.body.counts).toEqual({ new: 1, changed: 1, unchanged: 0, error: 0 });
      const again = await t.call('POST', '/api/imports', { token: tok.federation, body: { ...body, dataBase64: ok } });
      expect(again.body.counts).toEqual({ new: 0, changed: 0, unchanged: 2, error: 0 });
      const trail = await t.call('GET', '/api/admin/registry-audit', { token: tok.admin });
      expect(trail.body.entries.filter((e: { action: string }) => e.action.startsWith('import_')).map((e: { action: string; entityType: string }) => `${e.entityType}:${e.action}`).sort())
        .toEqual(['school:import_created', 'school:import_updated']);

      const regions = await xlsx([
        ['行政区划代码', '名称', '层级', '上级代码'],
        ['140109', '万柏林区', '区县', '140100'],
        ['140300', '阳泉市', '市', '140000'],
        ['140100', '太原市（新）', '市', '140000'],
        ['140000', '山西', '省', ''],
      ]);
      const rp = await t.call('POST', '/api/imports/preview', { token: tok.federation, body: { kind: 'regions', schoolId: null, fileName: 'r.xlsx', dataBase64: regions } });
      expect(rp.body.rows.map((r: { row: number; outcome: string; errors: { cell: string }[] }) => `${r.row}:${r.outcome}:${r.errors.map((e) => e.cell).join()}`))
        .toEqual(['3:error:D3', '4:error:A4', '5:error:A5', '2:new:']);
      const ra = await t.call('POST', '/api/imports', { token: tok.admin, body: { kind: 'regions', schoolId: null, fileName: 'r.xlsx', dataBase64: regions } });
      expect(ra.body.counts).toEqual({ new: 2, changed: 2, unchanged: 0, error: 0 });
      const stations = await xlsx([
        ['站点名称', '类型', '所在地区代码', '所属学校', '地址'],
        ['万柏林家长学校', '家长学校', '140109', '', '万柏林路 1 号'],
        ['新星小学家长学校', '家长学校', '140105', '小店区新星小学', ''],
        ['大同某站', '指导站', '140213', '', ''],
      ]);
      const sp = await t.call('POST', '/api/imports', { token: tok.federation, body: { kind: 'stations', schoolId: null, fileName: 's.xlsx', dataBase64: stations } });
      expect(sp.status).toBe(400);
      const sp2 = await t.call('POST', '/api/imports/preview', { token: tok.federation, body: { kind: 'stations', schoolId: null, fileName: 's.xlsx', dataBase64: stations } });
      expect(sp2.body.counts).toEqual({ new: 2, changed: 0, unchanged: 0, error: 1 });
      expect(sp2.body.rows[0].errors).toEqual([{ cell: 'C4', message: '地区“平城区”不在您负责的地区内' }]);
      const audit = await t.db.query<{ entity_type: string }>("SELECT entity_type FROM registry_audit WHERE entity_type = 'region'");
      expect(audit.length).toBe(4);
    });

    test('administrators edit regions, schools and stations; edits are audited; others are refused', async () => {
      const region = (await t.db.query<{ id: string }>("SELECT id FROM regions WHERE code = '140106'"))[0]!.id;
      const station = (await t.db.query<{ id: string }>("SELECT id FROM stations WHERE name = '柳巷社区家庭教育指导服务站'"))[0]!.id;
      expect((await t.call('PUT', `/api/admin/regions/${region}`, { token: tok.federation, body: { name: '迎泽' } })).status).toBe(403);
      const r = await t.call('PUT', `/api/admin/regions/${region}`, { token: tok.admin, body: { name: '迎泽区（改）' } });
      expect(r.body).toMatchObject({ name: '迎泽区（改）', level: 'district' });
      const s = await t.call('PUT', `/api/admin/schools/${shiyan2}`, { token: tok.admin, body: { name: '小店区第二实验中学', stages: ['junior'] } });
      expect(s.body.stages).toEqual(['junior']);
      expect((await t.call('PUT', `/api/admin/schools/${shiyan2}`, { token: tok.admin, body: { name: '小店区育英小学', stages: ['junior'] } })).status).toBe(409);
      const st = await t.call('PUT', `/api/admin/stations/${station}`, { token: tok.admin, body: { name: '柳巷社区指导站', kind: 'guidance_station', address: '柳巷南路 35 号' } });
      expect(st.body).toMatchObject({ name: '柳巷社区指导站', address: '柳巷南路 35 号' });
      const closed = await t.call('PUT', `/api/admin/stations/${station}/open-dates`, { token: tok.admin, body: { openedOn: '2020-01-01', closedOn: '2026-12-31' } });
      expect(closed.body.closedOn).toBe('2026-12-31');
      const trail = await t.call('GET', '/api/admin/registry-audit', { token: tok.admin });
      expect(trail.body.entries.filter((e: { action: string }) => e.action === 'edited').map((e: { entityType: string }) => e.entityType).sort()).toEqual(['region', 'school', 'station']);
    });
  });
}

suite('PGlite', async () => null);
suite('PostgreSQL', () => scratchPostgres());
