/**
 * Printable binding sheets: one A4 page per open guardian slot of a class, with the binding code, a QR code of the binding
 * link and the handout text. Only the school's staff may print; a code printed once is sealed under the master key so a
 * reprint shows the same code while it stays valid.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import PDFDocument from 'pdfkit';
import qrcode from 'qrcode-generator';
import type { GuardianRelation, Hotline, SheetClassListOutput } from '../../../../types';
import type { AppDeps } from '../../deps';
import { AppError } from '../errors';
import { classText, RELATION_LABELS } from '../../../shared/labels';
import { one } from '../../storage/db';
import type { Caller } from '../caller';
import { groupCode, normaliseCode, randomCode } from '../codes';
import { NATIONAL_HOTLINE, nearestHotline } from '../hotlines';
import { requireId } from '../registry';
import { classScope, requireStaff } from './access';
import { appendAudit, type AuditEvent } from './audit';
import { keyedHash } from './crypto';

/** How long a code issued for a printed sheet stays valid. */
export const PRINTED_CODE_DAYS = 30;
const CODE_LENGTH = 8;

/** One page of the sheets: a guardian slot of a pupil with its code. */
export interface SheetSlot {
  pupil: string;
  relation: GuardianRelation | null;
  phoneMasked: string | null;
  code: string;
  expiresAt: Date;
}

/** What the PDF shows besides the slots. */
export interface SheetContext {
  schoolName: string;
  grade: string;
  className: string;
  hotline: Hotline;
  /** The address the binding link starts with (no trailing slash). */
  base: string;
}

interface CodeRow {
  id: string; student_id: string; relation: GuardianRelation | null; phone_hash: string | null; phone_masked: string | null; expires_at: Date;
  code_key_id: string | null; code_sealed: Buffer | Uint8Array | null;
}

/** The pupil's name as the handout part shows it: the surname and the last character (李*涵, 欧阳**涵, 李*). */
export function maskName(name: string): string {
  const chars = [...name.trim()];
  if (chars.length <= 1) return name;
  if (chars.length === 2) return `${chars[0]}*`;
  const surname = chars.length >= 4 ? 2 : 1;
  return `${chars.slice(0, surname).join('')}${'*'.repeat(chars.length - surname - 1)}${chars[chars.length - 1]}`;
}

/** The binding page's address with a code filled in (the H5 page; a WeChat scan opens the mini-program where the prefix is configured). */
export function bindingLink(base: string, code: string): string {
  return `${base}/#/packages/notices/bind/index?code=${encodeURIComponent(code)}`;
}

/** China-time date of an instant, `YYYY-MM-DD`. */
function chinaDate(at: Date): string {
  return new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}

/** The binding-sheet service: built per request. */
export class BindingSheetService {
  constructor(private readonly deps: AppDeps, private readonly caller: Caller) {}

  /** The school's classes (grade + class name) with their pupil counts, for the print form (any school role). */
  async classes(schoolId: string): Promise<SheetClassListOutput> {
    requireStaff(this.caller, requireId(schoolId, '学校'));
    const scope = await classScope(this.deps.db, this.caller, schoolId);
    const rows = await this.deps.db.query<{ grade: string; class_name: string; pupils: number }>(
      `SELECT grade, class_name, count(*)::int AS pupils FROM students WHERE school_id = $1 AND ($2::uuid[] IS NULL OR class_id = ANY($2::uuid[]))
        GROUP BY grade, class_name ORDER BY grade, class_name`,
      [schoolId, scope],
    );
    return { classes: rows.map((r) => ({ grade: r.grade, className: r.class_name, pupils: r.pupils })) };
  }

  /**
   * The class's guardian slots, issuing codes where needed, in one transaction (the class's pupils locked, so two prints
   * at once give the same codes). A slot is an open binding code of a pupil (the school's phone record of a guardian), a
   * guardian phone registered by import that has no open code and has not bound yet (a code is issued for it), and,
   * while the phone check is off, one new slot for a pupil with no guardian and no open code. An open code printed before
   * is shown again; one issued in the console (shown once, not kept) is replaced by a new code with the same relation and
   * phone record, since the server cannot show it again.
   */
  async slots(schoolId: string, grade: string, className: string): Promise<{ context: Omit<SheetContext, 'base'>; slots: SheetSlot[] }> {
    requireStaff(this.caller, requireId(schoolId, '学校'));
    const { db, config, keys } = this.deps;
    const now = this.deps.clock();
    return db.transaction(async (tx) => {
      const school = await one<{ name: string; region_id: string }>(tx, 'SELECT name, region_id FROM schools WHERE id = $1', [schoolId]);
      // A 班主任 alone prints only their own classes: another class answers as one with no pupils.
      const scope = await classScope(tx, this.caller, schoolId);
      const pupils = await tx.query<{ id: string; name: string; guardians: number }>(
        `SELECT s.id, s.name, (SELECT count(*) FROM guardianships g WHERE g.student_id = s.id AND g.revoked_at IS NULL)::int AS guardians
           FROM students s WHERE s.school_id = $1 AND s.grade = $2 AND s.class_name = $3 AND ($4::uuid[] IS NULL OR s.class_id = ANY($4::uuid[]))
          ORDER BY s.name, s.id FOR UPDATE`,
        [schoolId, grade, className, scope],
      );
      if (pupils.length === 0) throw new AppError('NOT_FOUND', '该班级没有学生');
      const open = await tx.query<CodeRow>(
        `SELECT id, student_id, relation, phone_hash, phone_masked, expires_at, code_key_id, code_sealed FROM binding_codes
          WHERE student_id = ANY($1::uuid[]) AND used_at IS NULL AND revoked_at IS NULL AND expires_at > $2 ORDER BY created_at, id FOR UPDATE`,
        [pupils.map((p) => p.id), now],
      );
      // Guardian phones the school registered (bulk import) with no open code yet and never bound: each gets a code.
      const contacts = await tx.query<{ student_id: string; relation: GuardianRelation | null; phone_hash: string; phone_masked: string }>(
        `SELECT gc.student_id, gc.relation, gc.phone_hash, gc.phone_masked FROM guardian_contacts gc
          WHERE gc.student_id = ANY($1::uuid[])
            AND NOT EXISTS (SELECT 1 FROM binding_codes b WHERE b.student_id = gc.student_id AND b.phone_hash = gc.phone_hash
                             AND (b.used_at IS NOT NULL OR (b.revoked_at IS NULL AND b.expires_at > $2)))
          ORDER BY gc.student_id, gc.slot`,
        [pupils.map((p) => p.id), now],
      );
      const audit: AuditEvent[] = [];
      const slots: SheetSlot[] = [];
      const issue = async (studentId: string, relation: GuardianRelation | null, phoneHash: string | null, phoneMasked: string | null): Promise<{ code: string; expiresAt: Date }> => {
        const id = randomUUID();
        const code = randomCode(CODE_LENGTH);
        const sealed = await keys.wrap(Buffer.from(normaliseCode(code), 'utf8'), `binding-code:${id}`);
        const expiresAt = new Date(now.getTime() + PRINTED_CODE_DAYS * 86_400_000);
        await tx.query(
          `INSERT INTO binding_codes (id, student_id, code_hash, relation, phone_hash, phone_masked, created_by, created_at, expires_at, code_key_id, code_sealed)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
          [id, studentId, keyedHash(config.notices.hmacKey, 'binding-code', normaliseCode(code)), relation, phoneHash, phoneMasked, this.caller.userId, now, expiresAt, sealed.keyId, sealed.wrapped],
        );
        audit.push({ actorId: this.caller.userId, action: 'binding_code_created', subjectId: id, details: { studentId, printed: true } });
        return { code, expiresAt };
      };
      for (const pupil of pupils) {
        const mine = open.filter((c) => c.student_id === pupil.id);
        for (const c of mine) {
          const shown = await this.unsealed(c);
          if (shown) {
            slots.push({ pupil: pupil.name, relation: c.relation, phoneMasked: c.phone_masked, code: shown, expiresAt: new Date(c.expires_at) });
            continue;
          }
          await tx.query('UPDATE binding_codes SET revoked_at = $2 WHERE id = $1', [c.id, now]);
          audit.push({ actorId: this.caller.userId, action: 'binding_code_revoked', subjectId: c.id, details: { studentId: pupil.id, replacedForPrint: true } });
          const fresh = await issue(pupil.id, c.relation, c.phone_hash, c.phone_masked);
          slots.push({ pupil: pupil.name, relation: c.relation, phoneMasked: c.phone_masked, ...fresh });
        }
        const registered = contacts.filter((c) => c.student_id === pupil.id);
        for (const c of registered) {
          slots.push({ pupil: pupil.name, relation: c.relation, phoneMasked: c.phone_masked, ...(await issue(pupil.id, c.relation, c.phone_hash, c.phone_masked)) });
        }
        if (mine.length === 0 && registered.length === 0 && pupil.guardians === 0 && !config.notices.requirePhoneMatch) {
          slots.push({ pupil: pupil.name, relation: null, phoneMasked: null, ...(await issue(pupil.id, null, null, null)) });
        }
      }
      if (slots.length === 0) throw new AppError('NOT_FOUND', '该班级没有需要绑定的监护人（都已绑定，或未登记监护人手机号）');
      audit.push({ actorId: this.caller.userId, action: 'binding_sheet_printed', subjectId: schoolId, details: { grade, className, pages: slots.length } });
      await appendAudit(tx, config.notices.hmacKey, now, audit);
      return { context: { schoolName: school.name, grade, className, hotline: await nearestHotline(tx, school.region_id) }, slots };
    });
  }

  /** The class's sheets as a PDF (the font is checked before any code is issued); the request's URL gives the link's origin unless XQ_PUBLIC_URL is set. */
  async pdf(schoolId: string, grade: string, className: string, requestUrl: string): Promise<{ pdf: Buffer; filename: string; pages: number }> {
    const { print } = this.deps.config;
    requireStaff(this.caller, requireId(schoolId, '学校'));
    requirePrintFont(print.fontFile);
    const { context, slots } = await this.slots(schoolId, grade, className);
    const pdf = await renderBindingSheets(print.fontFile, print.fontFace, { ...context, base: sheetBase(print.publicUrl, requestUrl) }, slots);
    return { pdf, filename: `${context.schoolName}${classText(grade, className)}家长绑定单.pdf`, pages: slots.length };
  }

  /** The code of a sealed row, grouped for reading; null when it was not printed before or its master key is gone. */
  private async unsealed(c: CodeRow): Promise<string | null> {
    if (!c.code_key_id || !c.code_sealed) return null;
    try {
      return groupCode((await this.deps.keys.unwrap(c.code_key_id, Buffer.from(c.code_sealed), `binding-code:${c.id}`)).toString('utf8'));
    } catch {
      return null;
    }
  }
}

/** Checks the print font is there before any code is issued: a clear Chinese error instead of a stack. */
export function requirePrintFont(fontFile: string): void {
  if (!fs.existsSync(fontFile)) throw new AppError('PRINT_FONT_MISSING');
}

const A4 = { width: 595.28, height: 841.89 };
const MARGIN = 48;
const INK = '#1f2a2e';
const MUTED = '#4d5a5e';
const ACCENT = '#267667';

/** Draws a QR code of `text` as filled squares, `size` points wide including a 4-module quiet zone. */
function drawQr(doc: PDFKit.PDFDocument, text: string, x: number, y: number, size: number): void {
  const qr = qrcode(0, 'M');
  qr.addData(text);
  qr.make();
  const n = qr.getModuleCount();
  const unit = size / (n + 8);
  doc.save().rect(x, y, size, size).fill('#ffffff');
  doc.fillColor('#000000');
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) if (qr.isDark(r, c)) doc.rect(x + (c + 4) * unit, y + (r + 4) * unit, unit, unit);
  }
  doc.fill('#000000').restore();
}

/** The handout text of a page (what XinQiao is, how to bind, the privacy promise), paragraph by paragraph. */
const ABOUT = '心桥是学校与家长之间的家庭教育小程序：家长可以学习按孩子学段编排的家庭教育课程、报名家长学校活动，并安全地接收学校发出的心理健康相关通知。';
const STEPS = [
  '微信扫描右侧二维码，或在微信中搜索“心桥”小程序，进入“我的 → 绑定孩子”。',
  '登录并同意隐私保护指引后，输入上方绑定码（扫码会自动填好），选择你与孩子的关系。',
  '阅读并单独勾选“接收孩子心理健康相关告知”，按提示授权微信手机号（须与学校登记的手机号一致），完成绑定。',
];
const PRIVACY = [
  '绑定码只能使用一次，请勿转给他人；丢失或过期请联系班主任作废旧码后重新打印。',
  '学校发出的告知书全程加密保存，只有孩子的监护人和学校授权的老师能看到；微信消息中不含任何内容。',
  '你可以随时在“我的 → 我的数据”查看系统保存的关于你和孩子的信息。',
];

/** Renders the sheets as one PDF (one A4 page per slot). */
export async function renderBindingSheets(fontFile: string, fontFace: string, ctx: SheetContext, slots: SheetSlot[]): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', margin: MARGIN, autoFirstPage: false, info: { Title: `${ctx.schoolName}${classText(ctx.grade, ctx.className)} 家长绑定单`, Author: '心桥' } });
  try {
    doc.registerFont('cjk', fontFile, fontFace);
  } catch {
    throw new AppError('PRINT_FONT_MISSING');
  }
  const chunks: Buffer[] = [];
  doc.on('data', (b: Buffer) => chunks.push(b));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const width = A4.width - MARGIN * 2;
  slots.forEach((slot, index) => {
    doc.addPage();
    doc.font('cjk');
    const relation = slot.relation ? RELATION_LABELS[slot.relation] : '监护人';
    // 分发联: for the 班主任 to hand the page to the right pupil; cut off before the page goes home.
    doc.fontSize(10).fillColor(MUTED).text(
      `分发联（班主任留存或剪下）  ${classText(ctx.grade, ctx.className)}  ${slot.pupil}  ${relation}${slot.phoneMasked ? `  手机 ${slot.phoneMasked}` : ''}    第 ${index + 1} / ${slots.length} 页`,
      MARGIN, MARGIN, { width },
    );
    const cutY = MARGIN + 22;
    doc.save().moveTo(MARGIN, cutY).lineTo(MARGIN + width, cutY).dash(4, { space: 3 }).strokeColor('#8a9599').stroke().undash().restore();
    doc.fontSize(8).fillColor(MUTED).text('沿虚线剪下，下方交给家长', MARGIN, cutY + 3, { width, align: 'right' });

    let y = cutY + 24;
    doc.fontSize(22).fillColor(ACCENT).text('心桥 · 家长绑定单', MARGIN, y, { width });
    y += 34;
    doc.fontSize(13).fillColor(INK).text(`${ctx.schoolName}  ${classText(ctx.grade, ctx.className)}  ${maskName(slot.pupil)} 同学的${relation}`, MARGIN, y, { width });
    y += 30;

    // The code box, with the QR code of the binding link on the right.
    const boxH = 170;
    const qrSize = 150;
    doc.save().roundedRect(MARGIN, y, width, boxH, 8).lineWidth(1.2).strokeColor(ACCENT).stroke().restore();
    doc.fontSize(12).fillColor(MUTED).text('绑定码', MARGIN + 18, y + 18);
    doc.fontSize(40).fillColor(INK).text(slot.code, MARGIN + 18, y + 38);
    doc.fontSize(11).fillColor(MUTED).text(`有效期至 ${chinaDate(slot.expiresAt)}，只能使用一次`, MARGIN + 18, y + 96);
    if (slot.phoneMasked) doc.text(`绑定时须使用学校登记的手机号 ${slot.phoneMasked}`, MARGIN + 18, y + 114);
    drawQr(doc, bindingLink(ctx.base, slot.code), MARGIN + width - qrSize - 10, y + 4, qrSize);
    doc.fontSize(9).fillColor(MUTED).text('微信扫码打开绑定页', MARGIN + width - qrSize - 10, y + qrSize + 2, { width: qrSize, align: 'center' });
    y += boxH + 22;

    const heading = (text: string) => {
      doc.fontSize(14).fillColor(ACCENT).text(text, MARGIN, y, { width });
      y = doc.y + 6;
    };
    const para = (text: string, bullet?: string) => {
      doc.fontSize(11.5).fillColor(INK).text(bullet ? `${bullet} ${text}` : text, MARGIN + (bullet ? 6 : 0), y, { width: width - (bullet ? 6 : 0), lineGap: 3 });
      y = doc.y + 6;
    };
    heading('心桥是什么');
    para(ABOUT);
    y += 6;
    heading('如何绑定');
    STEPS.forEach((s, i) => para(s, `${i + 1}.`));
    y += 6;
    heading('隐私承诺');
    PRIVACY.forEach((s) => para(s, '·'));
    y += 6;
    heading('心理援助热线');
    const line = ctx.hotline;
    para(`${line.label}：${line.number}${line.hours ? `（${line.hours}）` : ''}`);
    if (line.number !== NATIONAL_HOTLINE.number) para(`全国心理援助热线：${NATIONAL_HOTLINE.number}（24小时）`);
    para('遇到紧急危险请拨打 110 或 120。');
    doc.fontSize(9).fillColor(MUTED).text('本单由学校打印发放，内容不含孩子的任何心理健康信息。如有疑问请联系班主任。', MARGIN, A4.height - MARGIN - 12, { width, align: 'center' });
  });
  doc.end();
  return done;
}

/** The address QR links start with: the configured public address, else the request's own origin. */
export function sheetBase(publicUrl: string | null, requestUrl: string): string {
  return publicUrl ?? new URL(requestUrl).origin;
}
