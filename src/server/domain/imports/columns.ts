/** The columns of each import kind, how a row's cells are read and checked, and the downloadable templates. */
import type { ImportCellError, ImportKind } from '../../../../types';
import { AppError } from '../errors';
import { columnLetter, templateXlsx, type Sheet, type SheetRow } from './files';

/** One column of an import template. */
export interface ColumnDef {
  key: string;
  header: string;
  required: boolean;
  example: string;
  width: number;
}

const col = (key: string, header: string, required: boolean, example: string, width = 16): ColumnDef => ({ key, header, required, example, width });

/** The columns of each kind, in template order. */
export const COLUMNS: Record<ImportKind, ColumnDef[]> = {
  regions: [
    col('code', '行政区划代码', true, '140105'),
    col('name', '名称', true, '小店区'),
    col('level', '层级', true, '区县', 10),
    col('parent', '上级代码', false, '140100'),
  ],
  schools: [
    col('name', '学校名称', true, '育才实验小学', 24),
    col('region', '所在地区代码', true, '140105'),
    col('stages', '学段', true, '小学', 16),
    col('opened', '开办日期', false, '2020-09-01', 14),
    col('closed', '停办日期', false, '', 14),
  ],
  stations: [
    col('name', '站点名称', true, '坞城街道家庭教育指导服务站', 28),
    col('kind', '类型', true, '家庭教育指导服务站点', 22),
    col('region', '所在地区代码', true, '140105'),
    col('school', '所属学校', false, '', 24),
    col('address', '地址', false, '太原市小店区坞城路 1 号', 30),
    col('opened', '开办日期', false, '2021-03-01', 14),
    col('closed', '停办日期', false, '', 14),
  ],
  pupils: [
    col('no', '学号', true, '2026050101', 14),
    col('name', '姓名', true, '李小明', 12),
    col('grade', '年级', true, '五年级', 10),
    col('class', '班级', true, '五年级（1）班', 16),
    col('stage', '学段', true, '小学', 10),
    col('rel1', '监护人1关系', false, '母亲', 12),
    col('phone1', '监护人1手机号', false, '13800138000', 16),
    col('rel2', '监护人2关系', false, '父亲', 12),
    col('phone2', '监护人2手机号', false, '', 16),
  ],
};

const SHEET_NAMES: Record<ImportKind, string> = { regions: '地区', schools: '学校', stations: '站点', pupils: '学生名单' };

const NOTES: Record<ImportKind, string> = {
  regions: '第 1 行是表头，请勿修改；从第 2 行起每行一个地区（示例行可直接改写）。\n行政区划代码：6 位数字，用于识别地区；再次导入同一代码只更新名称。\n层级：省、市、区县。\n上级代码：市的上级须为省，区县的上级须为市；省不填。上级可以是本表中前面的行。',
  schools: '第 1 行是表头，请勿修改；从第 2 行起每行一所学校。\n同一地区下按学校名称识别；再次导入只更新学段和日期。\n学段：学前、小学、初中、高中、中职/高校，多个用顿号或逗号分隔。\n日期格式：2020-09-01；开办日期不填时，新学校从导入当天开放；已有学校不填则不修改。',
  stations: '第 1 行是表头，请勿修改；从第 2 行起每行一个站点。\n同一地区下按站点名称识别；再次导入更新类型、所属学校、地址和日期。\n类型：家长学校、家庭教育指导服务站点。\n所属学校：同一地区内已登记的学校名称，可不填。\n日期格式：2021-03-01；开办日期不填时，新站点从导入当天开放；已有站点不填则不修改。',
  pupils: '第 1 行是表头，请勿修改；从第 2 行起每行一名学生。\n学号：本校内唯一，用于识别学生；再次导入同一学号只更新有变化的内容。\n学段：学前、小学、初中、高中、中职/高校。\n监护人关系：父亲、母亲、其他监护人等；手机号为 11 位，绑定时与家长的微信手机号核对。\n监护人一栏留空表示不修改已登记的号码。手机号只保存加密摘要和打码形式（如 138****8000）。',
};

/** The template file name of a kind. */
export function templateName(kind: ImportKind): string {
  return `${SHEET_NAMES[kind]}导入模板.xlsx`;
}

/** The template workbook of a kind. */
export function template(kind: ImportKind): Promise<Buffer> {
  return templateXlsx(SHEET_NAMES[kind], COLUMNS[kind], NOTES[kind]);
}

/** A header as written, without marks of a required column (`*`, `（必填）`) or spaces. */
function headerKey(text: string): string {
  return text.replace(/[*＊\s]/g, '').replace(/[（(]必填[）)]/g, '');
}

/** Where each column of a kind is in the sheet; a missing required column refuses the file. */
export function locateColumns(kind: ImportKind, sheet: Sheet): Map<string, number> {
  const at = new Map<string, number>();
  const seen = sheet.header.map(headerKey);
  for (const c of COLUMNS[kind]) {
    const i = seen.indexOf(c.header);
    if (i >= 0) at.set(c.key, i);
  }
  const missing = COLUMNS[kind].filter((c) => c.required && !at.has(c.key)).map((c) => c.header);
  if (missing.length) {
    const message = `表头缺少“${missing.join('”“')}”列，请使用本页下载的模板（第 1 行为表头）`;
    throw new AppError('VALIDATION_FAILED', message, [{ path: 'body.dataBase64', message }]);
  }
  return at;
}

/** NUL, unpaired surrogates and control characters: text no keyboard types and PostgreSQL may not store. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what this pattern looks for
const BAD_TEXT = /[\u0000-\u001f\u007f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Reads and checks the cells of one row, collecting errors by cell reference. */
export class RowReader {
  readonly errors: ImportCellError[] = [];

  constructor(private readonly kind: ImportKind, private readonly columns: Map<string, number>, readonly source: SheetRow) {}

  /** The row's number in the sheet. */
  get row(): number {
    return this.source.row;
  }

  /** The cell reference of a column in this row (`C7`); the row's first cell when the column is absent. */
  cell(key: string): string {
    return `${columnLetter(this.columns.get(key) ?? 0)}${this.source.row}`;
  }

  /** The header of a column. */
  header(key: string): string {
    return COLUMNS[this.kind].find((c) => c.key === key)?.header ?? key;
  }

  /** Records an error at a column's cell. */
  fail(key: string, message: string): void {
    this.errors.push({ cell: this.cell(key), message });
  }

  /** The raw trimmed text of a column ('' when absent). */
  raw(key: string): string {
    const i = this.columns.get(key);
    return i === undefined ? '' : (this.source.cells[i] ?? '').trim();
  }

  /** A text cell checked for characters and length; '' when empty and not required (an error when required). */
  text(key: string, max: number, min = 1): string {
    const value = this.raw(key);
    const header = this.header(key);
    const required = COLUMNS[this.kind].find((c) => c.key === key)?.required ?? false;
    if (value === '') {
      if (required) this.fail(key, `请填写${header}`);
      return '';
    }
    if (BAD_TEXT.test(value)) {
      this.fail(key, `${header}含有无法识别的字符（如换行、空字符或残缺的表情符号）`);
      return '';
    }
    const length = [...value].length;
    if (length > max) {
      this.fail(key, `${header}最多 ${max} 个字（现为 ${length} 个字）`);
      return '';
    }
    if (length < min) {
      this.fail(key, `${header}至少 ${min} 个字`);
      return '';
    }
    return value;
  }

  /** A cell that must be one of a list of Chinese labels; returns the matching value or null. */
  choice<V extends string>(key: string, labels: Record<string, V>, hint: string): V | null {
    const value = this.text(key, 20);
    if (value === '') return null;
    const found = labels[value.replace(/\s/g, '')];
    if (!found) this.fail(key, `${this.header(key)}“${value}”无法识别，应为：${hint}`);
    return found ?? null;
  }

  /** A date cell as `YYYY-MM-DD` (also accepts 2020/9/1, 2020.9.1, 2020年9月1日 and Excel day numbers); '' when empty. */
  date(key: string): string {
    const value = this.text(key, 20);
    if (value === '') return '';
    const day = parseDay(value);
    if (!day) this.fail(key, `${this.header(key)}“${value}”不是有效日期，格式如 2020-09-01（1949—2100 年）`);
    return day ?? '';
  }

  /** A mainland mobile number (11 digits starting 1[3-9]); '' when empty. Spaces and dashes are ignored. */
  mobile(key: string): string {
    const value = this.text(key, 20);
    if (value === '') return '';
    const digits = value.replace(/[\s-]/g, '').replace(/^\+?86(?=1\d{10}$)/, '');
    if (!/^1[3-9]\d{9}$/.test(digits)) {
      this.fail(key, `${this.header(key)}须为 11 位手机号（如 13800138000）`);
      return '';
    }
    return digits;
  }
}

/** Parses a day in the forms people type into Excel, within 1949–2100; null when it is not a real day. */
export function parseDay(text: string): string | null {
  let y: number;
  let m: number;
  let d: number;
  const parts = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/.exec(text);
  if (parts) {
    [y, m, d] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  } else if (/^\d{5}$/.test(text)) {
    const serial = new Date(Date.UTC(1899, 11, 30) + Number(text) * 86_400_000);
    [y, m, d] = [serial.getUTCFullYear(), serial.getUTCMonth() + 1, serial.getUTCDate()];
  } else return null;
  const day = new Date(Date.UTC(y, m - 1, d));
  if (y < 1949 || y > 2100 || day.getUTCMonth() !== m - 1 || day.getUTCDate() !== d) return null;
  return day.toISOString().slice(0, 10);
}
