/** 学生心理问题告知书: binding guardians, issuing and approving notices, reading and acknowledging, the board, tasks, referrals and the audit check. */
import { route } from '../http/route';
import { EmptyBody as empty, IdParams } from '../http/schemas';
import {
  AcknowledgeInputSchema, AuditVerifySchema, BindingCodeInputSchema, BindingCodeOutputSchema, BindInputSchema, BindOutputSchema, CloseReferralSchema,
  DraftDeletedSchema, MyDataSchema, MyNoticeCountsSchema, MyNoticesSchema, NoticeDraftInputSchema, NoticeDraftListSchema, NoticeDraftSchema, NoticeDraftUpdateSchema, NoticeBoardSchema, NoticeGuardianViewSchema, NoticeInputSchema, NoticeSchoolsSchema, NoticeSettingsInputSchema,
  NoticeSettingsSchema, NoticeStaffViewSchema, NoticeViewSchema, RejectNoticeSchema, StudentGuardiansSchema, StudentInputSchema, StudentListSchema,
  StudentQuery, StudentSummarySchema, TaskDoneSchema, RemindSchema, MyTaskCountsSchema, NoticeConsentInputSchema, StudentParams, CloseAccountInputSchema,
  CloseAccountSchema,
} from '../http/notice-schemas';

const TAG = '学生心理问题告知书';
const STAFF = '学校教职工';

/** Routes of the notices part. */
export const noticeRoutes = [
  route({
    method: 'post', path: '/api/bindings', tag: TAG, access: 'user', idempotent: true,
    summary: '家长用学校发放的绑定码绑定孩子，并单独同意接收心理健康相关告知（生产环境核对微信手机号）',
    body: BindInputSchema, response: BindOutputSchema,
    errors: ['BINDING_CODE_INVALID', 'BINDING_CODE_USED', 'BINDING_CODE_EXPIRED', 'NOTICE_CONSENT_REQUIRED', 'PHONE_REQUIRED', 'PHONE_MISMATCH', 'ALREADY_BOUND', 'TOO_MANY_ATTEMPTS'],
    handler: ({ body, services }) => services.students().bind(body),
  }),
  route({
    method: 'get', path: '/api/me/notices', tag: TAG, access: 'user',
    summary: '我收到的告知书（不含内容）',
    response: MyNoticesSchema,
    handler: ({ services }) => services.noticeBoard().mine(),
  }),
  route({
    method: 'get', path: '/api/me/notices/counts', tag: TAG, access: 'user',
    summary: '我未读、未确认的告知书份数（只有数字，用于角标和首页提示）',
    response: MyNoticeCountsSchema,
    handler: ({ services }) => services.noticeBoard().counts(),
  }),
  route({
    method: 'get', path: '/api/me/data', tag: TAG, access: 'user',
    summary: '系统保存的关于我和孩子的信息（绑定、同意记录、告知书回执、学习与报名数量）',
    response: MyDataSchema,
    handler: ({ services }) => services.noticeBoard().myData(),
  }),
  route({
    method: 'get', path: '/api/me/tasks/counts', tag: STAFF, access: 'user',
    summary: '我的未完成跟进任务数（只有数字，用于标签角标）',
    response: MyTaskCountsSchema,
    handler: ({ services }) => services.noticeBoard().taskCounts(),
  }),
  route({
    method: 'put', path: '/api/me/children/{studentId}/notice-consent', tag: TAG, access: 'user', params: StudentParams,
    summary: '撤回（consent=false）或重新给出（true）接收该孩子告知书的单独同意；撤回后学校可见，新告知书不再发给你，已有的从你的列表移除',
    body: NoticeConsentInputSchema, response: MyDataSchema, errors: ['NOT_FOUND', 'PRIVACY_CONSENT_REQUIRED'],
    handler: ({ params, body, services }) => services.rights().setNoticeConsent(params.studentId, body.consent),
  }),
  route({
    method: 'post', path: '/api/me/children/{studentId}/unbind', tag: TAG, access: 'user', params: StudentParams, idempotent: true,
    summary: '家长自行解除与该孩子的绑定',
    body: empty, response: MyDataSchema, errors: ['NOT_FOUND'],
    handler: ({ params, services }) => services.rights().unbind(params.studentId),
  }),
  route({
    method: 'post', path: '/api/me/close-account', tag: '我的', access: 'user',
    summary: '注销账号：立即退出并停止使用，个人信息在 30 日内删除（body.confirm 须为“注销账号”）',
    body: CloseAccountInputSchema, response: CloseAccountSchema, errors: ['TOKEN_INVALID'],
    handler: ({ services }) => services.rights().closeAccount(),
  }),
  route({
    method: 'post', path: '/api/notices/{id}/remind', tag: STAFF, access: 'user', params: IdParams, idempotent: true,
    summary: '提醒未读家长：向尚未查阅的监护人再次发送提醒（每份告知书 12 小时一次）',
    body: empty, response: RemindSchema, errors: ['NOT_FOUND', 'NOTICE_CLOSED', 'TOO_MANY_ATTEMPTS', 'CONFLICT'],
    handler: ({ params, services }) => services.noticeBoard().remind(params.id),
  }),
  route({
    method: 'get', path: '/api/notices/schools', tag: STAFF, access: 'user',
    summary: '我在哪些学校处理告知书，以及我的角色',
    response: NoticeSchoolsSchema,
    handler: ({ services }) => services.notices().schools(),
  }),
  route({
    method: 'get', path: '/api/schools/{id}/notice-settings', tag: STAFF, access: 'user',
    summary: '学校告知书设置：是否需要第二人审批、升级时限、保存期限、绿色通道机构',
    params: IdParams, response: NoticeSettingsSchema, errors: ['NOT_FOUND'],
    handler: ({ params, services }) => services.noticeSettings().get(params.id),
  }),
  route({
    method: 'put', path: '/api/schools/{id}/notice-settings', tag: STAFF, access: 'user',
    summary: '修改学校告知书设置（学校领导）',
    params: IdParams, body: NoticeSettingsInputSchema, response: NoticeSettingsSchema, errors: ['NOT_FOUND', 'FORBIDDEN'],
    handler: ({ params, body, services }) => services.noticeSettings().put(params.id, body),
  }),
  route({
    method: 'get', path: '/api/schools/{id}/students', tag: STAFF, access: 'user',
    summary: '本校学生及其监护人绑定情况',
    params: IdParams, query: StudentQuery, response: StudentListSchema, errors: ['NOT_FOUND'],
    handler: ({ params, query, services }) => services.students().list(params.id, query.q),
  }),
  route({
    method: 'post', path: '/api/schools/{id}/students', tag: STAFF, access: 'user', status: 201, idempotent: true,
    summary: '添加学生',
    params: IdParams, body: StudentInputSchema, response: StudentSummarySchema, errors: ['NOT_FOUND'],
    handler: ({ params, body, services }) => services.students().add(params.id, body),
  }),
  route({
    method: 'get', path: '/api/students/{id}/guardians', tag: STAFF, access: 'user',
    summary: '学生的监护人与绑定码',
    params: IdParams, response: StudentGuardiansSchema, errors: ['NOT_FOUND'],
    handler: ({ params, services }) => services.students().guardians(params.id),
  }),
  route({
    method: 'post', path: '/api/students/{id}/binding-codes', tag: STAFF, access: 'user', status: 201, idempotent: true,
    summary: '为学生的一位监护人生成一次性绑定码（仅显示一次）',
    params: IdParams, body: BindingCodeInputSchema, response: BindingCodeOutputSchema, errors: ['NOT_FOUND'],
    handler: ({ params, body, services }) => services.students().createCode(params.id, body),
  }),
  route({
    method: 'post', path: '/api/binding-codes/{id}/revoke', tag: STAFF, access: 'user',
    summary: '作废未使用的绑定码',
    params: IdParams, body: empty, response: StudentGuardiansSchema, errors: ['NOT_FOUND', 'BINDING_CODE_USED'],
    handler: ({ params, services }) => services.students().revokeCode(params.id),
  }),
  route({
    method: 'post', path: '/api/guardianships/{id}/revoke', tag: STAFF, access: 'user',
    summary: '解除监护人绑定：此后该家长看不到孩子的任何告知书',
    params: IdParams, body: empty, response: StudentGuardiansSchema, errors: ['NOT_FOUND'],
    handler: ({ params, services }) => services.students().revokeGuardian(params.id),
  }),
  route({
    method: 'post', path: '/api/notices', tag: STAFF, access: 'user', status: 201, idempotent: true,
    summary: '心理教师撰写告知书（三级预警）；学校要求审批时待另一位老师审批，否则立即发送',
    body: NoticeInputSchema, response: NoticeStaffViewSchema, errors: ['NOT_FOUND', 'FORBIDDEN', 'NO_GUARDIANS'],
    handler: ({ body, services }) => services.notices().create(body),
  }),
  route({
    method: 'get', path: '/api/schools/{id}/notice-drafts', tag: STAFF, access: 'user',
    summary: '我在本校保存的告知书草稿（只有作者本人可见，内容加密保存，最后一次保存 14 天后删除），最新的在前',
    params: IdParams, response: NoticeDraftListSchema, errors: ['NOT_FOUND', 'FORBIDDEN'],
    handler: ({ params, services }) => services.noticeDrafts().list(params.id),
  }),
  route({
    method: 'post', path: '/api/notice-drafts', tag: STAFF, access: 'user', status: 201, idempotent: true,
    summary: '保存一份新的告知书草稿（心理教师；内容与告知书一样加密保存）',
    body: NoticeDraftInputSchema, response: NoticeDraftSchema, errors: ['NOT_FOUND', 'FORBIDDEN'],
    handler: ({ body, services }) => services.noticeDrafts().create(body),
  }),
  route({
    method: 'get', path: '/api/notice-drafts/{id}', tag: STAFF, access: 'user',
    summary: '打开自己的告知书草稿（他人的草稿答复不存在）',
    params: IdParams, response: NoticeDraftSchema, errors: ['NOT_FOUND'],
    handler: ({ params, services }) => services.noticeDrafts().get(params.id),
  }),
  route({
    method: 'put', path: '/api/notice-drafts/{id}', tag: STAFF, access: 'user',
    summary: '自动保存草稿：替换内容，保存期限从这次保存起重新计算',
    params: IdParams, body: NoticeDraftUpdateSchema, response: NoticeDraftSchema, errors: ['NOT_FOUND', 'FORBIDDEN'],
    handler: ({ params, body, services }) => services.noticeDrafts().update(params.id, body.content),
  }),
  route({
    method: 'delete', path: '/api/notice-drafts/{id}', tag: STAFF, access: 'user',
    summary: '放弃草稿（删除）',
    params: IdParams, response: DraftDeletedSchema, errors: ['NOT_FOUND'],
    handler: ({ params, services }) => services.noticeDrafts().discard(params.id),
  }),
  route({
    method: 'get', path: '/api/notices/{id}', tag: TAG, access: 'user',
    summary: '查看告知书：监护人看到自己的一份（记录已读回执）；本校有权限的老师看到个案（查看内容记入审计）',
    params: IdParams, response: NoticeViewSchema, errors: ['NOT_FOUND'],
    handler: ({ params, services }) => services.notices().view(params.id),
  }),
  route({
    method: 'post', path: '/api/notices/{id}/acknowledge', tag: TAG, access: 'user', idempotent: true,
    summary: '监护人确认收到并选择后续处理（同意转介 / 自行就医 / 预约面谈 / 暂不同意），签名；只能确认一次',
    params: IdParams, body: AcknowledgeInputSchema, response: NoticeGuardianViewSchema,
    errors: ['NOT_FOUND', 'ALREADY_ACKNOWLEDGED', 'MEETING_SLOT_INVALID', 'NOTICE_CLOSED', 'NOTICE_PURGED'],
    handler: ({ params, body, services }) => services.notices().acknowledge(params.id, body),
  }),
  route({
    method: 'post', path: '/api/notices/{id}/approve', tag: STAFF, access: 'user', idempotent: true,
    summary: '第二位老师审批通过并发送',
    params: IdParams, body: empty, response: NoticeStaffViewSchema, errors: ['NOT_FOUND', 'FORBIDDEN', 'NOTICE_NOT_PENDING', 'SELF_APPROVAL', 'NO_GUARDIANS'],
    handler: ({ params, services }) => services.notices().approve(params.id),
  }),
  route({
    method: 'post', path: '/api/notices/{id}/reject', tag: STAFF, access: 'user', idempotent: true,
    summary: '退回告知书并说明原因',
    params: IdParams, body: RejectNoticeSchema, response: NoticeStaffViewSchema, errors: ['NOT_FOUND', 'FORBIDDEN', 'NOTICE_NOT_PENDING', 'SELF_APPROVAL'],
    handler: ({ params, body, services }) => services.notices().reject(params.id, body.reason),
  }),
  route({
    method: 'post', path: '/api/notices/{id}/close', tag: STAFF, access: 'user', idempotent: true,
    summary: '结案；内容在学校设置的保存期限后删除，审计记录保留',
    params: IdParams, body: empty, response: NoticeStaffViewSchema, errors: ['NOT_FOUND', 'FORBIDDEN', 'NOTICE_CLOSED', 'CONFLICT'],
    handler: ({ params, services }) => services.notices().close(params.id),
  }),
  route({
    method: 'get', path: '/api/schools/{id}/notice-board', tag: STAFF, access: 'user',
    summary: '告知书工作台：每份告知书的发送、阅读、确认、选择、待办任务，逾期标红（不含内容）',
    params: IdParams, response: NoticeBoardSchema, errors: ['NOT_FOUND'],
    handler: ({ params, services }) => services.noticeBoard().board(params.id),
  }),
  route({
    method: 'post', path: '/api/notice-tasks/{id}/done', tag: STAFF, access: 'user', idempotent: true,
    summary: '完成升级任务（班主任电话联系 / 心理教师或领导跟进）',
    params: IdParams, body: TaskDoneSchema, response: NoticeStaffViewSchema, errors: ['NOT_FOUND', 'FORBIDDEN', 'TASK_DONE'],
    handler: ({ params, body, services }) => services.notices().taskDone(params.id, body),
  }),
  route({
    method: 'post', path: '/api/referrals/{id}/close', tag: STAFF, access: 'user', idempotent: true,
    summary: '记录转介结果并结束转介',
    params: IdParams, body: CloseReferralSchema, response: NoticeStaffViewSchema, errors: ['NOT_FOUND', 'FORBIDDEN', 'REFERRAL_CLOSED'],
    handler: ({ params, body, services }) => services.notices().closeReferral(params.id, body),
  }),
  route({
    method: 'get', path: '/api/admin/audit/verify', tag: '名录管理', access: 'user',
    summary: '校验告知书审计链，指出第一条被篡改的记录，并与数据库外的最新检查点比对（末端被截断时报告）；链完整且末端有变化时写入新检查点（平台管理员）',
    response: AuditVerifySchema, errors: ['FORBIDDEN'],
    handler: ({ services }) => services.noticeBoard().verifyAudit(),
  }),
];
