/**
 * Printable binding sheets (issue 15): a class's guardian slots as one PDF, one page per slot, rendered with pdftoppm;
 * codes that a reprint shows again, console codes replaced, and only the school's staff may print.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createApp } from '../../src/server/app';
import { testApp, type TestApp } from '../helpers/app';

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

describe('binding sheets', () => {
  let t: TestApp;
  const tok: Record<string, string> = {};
  let yuying = '';
  let other = '';

  /** GETs the sheets as bytes (the harness's call() reads text). */
  const fetchPdf = async (token: string, schoolId = yuying, query = CLASS) => {
    const res = await createApp(t.deps).request(`/api/schools/${schoolId}/binding-sheets?${query}`, { headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, type: res.headers.get('content-type') ?? '', body: Buffer.from(await res.arrayBuffer()) };
  };

  beforeAll(async () => {
    t = await testApp();
    for (const who of ['psychologist', 'head_teacher', 'parent', 'admin']) tok[who] = await t.login(who);
    yuying = (await t.db.query<{ id: string }>("SELECT id FROM schools WHERE name = '小店区育英小学'"))[0]!.id;
    other = (await t.db.query<{ id: string }>("SELECT id FROM schools WHERE name = '小店区第二实验中学'"))[0]!.id;
    // 赵丽 (station staff) is also a 班主任 at another school.
    await t.db.query(`INSERT INTO role_grants (user_id, role, scope_type, scope_id) SELECT u.id, 'head_teacher', 'school', $1 FROM users u WHERE u.dev_identity = 'station'`, [other]);
    tok.otherSchool = await t.login('station');
  }, 60_000);
  afterAll(() => t?.close());

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
});
