/**
 * Printable binding sheets (issue 15): a class's guardian slots as one PDF, one page per slot, rendered with pdftoppm;
 * codes that a reprint shows again, console codes replaced, and only the school's staff may print.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import qrcode from 'qrcode-generator';
import { createApp } from '../../src/server/app';
import { bindingLink } from '../../src/server/domain/notices/sheets';
import type { Database } from '../../src/server/storage/db';
import { testApp, type TestApp } from '../helpers/app';
import { describeOn, scratchPostgres } from '../helpers/db';

const ARTIFACTS = path.resolve(__dirname, '..', 'artifacts');
const CLASS = `grade=${encodeURIComponent('五年级')}&className=${encodeURIComponent('2班')}`;

/** Pages of a PDF as pdfinfo counts them. */
function pageCount(pdf: Buffer): number {
  const file = path.join(os.tmpdir(), `xq-sheet-${process.pid}-${Date.now()}.pdf`);
  fs.writeFileSync(file, pdf);
  try {
    return Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [file]).toString())?.[1]);
  } finally {
    fs.unlinkSync(file);
  }
}

/** The codes printed in a PDF (pdftotext), in page order. */
function codesIn(pdf: Buffer): string[] {
  const file = path.join(os.tmpdir(), `xq-sheet-${process.pid}-${Date.now()}-t.pdf`);
  fs.writeFileSync(file, pdf);
  try {
    const text = execFileSync('pdftotext', ['-layout', file, '-']).toString();
    return [...text.matchAll(/\b([A-Z2-9]{4}-[A-Z2-9]{4})\b/g)].map((m) => m[1] as string);
  } finally {
    fs.unlinkSync(file);
  }
}

/**
 * Reads the QR code drawn on page 1 module by module (a 150 dpi greyscale rendering, each module's centre pixel) and
 * compares it with qrcode-generator's matrix for `text`: the share of modules that agree.
 */
function qrAgreement(pdf: Buffer, text: string): number {
  const base = path.join(os.tmpdir(), `xq-sheet-qr-${process.pid}-${Date.now()}`);
  fs.writeFileSync(`${base}.pdf`, pdf);
  try {
    execFileSync('pdftoppm', ['-r', '150', '-gray', '-f', '1', '-l', '1', '-singlefile', `${base}.pdf`, base]);
    const pgm = fs.readFileSync(`${base}.pgm`);
    const header = /^P5\s+(\d+)\s+(\d+)\s+255\s/.exec(pgm.subarray(0, 40).toString('latin1'));
    if (!header) throw new Error('not a PGM');
    const width = Number(header[1]);
    const pixels = pgm.subarray(header[0].length);
    const qr = qrcode(0, 'M');
    qr.addData(text);
    qr.make();
    const n = qr.getModuleCount();
    // Where sheets.ts draws it: 150 pt square (4-module quiet zone) at x = 595.28 - 48 - 150 - 10, y = 162 (points).
    const scale = 150 / 72;
    const unit = 150 / (n + 8);
    let agree = 0;
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < n; c++) {
        const x = Math.round((595.28 - 48 - 150 - 10 + (c + 4.5) * unit) * scale);
        const y = Math.round((162 + (r + 4.5) * unit) * scale);
        if (((pixels[y * width + x] ?? 255) < 128) === qr.isDark(r, c)) agree++;
      }
    }
    return agree / (n * n);
  } finally {
    fs.rmSync(`${base}.pdf`, { force: true });
    fs.rmSync(`${base}.pgm`, { force: true });
  }
}

function suite(name: string, open: () => Promise<Database | null>): void {
  describeOn(name)(`binding sheets (${name})`, () => {
    let t: TestApp;
    let db: Database | null = null;
    const tok: Record<string, string> = {};
    let yuying = '';
    let other = '';

    /** GETs the sheets as bytes (the harness's call() reads text). */
    const fetchPdf = async (token: string, schoolId = yuying, query = CLASS) => {
      const res = await createApp(t.deps).request(`/api/schools/${schoolId}/binding-sheets?${query}`, { headers: { authorization: `Bearer ${token}` } });
      return { status: res.status, type: res.headers.get('content-type') ?? '', body: Buffer.from(await res.arrayBuffer()) };
    };

    beforeAll(async () => {
      db = await open();
      t = await testApp(db ? { db } : {});
      for (const who of ['psychologist', 'head_teacher', 'parent', 'parent2', 'admin', 'federation']) tok[who] = await t.login(who);
      yuying = (await t.db.query<{ id: string }>("SELECT id FROM schools WHERE name = '小店区育英小学'"))[0]!.id;
      other = (await t.db.query<{ id: string }>("SELECT id FROM schools WHERE name = '小店区第二实验中学'"))[0]!.id;
      // 赵丽 (station staff) is also the psychology teacher of another school.
      await t.db.query(`INSERT INTO role_grants (user_id, role, scope_type, scope_id) SELECT u.id, 'school_psychologist', 'school', $1 FROM users u WHERE u.dev_identity = 'station'`, [other]);
      tok.otherSchool = await t.login('station');
    }, 60_000);
    afterAll(async () => {
      if (t) await t.close();
      if (db) await db.close();
    });

    test('the class list names each class with its pupils', async () => {
      const res = await t.call('GET', `/api/schools/${yuying}/binding-sheets/classes`, { token: tok.head_teacher });
      expect(res.status).toBe(200);
      expect(res.body.classes).toContainEqual({ grade: '五年级', className: '2班', pupils: 3 });
    });

    test('a 班主任 downloads one PDF with a page per unbound guardian slot; the pages render', async () => {
      const res = await fetchPdf(tok.head_teacher!);
      expect(res.status).toBe(200);
      expect(res.type).toBe('application/pdf');
      expect(res.body.subarray(0, 5).toString()).toBe('%PDF-');
      // 五年级2班: 李子涵 is bound (by 张敏); 孙浩然 and 周雨桐 have no guardian yet: one slot each.
      expect(pageCount(res.body)).toBe(2);
      fs.mkdirSync(ARTIFACTS, { recursive: true });
      const prefix = path.join(ARTIFACTS, 'binding-sheet');
      for (const f of fs.readdirSync(ARTIFACTS)) if (f.startsWith('binding-sheet')) fs.unlinkSync(path.join(ARTIFACTS, f));
      const pdfFile = `${prefix}.pdf`;
      fs.writeFileSync(pdfFile, res.body);
      execFileSync('pdftoppm', ['-r', '60', '-png', pdfFile, prefix]);
      const pngs = fs.readdirSync(ARTIFACTS).filter((f) => f.startsWith('binding-sheet') && f.endsWith('.png')).sort();
      expect(pngs).toHaveLength(2);
      for (const png of pngs) {
        const bytes = fs.readFileSync(path.join(ARTIFACTS, png));
        expect(bytes.subarray(1, 4).toString()).toBe('PNG');
        expect(bytes.length).toBeGreaterThan(10_000);
      }
    });

    test('page 1\'s QR code is the binding link with its code (read module by module from the rendering)', async () => {
      const res = await fetchPdf(tok.head_teacher!);
      const code = codesIn(res.body)[0]!;
      expect(qrAgreement(res.body, bindingLink('http://localhost', code))).toBe(1);
      // Another code's matrix shares only the fixed patterns and chance modules.
      expect(qrAgreement(res.body, bindingLink('http://localhost', 'AAAA-BBBB'))).toBeLessThan(0.95);
    });

    test('a reprint shows the same codes; a code issued in the console is replaced (same relation and phone record) and the old one stops working', async () => {
      const first = codesIn((await fetchPdf(tok.head_teacher!)).body);
      expect(first).toHaveLength(2);
      const again = await fetchPdf(tok.psychologist!);
      expect(again.status).toBe(200);
      expect(codesIn(again.body)).toEqual(first);

      const pupil = (await t.db.query<{ id: string }>("SELECT id FROM students WHERE name = '孙浩然'"))[0]!.id;
      const issued = await t.call('POST', `/api/students/${pupil}/binding-codes`, { token: tok.head_teacher, body: { relation: 'father', phone: '13800001234', expiresInDays: 7 } });
      expect(issued.status).toBe(201);
      const consoleCode = issued.body.code as string;
      const third = await fetchPdf(tok.head_teacher!);
      const codes = codesIn(third.body);
      // 孙浩然 now has two slots (the printed one and the console one's replacement), 周雨桐 one.
      expect(pageCount(third.body)).toBe(3);
      expect(codes).toHaveLength(3);
      expect(codes).toEqual(expect.arrayContaining(first));
      expect(codes).not.toContain(consoleCode);
      const replacement = codes.find((c) => !first.includes(c))!;
      const row = (await t.db.query<{ relation: string; phone_masked: string; status: string }>(
        `SELECT relation, phone_masked, CASE WHEN revoked_at IS NULL THEN 'open' ELSE 'revoked' END AS status FROM binding_codes WHERE student_id = $1 ORDER BY created_at, id`,
        [pupil],
      ));
      expect(row.filter((r) => r.relation === 'father').map((r) => r.status).sort()).toEqual(['open', 'revoked']);
      expect(row.filter((r) => r.relation === 'father').every((r) => r.phone_masked === '138****1234')).toBe(true);
      const bindWith = (code: string) => t.call('POST', '/api/bindings', { token: tok.parent2, body: { code, relation: 'father', noticeConsent: true, phoneCode: null, acceptSchoolNotice: false } });
      expect((await bindWith(consoleCode)).body.error.code).toBe('BINDING_CODE_INVALID');
      const bound = await bindWith(replacement);
      expect(bound.status).toBe(200);
      expect(bound.body.child.name).toBe('孙浩然');
      // The used code is no longer a slot: the next print has the other two.
      const fourth = codesIn((await fetchPdf(tok.head_teacher!)).body);
      expect(fourth.sort()).toEqual(first.slice().sort());
    }, 60_000);

    test('printing is audited on the chain (who, which class, how many pages), never the codes', async () => {
      const rows = await t.db.query<{ details: Record<string, unknown> }>("SELECT details FROM audit_log WHERE action = 'binding_sheet_printed' ORDER BY seq");
      expect(rows.length).toBeGreaterThanOrEqual(4);
      expect(rows[0]!.details).toEqual({ grade: '五年级', className: '2班', pages: 2 });
    });

    test('another school\'s staff, a parent, the federation and an administrator get 404; a class with no pupils 404', async () => {
      for (const who of ['otherSchool', 'parent', 'federation', 'admin']) {
        const res = await fetchPdf(tok[who]!);
        expect([who, res.status]).toEqual([who, 404]);
        expect(res.type).toContain('application/json');
        const list = await t.call('GET', `/api/schools/${yuying}/binding-sheets/classes`, { token: tok[who] });
        expect([who, list.status]).toEqual([who, 404]);
      }
      // A 班主任 prints only the classes they head (陈磊: 五年级2班): 四年级1班 is as if it had no pupils, and not listed.
      const fourth = `grade=${encodeURIComponent('四年级')}&className=${encodeURIComponent('1班')}`;
      expect((await fetchPdf(tok.head_teacher!, yuying, fourth)).status).toBe(404);
      const listed = await t.call('GET', `/api/schools/${yuying}/binding-sheets/classes`, { token: tok.head_teacher });
      expect(listed.body.classes.map((c: { grade: string; className: string }) => c.grade + c.className)).toEqual(['五年级2班']);
      expect((await fetchPdf(tok.psychologist!, yuying, fourth)).status).toBe(200);
      // Their own school is theirs to print: 初二3班's only pupil (李子轩) is bound already, so there is nothing to print.
      expect((await t.call('GET', `/api/schools/${other}/binding-sheets/classes`, { token: tok.otherSchool })).status).toBe(200);
      const bound = await t.call('GET', `/api/schools/${other}/binding-sheets?grade=${encodeURIComponent('初二')}&className=${encodeURIComponent('3班')}`, { token: tok.otherSchool });
      expect(bound.status).toBe(404);
      expect(bound.body.error.message).toContain('都已绑定');
      expect((await fetchPdf(tok.head_teacher!, yuying, `grade=${encodeURIComponent('九年级')}&className=1`)).status).toBe(404);
      const anonymous = await createApp(t.deps).request(`/api/schools/${yuying}/binding-sheets?${CLASS}`);
      expect(anonymous.status).toBe(401);
    });

    test('guardian phones imported with a class list each get a page; a guardian binds with one; the next print leaves that slot out', async () => {
      const csv = ['学号,姓名,年级,班级,学段,监护人1关系,监护人1手机号,监护人2关系,监护人2手机号', 'S601,钱多多,六年级,3班,小学,母亲,13900001111,祖父,13900002222', 'S602,孔小乐,六年级,3班,小学,外祖母,13900003333,,'].join('\n');
      const body = { kind: 'pupils', schoolId: yuying, fileName: '六年级3班.csv', dataBase64: Buffer.from(csv).toString('base64') };
      expect((await t.call('POST', '/api/imports', { token: tok.psychologist, body })).status).toBe(201);
      const query = `grade=${encodeURIComponent('六年级')}&className=${encodeURIComponent('3班')}`;
      const sheets = await fetchPdf(tok.psychologist!, yuying, query);
      expect(sheets.status).toBe(200);
      expect(pageCount(sheets.body)).toBe(3);
      const codes = codesIn(sheets.body);
      expect(codes).toHaveLength(3);
      const rows = await t.db.query<{ relation: string; phone_masked: string }>(
        `SELECT b.relation, b.phone_masked FROM binding_codes b JOIN students s ON s.id = b.student_id WHERE s.school_no IN ('S601', 'S602') AND b.revoked_at IS NULL ORDER BY b.phone_masked`,
      );
      expect(rows).toEqual([
        { relation: 'mother', phone_masked: '139****1111' },
        { relation: 'grandfather', phone_masked: '139****2222' },
        { relation: 'maternal_grandmother', phone_masked: '139****3333' },
      ]);
      // A reprint gives the same three codes, not three more.
      expect(codesIn((await fetchPdf(tok.psychologist!, yuying, query)).body).sort()).toEqual(codes.slice().sort());
      const bound = await t.call('POST', '/api/bindings', { token: tok.parent2, body: { code: codes[0], relation: 'mother', noticeConsent: true, phoneCode: null, acceptSchoolNotice: false } });
      expect(bound.status).toBe(200);
      expect(['钱多多', '孔小乐']).toContain(bound.body.child.name);
      const after = codesIn((await fetchPdf(tok.psychologist!, yuying, query)).body);
      expect(after.sort()).toEqual(codes.slice(1).sort());
    }, 60_000);

    test('a missing font is a clear Chinese error, and no code is issued', async () => {
      const broken = await testApp({ env: { XQ_PRINT_FONT: '/nonexistent/font.ttc' } });
      try {
        const token = await broken.login('head_teacher');
        const school = (await broken.db.query<{ id: string }>("SELECT id FROM schools WHERE name = '小店区育英小学'"))[0]!.id;
        const before = (await broken.db.query<{ n: number }>('SELECT count(*)::int AS n FROM binding_codes'))[0]!.n;
        const res = await broken.call('GET', `/api/schools/${school}/binding-sheets?${CLASS}`, { token });
        expect(res.status).toBe(500);
        expect(res.body.error.code).toBe('PRINT_FONT_MISSING');
        expect(res.body.error.message).toContain('中文字体');
        expect(JSON.stringify(res.body)).not.toContain('/nonexistent');
        expect((await broken.db.query<{ n: number }>('SELECT count(*)::int AS n FROM binding_codes'))[0]!.n).toBe(before);
      } finally {
        await broken.close();
      }
    }, 60_000);
  });
}

suite('PGlite', async () => null);
suite('PostgreSQL', () => scratchPostgres());
