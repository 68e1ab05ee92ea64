/** 家长学校 sessions (part 2): typed calls of the API, subscribe-message requests and file downloads. */
import Taro from '@tarojs/taro';
import type {
  CheckinCodeOutput, CheckinOutput, DutyStatus, EventDetail, EventInput, EventListOutput, EventListQuery, EvidenceInput, EvidenceItem, EvidenceListOutput,
  EventTemplate, ManageOutput, MessageTemplatesOutput, RosterOutput, SignupOutput,
} from '../../types';
import { apiBase, authHeader, request, type ApiResult } from './request';

const path = (id: string, rest = '') => `/api/events/${encodeURIComponent(id)}${rest}`;

/** Sessions for the caller: near their children (default), all upcoming, or their own sign-ups. */
export function listEvents(query: EventListQuery = {}): Promise<ApiResult<EventListOutput>> {
  const q = query.q?.trim();
  return request<EventListOutput>('/api/events', { query: { scope: query.scope, mentalHealth: query.mentalHealth ? 1 : undefined, q: q ? q : undefined } });
}

/** One session with the caller's sign-up and ticket. */
export function getEvent(id: string): Promise<ApiResult<EventDetail>> {
  return request<EventDetail>(path(id));
}

/** What a staff member manages: hosts, duties and sessions. */
export function getManage(): Promise<ApiResult<ManageOutput>> {
  return request<ManageOutput>('/api/events/manage');
}

/** Publishes a session (key: the form's idempotency key, as for every create and submit below). */
export function createEvent(input: EventInput, key: string): Promise<ApiResult<EventDetail>> {
  return request<EventDetail>('/api/events', { method: 'POST', body: input, idempotencyKey: key });
}

/** Edits a session. */
export function updateEvent(id: string, input: EventInput, key: string): Promise<ApiResult<EventDetail>> {
  return request<EventDetail>(path(id), { method: 'PUT', body: input, idempotencyKey: key });
}

/** Cancels a session with a reason everyone signed up is told. */
export function cancelEvent(id: string, reason: string, key: string): Promise<ApiResult<EventDetail>> {
  return request<EventDetail>(path(id, '/cancel'), { method: 'POST', body: { reason }, idempotencyKey: key });
}

/**
 * Asks WeChat for the one-time subscriptions (confirmation, reminder, cancellation) and returns those the parent
 * accepted. On H5 there are no subscribe messages: nothing is asked and the app shows reminders inside.
 */
export async function requestSubscriptions(): Promise<EventTemplate[]> {
  if (process.env.TARO_ENV !== 'weapp') return [];
  const templates = await request<MessageTemplatesOutput>('/api/messages/templates');
  if (!templates.ok) return [];
  try {
    const wanted = templates.data.templates.filter((t) => t.purpose === 'signup');
    const res = (await Taro.requestSubscribeMessage({ tmplIds: wanted.map((t) => t.templateId), entityIds: [] })) as unknown as Record<string, string>;
    return wanted.filter((t) => res[t.templateId] === 'accept').map((t) => t.key as EventTemplate);
  } catch {
    return [];
  }
}

/** Signs the caller up (with the other guardian when companion is set). */
export function signUp(id: string, companion: boolean, acceptedTemplates: EventTemplate[], key: string): Promise<ApiResult<SignupOutput>> {
  return request<SignupOutput>(path(id, '/signup'), { method: 'POST', body: { companion, acceptedTemplates }, idempotencyKey: key });
}

/** Cancels the caller's sign-up or waitlist place. */
export function cancelSignup(id: string): Promise<ApiResult<SignupOutput>> {
  return request<SignupOutput>(path(id, '/signup'), { method: 'DELETE' });
}

/** Confirms a seat offered from the waitlist. */
export function confirmOffer(id: string, key: string): Promise<ApiResult<SignupOutput>> {
  return request<SignupOutput>(path(id, '/signup/confirm'), { method: 'POST', body: {}, idempotencyKey: key });
}

/** Staff check a parent in by their ticket. */
export function checkInTicket(id: string, ticketCode: string): Promise<ApiResult<CheckinOutput>> {
  return request<CheckinOutput>(path(id, '/checkin'), { method: 'POST', body: { ticketCode } });
}

/** A parent checks in with the session's current code. */
export function checkInSelf(id: string, code: string): Promise<ApiResult<CheckinOutput>> {
  return request<CheckinOutput>(path(id, '/self-checkin'), { method: 'POST', body: { code } });
}

/** The rotating code the session shows (staff). */
export function getCheckinCode(id: string): Promise<ApiResult<CheckinCodeOutput>> {
  return request<CheckinCodeOutput>(path(id, '/checkin-code'));
}

/** The live roster (staff). */
export function getRoster(id: string): Promise<ApiResult<RosterOutput>> {
  return request<RosterOutput>(path(id, '/roster'));
}

/** The evidence kept for a session. */
export function listEvidence(id: string): Promise<ApiResult<EvidenceListOutput>> {
  return request<EvidenceListOutput>(path(id, '/evidence'));
}

/** Attaches an agenda or a photo. */
export function uploadEvidence(id: string, input: EvidenceInput, key: string): Promise<ApiResult<EvidenceItem>> {
  return request<EvidenceItem>(path(id, '/evidence'), { method: 'POST', body: input, timeout: 60_000, idempotencyKey: key });
}

/** Keeps the current sign-in sheet as evidence. */
export function keepSigninSheet(id: string, key: string): Promise<ApiResult<EvidenceItem>> {
  return request<EvidenceItem>(path(id, '/evidence/signin-sheet'), { method: 'POST', body: {}, idempotencyKey: key });
}

/** A station's yearly 心理健康教育 duty. */
export function getDuty(stationId: string): Promise<ApiResult<DutyStatus>> {
  return request<DutyStatus>(`/api/stations/${encodeURIComponent(stationId)}/duty`);
}

/** Downloads an authorised file (the sign-in sheet, evidence): a browser download on H5, open in WeChat's viewer on the mini-program. */
export async function downloadFile(apiPath: string, filename: string): Promise<ApiResult<null>> {
  const url = `${apiBase()}${apiPath}`;
  const header = authHeader();
  const failed = (message: string): ApiResult<null> => ({ ok: false, error: { code: 'DOWNLOAD_FAILED', message, status: 0 } });
  if (process.env.TARO_ENV === 'h5') {
    try {
      const res = await fetch(url, { headers: header });
      if (!res.ok) return failed(res.status === 403 ? '没有权限下载该文件' : '下载失败，请稍后重试');
      const link = document.createElement('a');
      link.href = URL.createObjectURL(await res.blob());
      link.download = filename;
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
    if (res.statusCode !== 200) return failed('下载失败，请稍后重试');
    await Taro.openDocument({ filePath: res.tempFilePath, showMenu: true });
    return { ok: true, data: null };
  } catch {
    return failed('文件已下载，但无法打开预览');
  }
}

/** Reads a picked file as base64 (for evidence uploads): fetch on H5 (blob URLs), the file system on the mini-program. */
export async function readFileBase64(filePath: string): Promise<string> {
  if (process.env.TARO_ENV === 'h5') {
    const blob = await (await fetch(filePath)).blob();
    const bytes = new Uint8Array(await blob.arrayBuffer());
    let binary = '';
    for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(binary);
  }
  return Taro.getFileSystemManager().readFileSync(filePath, 'base64') as string;
}
