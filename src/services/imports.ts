/** Bulk import: templates, picking the file, the dry run and the import. */
import Taro from '@tarojs/taro';
import type { ImportCommitOutput, ImportInput, ImportKind, ImportPreviewOutput } from '../../types';
import { downloadFile, readFileBase64 } from './events';
import { request, type ApiResult } from './request';

/** The largest file the server takes (checked here first so a big file is not sent at all). */
export const IMPORT_MAX_BYTES = 3 * 1024 * 1024;

/** A picked file, read as base64. */
export interface PickedFile {
  name: string;
  size: number;
  dataBase64: string;
}

const TEMPLATE_NAMES: Record<ImportKind, string> = { regions: '地区导入模板.xlsx', schools: '学校导入模板.xlsx', stations: '站点导入模板.xlsx', pupils: '学生名单导入模板.xlsx' };

/** Downloads the template of a kind (.xlsx: the header row and one example row). */
export function downloadTemplate(kind: ImportKind): Promise<ApiResult<null>> {
  return downloadFile(`/api/imports/templates/${kind}`, TEMPLATE_NAMES[kind]);
}

function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** Lets the user pick an .xlsx or .csv (a file dialog on H5, a chat file on the mini-program); null when they cancel. */
export async function pickSheet(): Promise<PickedFile | null> {
  if (process.env.TARO_ENV === 'h5') {
    const input = document.createElement('input');
    input.type = 'file';
    input.accept = '.xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv';
    input.style.display = 'none';
    document.body.appendChild(input);
    try {
      const file = await new Promise<File | null>((resolve) => {
        input.addEventListener('change', () => resolve(input.files?.[0] ?? null), { once: true });
        input.addEventListener('cancel', () => resolve(null), { once: true });
        input.click();
      });
      if (!file) return null;
      if (file.size > IMPORT_MAX_BYTES) return { name: file.name, size: file.size, dataBase64: '' };
      return { name: file.name, size: file.size, dataBase64: bytesToBase64(new Uint8Array(await file.arrayBuffer())) };
    } finally {
      input.remove();
    }
  }
  try {
    const picked = await Taro.chooseMessageFile({ count: 1, type: 'file', extension: ['xlsx', 'csv'] });
    const file = picked.tempFiles[0];
    if (!file) return null;
    if (file.size > IMPORT_MAX_BYTES) return { name: file.name, size: file.size, dataBase64: '' };
    return { name: file.name, size: file.size, dataBase64: await readFileBase64(file.path) };
  } catch {
    return null;
  }
}

/** The dry run: every row's outcome; nothing is written. */
export function previewImport(input: ImportInput): Promise<ApiResult<ImportPreviewOutput>> {
  return request<ImportPreviewOutput>('/api/imports/preview', { method: 'POST', body: input, timeout: 120_000 });
}

/** The import, in one transaction on the server. */
export function commitImport(input: ImportInput, key: string): Promise<ApiResult<ImportCommitOutput>> {
  return request<ImportCommitOutput>('/api/imports', { method: 'POST', body: input, timeout: 120_000, idempotencyKey: key });
}
