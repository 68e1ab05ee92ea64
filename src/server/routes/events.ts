/** 家长学校 sessions: publish, find, sign up (waitlist), check in, roster, evidence, and each station's yearly duty. */
import { z } from 'zod';
import { download } from '../http/download';
import { route } from '../http/route';
import { EmptyBody as empty, IdParams } from '../http/schemas';
import {
  CheckinCodeSchema, CheckinOutputSchema, DutyQuery, DutySchema, EventCancelSchema, EventDetailSchema, EventInputSchema, EventListQuerySchema, EventListSchema,
  EvidenceInputSchema, EvidenceItemSchema, EvidenceListSchema, ManageSchema, RosterSchema, SelfCheckinSchema, SignupInputSchema, SignupOutputSchema,
  TemplatesSchema, TicketCheckinSchema,
} from '../http/event-schemas';
import { EVIDENCE_MAX_BYTES } from '../domain/events/roster';

const TAG = '家长学校活动';

/** Routes of the sessions part. */
export const eventRoutes = [
  route({
    method: 'get', path: '/api/messages/templates', tag: TAG, access: 'user',
    summary: '报名时需请求订阅的微信一次性订阅消息模板',
    response: TemplatesSchema,
    handler: async ({ services }) => services.messageTemplates(),
  }),
  route({
    method: 'get', path: '/api/events', tag: TAG, access: 'user',
    summary: '活动列表：孩子学校及附近站点的近期活动在前；可筛选心理健康教育、关键词；或“我的报名”',
    query: EventListQuerySchema, response: EventListSchema,
    handler: ({ query, services }) => services.events().list(query),
  }),
  route({
    method: 'get', path: '/api/events/manage', tag: TAG, access: 'user',
    summary: '工作人员：我主办的站点 / 学校、各站点本年度心理健康教育活动完成情况、近期活动',
    response: ManageSchema,
    handler: ({ services }) => services.events().manage(),
  }),
  route({
    method: 'post', path: '/api/events', tag: TAG, access: 'user', status: 201, idempotent: true,
    summary: '发布活动（站点工作人员、学校领导或心理教师）',
    body: EventInputSchema, response: EventDetailSchema, errors: ['FORBIDDEN'],
    handler: ({ body, services }) => services.events().create(body),
  }),
  route({
    method: 'get', path: '/api/events/{id}', tag: TAG, access: 'user',
    summary: '活动详情与我的报名（含签到票）',
    params: IdParams, response: EventDetailSchema, errors: ['NOT_FOUND'],
    handler: ({ params, services }) => services.events().detail(params.id),
  }),
  route({
    method: 'put', path: '/api/events/{id}', tag: TAG, access: 'user', idempotent: true,
    summary: '修改活动；名额不能少于已占用座位，增加名额时自动递补候补',
    params: IdParams, body: EventInputSchema, response: EventDetailSchema, errors: ['NOT_FOUND', 'FORBIDDEN', 'CAPACITY_BELOW_SIGNUPS', 'EVENT_CANCELLED'],
    handler: ({ params, body, services }) => services.events().update(params.id, body),
  }),
  route({
    method: 'post', path: '/api/events/{id}/cancel', tag: TAG, access: 'user', idempotent: true,
    summary: '取消活动，通知所有报名和候补的家长',
    params: IdParams, body: EventCancelSchema, response: EventDetailSchema, errors: ['NOT_FOUND', 'FORBIDDEN', 'EVENT_CANCELLED'],
    handler: ({ params, body, services }) => services.events().cancel(params.id, body),
  }),
  route({
    method: 'post', path: '/api/events/{id}/signup', tag: TAG, access: 'user', idempotent: true,
    summary: '报名（每位监护人一个名额，可带同一家庭的另一位监护人）；满员时进入候补',
    params: IdParams, body: SignupInputSchema, response: SignupOutputSchema,
    errors: ['NOT_FOUND', 'SIGNUP_CLOSED', 'ALREADY_SIGNED_UP', 'EVENT_CANCELLED', 'PARENTS_ONLY', 'PRIVACY_CONSENT_REQUIRED'],
    handler: ({ params, body, services }) => services.signups().signup(params.id, body),
  }),
  route({
    method: 'delete', path: '/api/events/{id}/signup', tag: TAG, access: 'user',
    summary: '取消我的报名或候补；空出的名额自动递补给第一位候补家长',
    params: IdParams, response: SignupOutputSchema, errors: ['NOT_FOUND', 'NOT_SIGNED_UP', 'EVENT_CANCELLED'],
    handler: ({ params, services }) => services.signups().cancel(params.id),
  }),
  route({
    method: 'post', path: '/api/events/{id}/signup/confirm', tag: TAG, access: 'user', idempotent: true,
    summary: '确认候补递补的名额（须在期限内确认，否则顺延给下一位）',
    params: IdParams, body: empty, response: SignupOutputSchema, errors: ['NOT_FOUND', 'NO_OFFER', 'EVENT_CANCELLED'],
    handler: ({ params, services }) => services.signups().confirmOffer(params.id),
  }),
  route({
    method: 'post', path: '/api/events/{id}/checkin', tag: TAG, access: 'user',
    summary: '工作人员扫描（或输入）家长的签到票；重复扫码只计一次',
    params: IdParams, body: TicketCheckinSchema, response: CheckinOutputSchema,
    errors: ['NOT_FOUND', 'FORBIDDEN', 'TICKET_INVALID', 'TICKET_OTHER_EVENT', 'TICKET_NOT_CONFIRMED', 'CHECKIN_CLOSED'],
    handler: ({ params, body, services }) => services.checkins().byTicket(params.id, body.ticketCode),
  }),
  route({
    method: 'post', path: '/api/events/{id}/self-checkin', tag: TAG, access: 'user',
    summary: '家长扫描现场每分钟更新的签到码签到',
    params: IdParams, body: SelfCheckinSchema, response: CheckinOutputSchema,
    errors: ['NOT_FOUND', 'NOT_SIGNED_UP', 'TICKET_INVALID', 'TICKET_OTHER_EVENT', 'CHECKIN_CODE_EXPIRED', 'CHECKIN_CLOSED', 'TOO_MANY_ATTEMPTS'],
    handler: ({ params, body, services }) => services.checkins().bySessionCode(params.id, body.code),
  }),
  route({
    method: 'get', path: '/api/events/{id}/checkin-code', tag: TAG, access: 'user',
    summary: '工作人员：现场展示的签到码（每分钟更新）',
    params: IdParams, response: CheckinCodeSchema, errors: ['NOT_FOUND', 'FORBIDDEN', 'CHECKIN_CLOSED'],
    handler: ({ params, services }) => services.checkins().currentCode(params.id),
  }),
  route({
    method: 'get', path: '/api/events/{id}/roster', tag: TAG, access: 'user',
    summary: '工作人员：实时名单（已报名、候补、已签到、未到）',
    params: IdParams, response: RosterSchema, errors: ['NOT_FOUND', 'FORBIDDEN'],
    handler: ({ params, services }) => services.roster().roster(params.id),
  }),
  route({
    method: 'get', path: '/api/events/{id}/signin-sheet', tag: TAG, access: 'user',
    summary: '工作人员：导出签到表（CSV，Excel 可直接打开）',
    params: IdParams, response: z.string().describe('text/csv'), errors: ['NOT_FOUND', 'FORBIDDEN'],
    handler: async ({ params, services }) => {
      const sheet = await services.roster().signinSheet(params.id);
      return download(sheet.csv, 'text/csv; charset=utf-8', sheet.filename);
    },
  }),
  route({
    method: 'get', path: '/api/events/{id}/evidence', tag: TAG, access: 'user',
    summary: '活动佐证材料列表（主办方工作人员、所在地区妇联工作人员）',
    params: IdParams, response: EvidenceListSchema, errors: ['NOT_FOUND', 'FORBIDDEN'],
    handler: ({ params, services }) => services.roster().listEvidence(params.id),
  }),
  route({
    method: 'post', path: '/api/events/{id}/evidence', tag: TAG, access: 'user', status: 201, idempotent: true, maxBodyBytes: Math.ceil((EVIDENCE_MAX_BYTES * 4) / 3) + 4096,
    summary: '上传佐证材料：议程或照片（JPG、PNG、PDF，单个不超过 4 MB）',
    params: IdParams, body: EvidenceInputSchema, response: EvidenceItemSchema, errors: ['NOT_FOUND', 'FORBIDDEN', 'EVIDENCE_UNSUPPORTED', 'EVIDENCE_TOO_LARGE', 'UPLOAD_QUOTA_EXCEEDED'],
    handler: ({ params, body, services }) => services.roster().addEvidence(params.id, body),
  }),
  route({
    method: 'post', path: '/api/events/{id}/evidence/signin-sheet', tag: TAG, access: 'user', status: 201, idempotent: true,
    summary: '将当前签到表存档为佐证材料',
    params: IdParams, body: empty, response: EvidenceItemSchema, errors: ['NOT_FOUND', 'FORBIDDEN', 'UPLOAD_QUOTA_EXCEEDED'],
    handler: ({ params, services }) => services.roster().keepSigninSheet(params.id),
  }),
  route({
    method: 'get', path: '/api/evidence/{id}', tag: TAG, access: 'user',
    summary: '下载一份佐证材料（无权查看的与不存在的一样答复“不存在”）',
    params: IdParams, response: z.string().describe('文件内容'), errors: ['NOT_FOUND'],
    handler: async ({ params, services }) => {
      const file = await services.roster().evidenceFile(params.id);
      return download(file.content, file.item.mime, file.item.filename);
    },
  }),
  route({
    method: 'get', path: '/api/stations/{id}/duty', tag: TAG, access: 'user',
    summary: '站点年度任务：本年度是否已举办面向家长的心理健康教育活动',
    params: IdParams, query: DutyQuery, response: DutySchema, errors: ['NOT_FOUND'],
    handler: ({ params, query, services }) => services.events().duty(params.id, query.year),
  }),
];
