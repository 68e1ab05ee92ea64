/** 学生心理问题告知书 (part 3): typed calls of the notices API for guardians, school staff and administrators. */
import Taro from '@tarojs/taro';
import type {
  NoticeDraft, NoticeDraftContent, NoticeDraftList,
  AcknowledgeInput, AuditVerifyOutput, BindInput, BindOutput, BindingCodeInput, BindingCodeOutput, CloseReferralInput, MessageTemplatesOutput,
  MyDataOutput, NoticeBoardOutput, NoticeInput, NoticeGuardianView, NoticeSchoolsOutput, NoticeSettings, NoticeSettingsInput, NoticeStaffView,
  NoticeTaskOutcome, NoticeView, ReferralOutcome, RejectNoticeInput, StudentGuardiansOutput, StudentInput, StudentListOutput, StudentSummary,
  TaskDoneInput,
} from '../../types';
import { request, type ApiResult } from './request';

export { listMyNotices } from './notice-inbox';

const seg = (id: string) => encodeURIComponent(id);

/** The schools whose notices the caller works with (school roles). */
export function listNoticeSchools(): Promise<ApiResult<NoticeSchoolsOutput>> {
  return request<NoticeSchoolsOutput>('/api/notices/schools');
}

/** A school's notice settings: approval, escalation ladder, retention, green-channel institutions. */
export function getNoticeSettings(schoolId: string): Promise<ApiResult<NoticeSettings>> {
  return request<NoticeSettings>(`/api/schools/${seg(schoolId)}/notice-settings`);
}

/** Saves a school's notice settings (school leaders and administrators). */
export function saveNoticeSettings(schoolId: string, input: NoticeSettingsInput): Promise<ApiResult<NoticeSettings>> {
  return request<NoticeSettings>(`/api/schools/${seg(schoolId)}/notice-settings`, { method: 'PUT', body: input });
}

/** A school's students, optionally filtered by a name search. */
export function listStudents(schoolId: string, q = ''): Promise<ApiResult<StudentListOutput>> {
  const query = q.trim();
  return request<StudentListOutput>(`/api/schools/${seg(schoolId)}/students`, { query: { q: query === '' ? undefined : query } });
}

/** Adds a student to a school's roll (key: the form's idempotency key, as for every create and submit below). */
export function addStudent(schoolId: string, input: StudentInput, key: string): Promise<ApiResult<StudentSummary>> {
  return request<StudentSummary>(`/api/schools/${seg(schoolId)}/students`, { method: 'POST', body: input, idempotencyKey: key });
}

/** A student's guardians and binding codes. */
export function getStudentGuardians(studentId: string): Promise<ApiResult<StudentGuardiansOutput>> {
  return request<StudentGuardiansOutput>(`/api/students/${seg(studentId)}/guardians`);
}

/** Generates a one-time binding code for a student (the code is in this answer only). */
export function createBindingCode(studentId: string, input: BindingCodeInput, key: string): Promise<ApiResult<BindingCodeOutput>> {
  return request<BindingCodeOutput>(`/api/students/${seg(studentId)}/binding-codes`, { method: 'POST', body: input, idempotencyKey: key });
}

/** Revokes an unused binding code. */
export function revokeBindingCode(codeId: string): Promise<ApiResult<StudentGuardiansOutput>> {
  return request<StudentGuardiansOutput>(`/api/binding-codes/${seg(codeId)}/revoke`, { method: 'POST', body: {} });
}

/** Revokes a guardian's binding: they no longer receive or open this student's notices. */
export function revokeGuardianship(guardianshipId: string): Promise<ApiResult<StudentGuardiansOutput>> {
  return request<StudentGuardiansOutput>(`/api/guardianships/${seg(guardianshipId)}/revoke`, { method: 'POST', body: {} });
}

/** Issues a notice: sent at once, or waiting for a second staff member's approval when the school requires it. */
export function issueNotice(input: NoticeInput, key: string): Promise<ApiResult<NoticeStaffView>> {
  return request<NoticeStaffView>('/api/notices', { method: 'POST', body: input, idempotencyKey: key });
}

/** The caller's drafts of notices at a school, newest first (only the author ever gets them). */
export function listNoticeDrafts(schoolId: string): Promise<ApiResult<NoticeDraftList>> {
  return request<NoticeDraftList>(`/api/schools/${seg(schoolId)}/notice-drafts`);
}

/** Saves a new draft; the server seals it like a notice. */
export function createNoticeDraft(schoolId: string, content: NoticeDraftContent, key: string): Promise<ApiResult<NoticeDraft>> {
  return request<NoticeDraft>('/api/notice-drafts', { method: 'POST', body: { schoolId, content }, idempotencyKey: key });
}

/** Replaces a draft's content (autosave). */
export function saveNoticeDraft(id: string, content: NoticeDraftContent): Promise<ApiResult<NoticeDraft>> {
  return request<NoticeDraft>(`/api/notice-drafts/${seg(id)}`, { method: 'PUT', body: { content } });
}

/** Discards a draft. */
export function discardNoticeDraft(id: string): Promise<ApiResult<{ deleted: true }>> {
  return request<{ deleted: true }>(`/api/notice-drafts/${seg(id)}`, { method: 'DELETE' });
}

/** Approves a notice waiting for approval, which sends it. */
export function approveNotice(id: string, key: string): Promise<ApiResult<NoticeStaffView>> {
  return request<NoticeStaffView>(`/api/notices/${seg(id)}/approve`, { method: 'POST', body: {}, idempotencyKey: key });
}

/** Rejects a notice waiting for approval, with the reason its author sees. */
export function rejectNotice(id: string, reason: string, key: string): Promise<ApiResult<NoticeStaffView>> {
  const body: RejectNoticeInput = { reason };
  return request<NoticeStaffView>(`/api/notices/${seg(id)}/reject`, { method: 'POST', body, idempotencyKey: key });
}

/** Closes a case; its content is purged after the school's retention period. */
export function closeNotice(id: string, key: string): Promise<ApiResult<NoticeStaffView>> {
  return request<NoticeStaffView>(`/api/notices/${seg(id)}/close`, { method: 'POST', body: {}, idempotencyKey: key });
}

/** The school's board: every notice's receipts, open tasks and what is overdue. */
export function getNoticeBoard(schoolId: string): Promise<ApiResult<NoticeBoardOutput>> {
  return request<NoticeBoardOutput>(`/api/schools/${seg(schoolId)}/notice-board`);
}

/** Marks an escalation task done with how it ended. */
export function completeNoticeTask(taskId: string, outcome: NoticeTaskOutcome, key: string): Promise<ApiResult<NoticeStaffView>> {
  const body: TaskDoneInput = { outcome };
  return request<NoticeStaffView>(`/api/notice-tasks/${seg(taskId)}/done`, { method: 'POST', body, idempotencyKey: key });
}

/** Ends a referral with its outcome. */
export function closeReferral(referralId: string, outcome: ReferralOutcome, key: string): Promise<ApiResult<NoticeStaffView>> {
  const body: CloseReferralInput = { outcome };
  return request<NoticeStaffView>(`/api/referrals/${seg(referralId)}/close`, { method: 'POST', body, idempotencyKey: key });
}

/** Opens a notice: the staff view, or the guardian's own copy (opening records the guardian's read receipt). */
export function getNotice(id: string): Promise<ApiResult<NoticeView>> {
  return request<NoticeView>(`/api/notices/${seg(id)}`);
}

/** Binds the caller to a student with a school's code and the separate notice consent. */
export function bindChild(input: BindInput, key: string): Promise<ApiResult<BindOutput>> {
  return request<BindOutput>('/api/bindings', { method: 'POST', body: input, idempotencyKey: key });
}

/** The WeChat template ids of the school-notice subscription, asked for at binding (none on H5, where there are no subscribe messages). */
export async function noticeTemplateIds(): Promise<string[]> {
  if (process.env.TARO_ENV !== 'weapp') return [];
  const templates = await request<MessageTemplatesOutput>('/api/messages/templates');
  return templates.ok ? templates.data.templates.filter((t) => t.purpose === 'binding').map((t) => t.templateId) : [];
}

/** Asks WeChat for the school-notice subscription (call it straight from a tap) and says whether the guardian allowed it. */
export async function askNoticeSubscription(templateIds: string[]): Promise<boolean> {
  if (process.env.TARO_ENV !== 'weapp' || templateIds.length === 0) return false;
  try {
    const res = (await Taro.requestSubscribeMessage({ tmplIds: templateIds, entityIds: [] })) as unknown as Record<string, string>;
    return templateIds.some((id) => res[id] === 'accept');
  } catch {
    return false;
  }
}

/** Records the guardian's acknowledgement and follow-up choice, with their typed name and handwritten signature. */
export function acknowledgeNotice(id: string, input: AcknowledgeInput, key: string): Promise<ApiResult<NoticeGuardianView>> {
  return request<NoticeGuardianView>(`/api/notices/${seg(id)}/acknowledge`, { method: 'POST', body: input, idempotencyKey: key });
}

/** 我的数据: what the system holds about the caller and their children. */
export function getMyData(): Promise<ApiResult<MyDataOutput>> {
  return request<MyDataOutput>('/api/me/data');
}

/** Verifies the whole audit chain and names the first broken entry (administrators). */
export function verifyAuditChain(): Promise<ApiResult<AuditVerifyOutput>> {
  return request<AuditVerifyOutput>('/api/admin/audit/verify');
}
