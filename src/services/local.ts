/** Regional hotline settings (admins, 妇联) and the printable binding sheets of a class. */
import Taro from '@tarojs/taro';
import type { RegionHotlineOutput, SetHotlineInput, SheetClassListOutput } from '../../types';
import { classText } from '../shared/labels';
import { forgetHotline } from './hotline';
import { apiBase, authHeader, request, type ApiResult } from './request';

const seg = (id: string) => encodeURIComponent(id);

/** A region's own hotline, the one its people see, and the change history (admins, 妇联 of the region). */
export function getRegionHotline(regionId: string): Promise<ApiResult<RegionHotlineOutput>> {
  return request<RegionHotlineOutput>(`/api/admin/regions/${seg(regionId)}/hotline`);
}

/** Sets a region's hotline. */
export async function setRegionHotline(regionId: string, input: SetHotlineInput): Promise<ApiResult<RegionHotlineOutput>> {
  forgetHotline();
  return request<RegionHotlineOutput>(`/api/admin/regions/${seg(regionId)}/hotline`, { method: 'PUT', body: input });
}

/** Clears a region's own hotline: it inherits its parent's (or 12356) again. */
export async function clearRegionHotline(regionId: string): Promise<ApiResult<RegionHotlineOutput>> {
  forgetHotline();
  return request<RegionHotlineOutput>(`/api/admin/regions/${seg(regionId)}/hotline`, { method: 'DELETE' });
}

/** The school's classes that binding sheets can be printed for. */
export function listSheetClasses(schoolId: string): Promise<ApiResult<SheetClassListOutput>> {
  return request<SheetClassListOutput>(`/api/schools/${seg(schoolId)}/binding-sheets/classes`);
}

/** The address of a class's binding sheets (PDF). */
export function bindingSheetsPath(schoolId: string, grade: string, className: string): string {
  return `/api/schools/${seg(schoolId)}/binding-sheets?grade=${encodeURIComponent(grade)}&className=${encodeURIComponent(className)}`;
}

/** Downloads a class's binding sheets: a browser download on H5; on the mini-program, WeChat's document viewer (print or share from its menu). */
export async function downloadBindingSheets(schoolId: string, grade: string, className: string): Promise<ApiResult<null>> {
  const url = `${apiBase()}${bindingSheetsPath(schoolId, grade, className)}`;
  const header = authHeader();
  const failed = (message: string, status = 0): ApiResult<null> => ({ ok: false, error: { code: 'DOWNLOAD_FAILED', message, status } });
  if (process.env.TARO_ENV === 'h5') {
    try {
      const res = await fetch(url, { headers: header });
      if (!res.ok) {
        const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
        return failed(body?.error?.message ?? '下载失败，请稍后重试', res.status);
      }
      const link = document.createElement('a');
      link.href = URL.createObjectURL(await res.blob());
      link.download = `${classText(grade, className)}家长绑定单.pdf`;
      document.body.appendChild(link);
      link.click();
      link.remove();
      return { ok: true, data: null };
    } catch {
      return failed('网络连接失败，请检查网络后重试');
    }
  }
  try {
    const res = await Taro.downloadFile({ url, header });
    if (res.statusCode === 404) return failed('该班级没有需要绑定的监护人，或你没有该学校的权限', 404);
    if (res.statusCode !== 200) return failed('生成绑定单失败，请稍后重试', res.statusCode);
    await Taro.openDocument({ filePath: res.tempFilePath, fileType: 'pdf', showMenu: true });
    return { ok: true, data: null };
  } catch {
    return failed('绑定单已下载，但无法打开预览');
  }
}
