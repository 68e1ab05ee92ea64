/** Reads an uploaded .xlsx or .csv into a grid of cell texts, with limits on size, shape and content; writes templates. */
import ExcelJS from 'exceljs';
import { AppError } from '../errors';

/** The largest file accepted. */
export const IMPORT_MAX_BYTES = 3 * 1024 * 1024;
/** The most data rows (after the header) in one file. */
export const IMPORT_MAX_ROWS = 10_000;
/** The most columns read. */
const MAX_COLUMNS = 30;
/** The most a workbook may inflate to (a small zip can hold gigabytes). */
const MAX_INFLATED_BYTES = 60 * 1024 * 1024;

/** One data row of a sheet: its number in the sheet (header = 1) and its cells by column (0 = A). */
export interface SheetRow {
  row: number;
  cells: string[];
}

/** A read sheet: the header texts and the non-empty data rows. */
export interface Sheet {
  header: string[];
  rows: SheetRow[];
}

/** The column letters of a 0-based column index (0 → A, 26 → AA). */
export function columnLetter(index: number): string {
  let n = index + 1;
  let out = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    out = String.fromCharCode(65 + r) + out;
    n = Math.floor((n - 1) / 26);
  }
  return out;
}

const fileError = (message: string) => new AppError('VALIDATION_FAILED', message, [{ path: 'body.dataBase64', message }]);

/** Decodes the upload, checks its size and reads it by its extension. */
export async function readUpload(fileName: string, dataBase64: string): Promise<Sheet> {
  const data = Buffer.from(dataBase64, 'base64');
  if (data.length === 0) throw fileError('文件是空的，请选择填好的表格');
  if (data.length > IMPORT_MAX_BYTES) throw fileError(`文件超过 ${IMPORT_MAX_BYTES / 1024 / 1024} MB，请拆分成几个文件分别导入`);
  const ext = /\.([a-z0-9]+)$/i.exec(fileName)?.[1]?.toLowerCase();
  if (ext === 'xlsx') return readXlsx(data);
  if (ext === 'csv') return readCsv(data);
  throw fileError('只支持 .xlsx 或 .csv 文件（Excel 中“另存为”可选择这两种格式）');
}

/** Sums the uncompressed sizes in a zip's central directory, so a zip bomb is refused before it is inflated. */
function inflatedSize(zip: Buffer): number | null {
  const from = Math.max(0, zip.length - 22 - 0xffff);
  let eocd = -1;
  for (let i = zip.length - 22; i >= from; i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return null;
  const entries = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  let total = 0;
  for (let n = 0; n < entries; n++) {
    if (at + 46 > zip.length || zip.readUInt32LE(at) !== 0x02014b50) return null;
    const size = zip.readUInt32LE(at + 24);
    if (size === 0xffffffff) return null;
    total += size;
    at += 46 + zip.readUInt16LE(at + 28) + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  return total;
}

/** A calendar date of a cell as `YYYY-MM-DD` (Excel keeps dates as UTC midnights). */
function dayOf(d: Date): string {
  return Number.isNaN(d.getTime()) ? '' : d.toISOString().slice(0, 10);
}

/** The text of an Excel cell value of any kind. */
function cellText(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  if (typeof v === 'boolean') return v ? '是' : '否';
  if (v instanceof Date) return dayOf(v);
  if ('richText' in v) return v.richText.map((t) => t.text).join('');
  if ('error' in v) return '';
  if ('formula' in v || 'sharedFormula' in v) return cellText((v as ExcelJS.CellFormulaValue).result as ExcelJS.CellValue);
  if ('text' in v) return cellText((v as ExcelJS.CellHyperlinkValue).text);
  return '';
}

async function readXlsx(data: Buffer): Promise<Sheet> {
  const size = inflatedSize(data);
  if (size === null) throw fileError('无法读取该 .xlsx 文件，请用 Excel 或 WPS 重新保存后再试');
  if (size > MAX_INFLATED_BYTES) throw fileError('表格内容过大，请拆分成几个文件分别导入');
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(data as unknown as ArrayBuffer);
  } catch {
    throw fileError('无法读取该 .xlsx 文件，请用 Excel 或 WPS 重新保存后再试');
  }
  const ws = wb.worksheets.find((w) => w.state === 'visible') ?? wb.worksheets[0];
  if (!ws) throw fileError('表格中没有工作表');
  const grid: SheetRow[] = [];
  let tooWide = false;
  ws.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    if (grid.length > IMPORT_MAX_ROWS + 1) return;
    const cells: string[] = [];
    row.eachCell({ includeEmpty: false }, (cell, col) => {
      if (col > MAX_COLUMNS) {
        if (cellText(cell.value).trim() !== '') tooWide = true;
        return;
      }
      cells[col - 1] = cellText(cell.value);
    });
    for (let i = 0; i < cells.length; i++) cells[i] ??= '';
    grid.push({ row: rowNumber, cells });
  });
  if (tooWide) throw fileError(`表格最多 ${MAX_COLUMNS} 列，请使用页面上下载的模板`);
  return toSheet(grid);
}

/** UTF-8 (with or without BOM) when the bytes are valid UTF-8, else GB18030 (what Excel on Chinese Windows saves as “CSV”). */
export function decodeCsv(data: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(data);
  } catch {
    return new TextDecoder('gb18030').decode(data);
  }
}

/** Parses CSV text (RFC 4180: quoted fields, doubled quotes, CRLF or LF). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += ch;
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      if (rows.length > IMPORT_MAX_ROWS + 2) return rows;
    } else field += ch;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

function readCsv(data: Buffer): Sheet {
  const lines = parseCsv(decodeCsv(data));
  if (lines.some((cells) => cells.length > MAX_COLUMNS && cells.slice(MAX_COLUMNS).some((c) => c.trim() !== ''))) {
    throw fileError(`表格最多 ${MAX_COLUMNS} 列，请使用页面上下载的模板`);
  }
  return toSheet(lines.map((cells, i) => ({ row: i + 1, cells: cells.slice(0, MAX_COLUMNS) })));
}

function toSheet(grid: SheetRow[]): Sheet {
  const nonEmpty = grid.filter((r) => r.cells.some((c) => c.trim() !== ''));
  const [head, ...rows] = nonEmpty;
  if (!head) throw fileError('表格是空的，请在模板的第 1 行表头下面填写数据');
  if (rows.length === 0) throw fileError('表格只有表头，没有数据行');
  if (rows.length > IMPORT_MAX_ROWS) throw fileError(`一次最多导入 ${IMPORT_MAX_ROWS} 行，请拆分成几个文件分别导入`);
  return { header: head.cells.map((c) => c.trim()), rows };
}

/** A template workbook: a header row (bold, frozen) and one example row. */
export async function templateXlsx(sheetName: string, columns: { header: string; example: string; width: number }[], note: string): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet(sheetName, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = columns.map((c) => ({ header: c.header, width: c.width, style: { numFmt: '@' } }));
  ws.getRow(1).font = { bold: true };
  ws.addRow(columns.map((c) => c.example));
  const help = wb.addWorksheet('填写说明');
  help.getColumn(1).width = 100;
  for (const line of note.split('\n')) help.addRow([line]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
