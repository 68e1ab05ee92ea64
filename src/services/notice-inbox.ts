/** The guardian's school notices list: kept apart from services/notices so the 我的 tab (main package) loads only this call. */
import type { MyNoticesOutput } from '../../types';
import { request, type ApiResult } from './request';

/** The caller's own copies of school notices, newest first (no content). */
export function listMyNotices(): Promise<ApiResult<MyNoticesOutput>> {
  return request<MyNoticesOutput>('/api/me/notices');
}
