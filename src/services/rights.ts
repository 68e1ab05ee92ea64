/** A guardian's rights (我的数据) and the staff's reminders and task badge: typed calls of the API. */
import type { CloseAccountInput, CloseAccountOutput, MyDataOutput, MyTaskCountsOutput, NoticeConsentInput, RemindOutput } from '../../types';
import { request, type ApiResult } from './request';
import { clearToken } from './session';

const seg = (id: string) => encodeURIComponent(id);

/** Withdraws (false) or gives again (true) the separate consent to receive a child's notices; answers the updated 我的数据. */
export function setNoticeConsent(studentId: string, consent: boolean): Promise<ApiResult<MyDataOutput>> {
  const body: NoticeConsentInput = { consent };
  return request<MyDataOutput>(`/api/me/children/${seg(studentId)}/notice-consent`, { method: 'PUT', body });
}

/** Ends the guardian's own binding to a child; answers the updated 我的数据. */
export function unbindChild(studentId: string, key: string): Promise<ApiResult<MyDataOutput>> {
  return request<MyDataOutput>(`/api/me/children/${seg(studentId)}/unbind`, { method: 'POST', body: {}, idempotencyKey: key });
}

/** Closes the account; on success the session on this phone is cleared too (the server has revoked every session). */
export async function closeAccount(): Promise<ApiResult<CloseAccountOutput>> {
  const body: CloseAccountInput = { confirm: '注销账号' };
  const result = await request<CloseAccountOutput>('/api/me/close-account', { method: 'POST', body });
  if (result.ok) clearToken();
  return result;
}

/** 提醒未读家长 of a notice (school staff; once per 12 hours per notice). */
export function remindUnread(noticeId: string, key: string): Promise<ApiResult<RemindOutput>> {
  return request<RemindOutput>(`/api/notices/${seg(noticeId)}/remind`, { method: 'POST', body: {}, idempotencyKey: key });
}

/** The caller's open escalation tasks (numbers only: the staff badge). */
export function getMyTaskCounts(): Promise<ApiResult<MyTaskCountsOutput>> {
  return request<MyTaskCountsOutput>('/api/me/tasks/counts');
}
