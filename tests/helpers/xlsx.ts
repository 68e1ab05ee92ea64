/** Reads an .xlsx back for tests: zip central directory → inflate → the cell texts of each sheet's rows. */
import { inflateRawSync } from 'node:zlib';

/** The sheets of an .xlsx (in sheet order), each as rows of cell texts; throws when it is not a spreadsheet. */
export function readXlsx(buf: Buffer): string[][][] {
  const files = new Map<string, string>();
  const end = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < 0) throw new Error('not a zip file');
  const entries = buf.readUInt16LE(end + 10);
  let p = buf.readUInt32LE(end + 16);
  for (let i = 0; i < entries; i += 1) {
    const method = buf.readUInt16LE(p + 10);
    const size = buf.readUInt32LE(p + 20);
    const nameLen = buf.readUInt16LE(p + 28);
    const extra = buf.readUInt16LE(p + 30);
    const comment = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.subarray(p + 46, p + 46 + nameLen).toString('utf8');
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const raw = buf.subarray(start, start + size);
    files.set(name, (method === 8 ? inflateRawSync(raw) : raw).toString('utf8'));
    p += 46 + nameLen + extra + comment;
  }
  if (!files.get('[Content_Types].xml')?.includes('spreadsheetml.sheet.main+xml')) throw new Error('not an .xlsx workbook');
  const unescape = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
  return [...files.keys()].filter((n) => /^xl\/worksheets\/sheet\d+\.xml$/.test(n)).sort().map((n) => {
    const rows = [...(files.get(n) as string).matchAll(/<row [^>]*>(.*?)<\/row>/g)];
    return rows.map((r) => [...(r[1] as string).matchAll(/<c r="[A-Z]+\d+"[^>]*>(?:<v>([^<]*)<\/v>|<is><t[^>]*>([^<]*)<\/t><\/is>)<\/c>/g)].map((c) => unescape(c[1] ?? c[2] ?? '')));
  });
}
