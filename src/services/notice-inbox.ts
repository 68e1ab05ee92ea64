/** The guardian's school notices list: kept apart from services/notices so the 我的 tab (main package) loads only this call. */
import type { MyNoticeCountsOutput, MyNoticesOutput } from '../../types';
import { request, type ApiResult } from './request';

/** The caller's own copies of school notices, newest first (no content). */
export function listMyNotices(): Promise<ApiResult<MyNoticesOutput>> {
  return request<MyNoticesOutput>('/api/me/notices');
}

/** How many of the caller's notices are unread or wait for confirmation: numbers only, for the tab badge and the 首页 card. */
export function getMyNoticeCounts(): Promise<ApiResult<MyNoticeCountsOutput>> {
  return request<MyNoticeCountsOutput>('/api/me/notices/counts');
}
