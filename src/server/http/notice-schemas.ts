/** Zod schemas of the 告知书 API, each checked at compile time against its contract type in types/. */
import { z } from 'zod';
import type * as T from '../../../types';
import { typed } from '../domain/typed';
import { RELATION_NOTE_MAX } from '../../shared/labels';
import { BoundChildSchema, isoDate as iso, RelationSchema, RoleSchema, StageSchema, trimmed, uuid } from './schemas';

const instant = z.string().datetime({ offset: true, message: '须为 ISO 8601 时间' });
const RemoveReasonSchema = z.enum(['unbound', 'consent_withdrawn', 'account_closed']);
const RevokeReasonSchema = z.enum(['school', 'guardian', 'account_closed']);
/** 其他监护人's own words: 1–20 characters, no control characters or angle brackets. */
const RelationNoteSchema = z.string().trim()
  .min(1, '请填写你与孩子的关系，如 姑姑').max(RELATION_NOTE_MAX, `最多 ${RELATION_NOTE_MAX} 个字`)
  .refine((s) => !/[\p{Cc}<>]/u.test(s), '不能包含特殊字符');
const LevelSchema = z.enum(['class', 'grade', 'school']);
const StatusSchema = z.enum(['pending_approval', 'rejected', 'sent', 'closed', 'purged']);
const ChoiceSchema = z.enum(['referral', 'self_care', 'meeting', 'decline']);
const TaskKindSchema = z.enum(['call_guardian', 'leader_followup']);
const TaskOutcomeSchema = z.enum(['reached', 'unreachable', 'handled']);
const ReferralOutcomeSchema = z.enum(['visited', 'in_treatment', 'not_pursued', 'other']);
const mobile = z.string().trim().regex(/^1[3-9]\d{9}$/, '请填写 11 位手机号');
const phone = z.string().trim().max(20, '电话号码最多 20 个字符').regex(/^[0-9+\-() ]{3,20}$/, '请填写有效的电话号码');

export const InstitutionSchema = typed<T.ReferralInstitution>()(
  z.object({ name: trimmed(2, 60), phone, address: z.string().trim().max(120) }).strict(),
);

const ladderHours = z.number().int().min(1, '至少 1 小时').max(720, '不超过 720 小时');
export const NoticeSettingsInputSchema = typed<T.NoticeSettingsInput>()(
  z.object({
    requireApproval: z.boolean(), unreadHours: ladderHours, headTeacherHours: ladderHours, leaderHours: ladderHours,
    retentionDays: z.number().int().min(30, '至少保存 30 天').max(3650, '不超过 10 年'), institutions: z.array(InstitutionSchema).max(10),
  }).strict(),
);
export const NoticeSettingsSchema = typed<T.NoticeSettings>()(
  z.object({
    schoolId: z.string(), schoolName: z.string(), requireApproval: z.boolean(), unreadHours: z.number().int(), headTeacherHours: z.number().int(),
    leaderHours: z.number().int(), retentionDays: z.number().int(), institutions: z.array(z.object({ name: z.string(), phone: z.string(), address: z.string() })), canEdit: z.boolean(),
  }),
);

export const StudentSummarySchema = typed<T.StudentSummary>()(
  z.object({ id: z.string(), name: z.string(), grade: z.string(), className: z.string(), classId: z.string(), stage: StageSchema, guardians: z.number().int(), openCodes: z.number().int() }),
);
export const StudentListSchema = typed<T.StudentListOutput>()(z.object({ students: z.array(StudentSummarySchema) }));
export const StudentQuery = z.object({ q: trimmed(1, 20).optional().describe('姓名、年级或班级') });
export const StudentInputSchema = typed<T.StudentInput>()(
  z.object({ name: trimmed(1, 20), grade: trimmed(1, 20), className: trimmed(1, 20), stage: StageSchema }).strict(),
);

const BindingCodeSummarySchema = typed<T.BindingCodeSummary>()(
  z.object({
    id: z.string(), relation: RelationSchema.nullable(), phoneMasked: z.string().nullable(), createdAt: iso, expiresAt: iso,
    status: z.enum(['open', 'used', 'expired', 'revoked']),
  }),
);
export const StudentGuardiansSchema = typed<T.StudentGuardiansOutput>()(
  z.object({
    student: StudentSummarySchema, schoolId: z.string(),
    guardians: z.array(z.object({
      id: z.string(), displayName: z.string(), relation: RelationSchema, relationNote: z.string().nullable(), boundAt: iso, noticeConsentAt: iso.nullable(),
      noticeConsentWithdrawnAt: iso.nullable(), revokedAt: iso.nullable(), revokeReason: RevokeReasonSchema.nullable(),
    })),
    codes: z.array(BindingCodeSummarySchema),
  }),
);
export const BindingCodeInputSchema = typed<T.BindingCodeInput>()(
  z.object({ relation: RelationSchema.nullable(), phone: mobile.nullable(), expiresInDays: z.number().int().min(1, '至少 1 天').max(30, '不超过 30 天') }).strict(),
);
export const BindingCodeOutputSchema = typed<T.BindingCodeOutput>()(z.object({ code: z.string(), binding: BindingCodeSummarySchema }));

export const BindInputSchema = typed<T.BindInput>()(
  z.object({
    code: trimmed(4, 20).describe('学校发放的绑定码，如 ABCD-EFGH'), relation: RelationSchema,
    relationNote: RelationNoteSchema.nullable().optional().describe('选择“其他监护人”时必填：你与孩子的关系，如 姑姑（最多 20 字）'),
    noticeConsent: z.boolean().describe('单独同意接收孩子心理健康相关告知'),
    phoneCode: trimmed(1, 128).nullable().describe('微信手机号按钮返回的 code'), acceptSchoolNotice: z.boolean(),
  }).strict().superRefine((b, ctx) => {
    if (b.relation === 'other' && !b.relationNote) ctx.addIssue({ code: 'custom', path: ['relationNote'], message: '请填写你与孩子的关系，如 姑姑' });
    if (b.relation !== 'other' && b.relationNote) ctx.addIssue({ code: 'custom', path: ['relationNote'], message: '只有“其他监护人”需要填写关系说明' });
  }),
);
export const BindOutputSchema = typed<T.BindOutput>()(z.object({ child: BoundChildSchema }));

const ContentShape = {
  observed: trimmed(10, 2000), recommendation: trimmed(10, 2000), institutions: z.array(InstitutionSchema).max(5),
  meetingSlots: z.array(instant).max(6), meetingPlace: z.string().trim().max(100), contactName: trimmed(1, 20), contactPhone: phone,
};
export const NoticeInputSchema = typed<T.NoticeInput>()(
  z.object({ studentId: uuid, level: LevelSchema, ...ContentShape, draftId: uuid.nullable().optional().describe('由草稿撰写时：草稿编号，告知书创建时一并删除草稿') }).strict(),
);
/** A draft holds the form as it is: nothing is required yet, only the same upper limits as a notice. */
const DraftContentSchema = typed<T.NoticeDraftContent>()(
  z.object({
    studentId: uuid.nullable(), level: LevelSchema, observed: z.string().max(2000), recommendation: z.string().max(2000), institutions: z.array(InstitutionSchema).max(5),
    meetingSlots: z.array(instant).max(6), meetingPlace: z.string().max(100), contactName: z.string().max(20), contactPhone: z.string().max(20),
  }).strict(),
);
export const NoticeDraftInputSchema = typed<T.NoticeDraftInput>()(z.object({ schoolId: uuid, content: DraftContentSchema }).strict());
export const NoticeDraftUpdateSchema = typed<T.NoticeDraftUpdate>()(z.object({ content: DraftContentSchema }).strict());
export const NoticeDraftSchema = typed<T.NoticeDraft>()(
  z.object({ id: z.string(), schoolId: z.string(), content: DraftContentSchema, createdAt: iso, updatedAt: iso, expiresAt: iso }),
);
export const NoticeDraftListSchema = typed<T.NoticeDraftList>()(z.object({ drafts: z.array(NoticeDraftSchema) }));
export const DraftDeletedSchema = z.object({ deleted: z.literal(true) });
const ContentSchema = typed<T.NoticeContent>()(
  z.object({
    observed: z.string(), recommendation: z.string(), institutions: z.array(z.object({ name: z.string(), phone: z.string(), address: z.string() })),
    meetingSlots: z.array(z.string()), meetingPlace: z.string(), contactName: z.string(), contactPhone: z.string(),
  }),
);

const point = z.number().int().min(0).max(1000);
export const SignatureSchema = typed<T.Signature>()(
  z.object({ strokes: z.array(z.array(point).min(2).max(2000).refine((s) => s.length % 2 === 0, '笔画坐标须成对')).min(1, '请手写签名').max(60) })
    .strict()
    .refine((s) => s.strokes.reduce((n, st) => n + st.length / 2, 0) >= 8, '签名过短，请完整手写签名'),
);
export const AcknowledgeInputSchema = typed<T.AcknowledgeInput>()(
  z.object({
    choice: ChoiceSchema, reason: z.string().trim().max(500).nullable(), meetingSlot: instant.nullable(), signedName: trimmed(2, 20), signature: SignatureSchema,
  })
    .strict()
    .superRefine((v, ctx) => {
      if (v.choice === 'decline' && (!v.reason || v.reason.length < 2)) ctx.addIssue({ code: 'custom', path: ['reason'], message: '选择暂不同意时，请写明原因' });
      if (v.choice === 'meeting' && !v.meetingSlot) ctx.addIssue({ code: 'custom', path: ['meetingSlot'], message: '请选择面谈时间' });
    }),
);

const TaskSchema = typed<T.NoticeTask>()(
  z.object({
    id: z.string(), kind: TaskKindSchema, assigneeRole: RoleSchema, status: z.enum(['open', 'done']), createdAt: iso, dueAt: iso, overdue: z.boolean(),
    doneAt: iso.nullable(), outcome: TaskOutcomeSchema.nullable(),
  }),
);
const SignatureOut = z.object({ strokes: z.array(z.array(z.number())) });

export const NoticeStaffViewSchema = typed<T.NoticeStaffView>()(
  z.object({
    kind: z.literal('staff'), id: z.string(), school: z.object({ id: z.string(), name: z.string() }),
    student: z.object({ id: z.string(), name: z.string(), grade: z.string(), className: z.string() }), level: LevelSchema, status: StatusSchema,
    createdAt: iso, createdByName: z.string(), approvedByName: z.string().nullable(), rejectionReason: z.string().nullable(), sentAt: iso.nullable(),
    closedAt: iso.nullable(), purgeAfter: iso.nullable(), content: ContentSchema.nullable(),
    recipients: z.array(z.object({
      id: z.string(), guardianName: z.string(), relation: RelationSchema, relationNote: z.string().nullable(), removedReason: RemoveReasonSchema.nullable(),
      deliveredAt: iso.nullable(), firstOpenedAt: iso.nullable(), openCount: z.number().int(),
      secondPushAt: iso.nullable(), acknowledgedAt: iso.nullable(), choice: ChoiceSchema.nullable(), meetingSlot: iso.nullable(), reason: z.string().nullable(),
      signedName: z.string().nullable(), signature: SignatureOut.nullable(),
    })),
    tasks: z.array(TaskSchema),
    referrals: z.array(z.object({ id: z.string(), status: z.enum(['open', 'closed']), createdAt: iso, closedAt: iso.nullable(), outcome: ReferralOutcomeSchema.nullable() })),
    timeline: z.array(z.object({ seq: z.number().int(), at: iso, action: z.string(), actorName: z.string().nullable() })),
    permissions: z.object({ canReadContent: z.boolean(), canApprove: z.boolean(), canClose: z.boolean(), canWorkTasks: z.boolean(), canCloseReferral: z.boolean() }),
  }),
);
export const NoticeGuardianViewSchema = typed<T.NoticeGuardianView>()(
  z.object({
    kind: z.literal('guardian'), id: z.string(), schoolName: z.string(), studentName: z.string(), level: LevelSchema, sentAt: iso, content: ContentSchema.nullable(),
    watermark: z.object({ name: z.string(), at: iso }),
    receipt: z.object({ firstOpenedAt: iso, acknowledgedAt: iso.nullable(), choice: ChoiceSchema.nullable(), meetingSlot: iso.nullable() }),
    closed: z.boolean(),
  }),
);
export const NoticeViewSchema = typed<T.NoticeView>()(z.discriminatedUnion('kind', [NoticeStaffViewSchema, NoticeGuardianViewSchema]));

export const MyNoticesSchema = typed<T.MyNoticesOutput>()(
  z.object({
    notices: z.array(z.object({ id: z.string(), schoolName: z.string(), studentName: z.string(), sentAt: iso, read: z.boolean(), acknowledged: z.boolean(), choice: ChoiceSchema.nullable() })),
  }),
);
export const MyNoticeCountsSchema = typed<T.MyNoticeCountsOutput>()(
  z.object({ unread: z.number().int(), unconfirmed: z.number().int(), waiting: z.number().int() }),
);
export const NoticeBoardSchema = typed<T.NoticeBoardOutput>()(
  z.object({
    school: z.object({ id: z.string(), name: z.string() }),
    items: z.array(z.object({
      id: z.string(), student: z.object({ id: z.string(), name: z.string(), grade: z.string(), className: z.string() }), level: LevelSchema, status: StatusSchema,
      createdAt: iso, createdByName: z.string(), sentAt: iso.nullable(), recipients: z.number().int(), read: z.number().int(), acknowledged: z.number().int(),
      choices: z.array(ChoiceSchema), openTasks: z.number().int(), referral: z.enum(['open', 'closed']).nullable(), overdue: z.boolean(),
      nextStep: z.object({ kind: z.enum(['second_push', 'call_guardian', 'leader_followup']), at: iso }).nullable(),
      consentWithdrawn: z.number().int(), unread: z.number().int(), lastRemindedAt: iso.nullable(), nextRemindAt: iso.nullable(),
    })),
    counts: z.object({ pendingApproval: z.number().int(), awaiting: z.number().int(), acknowledged: z.number().int(), overdue: z.number().int(), openTasks: z.number().int() }),
    tasks: z.array(TaskSchema.extend({ noticeId: z.string(), studentName: z.string() })),
    canIssue: z.boolean(), canApprove: z.boolean(),
  }),
);
export const NoticeSchoolsSchema = typed<T.NoticeSchoolsOutput>()(
  z.object({ schools: z.array(z.object({ id: z.string(), name: z.string(), roles: z.array(RoleSchema) })) }),
);
export const RejectNoticeSchema = typed<T.RejectNoticeInput>()(z.object({ reason: trimmed(2, 200) }).strict());
export const TaskDoneSchema = typed<T.TaskDoneInput>()(z.object({ outcome: TaskOutcomeSchema }).strict());
export const CloseReferralSchema = typed<T.CloseReferralInput>()(z.object({ outcome: ReferralOutcomeSchema }).strict());
export const AuditVerifySchema = typed<T.AuditVerifyOutput>()(
  z.object({
    ok: z.boolean(), checked: z.number().int(),
    firstBroken: z.object({
      seq: z.number().int(), id: z.string(), action: z.string(), at: iso,
      reason: z.enum(['hash_mismatch', 'link_mismatch', 'truncated', 'truncated_after_checkpoint', 'checkpoint_forged']),
    }).nullable(),
    checkpoint: z.object({ seq: z.number().int(), at: iso }).nullable(),
    forgedCheckpoints: z.number().int(),
  }),
);
export const MyDataSchema = typed<T.MyDataOutput>()(
  z.object({
    user: z.object({ displayName: z.string(), createdAt: iso, wechatLinked: z.boolean() }),
    consents: z.array(z.object({ version: z.string(), agreedAt: iso })),
    children: z.array(BoundChildSchema.extend({ noticeConsentAt: iso.nullable(), noticeConsentWithdrawnAt: iso.nullable() })),
    formerChildren: z.array(z.object({
      studentId: z.string(), name: z.string(), schoolName: z.string(), boundAt: iso, revokedAt: iso, revokeReason: RevokeReasonSchema.nullable(),
    })),
    notices: z.array(z.object({
      id: z.string(), schoolName: z.string(), studentName: z.string(), sentAt: iso, firstOpenedAt: iso.nullable(), acknowledgedAt: iso.nullable(),
      choice: ChoiceSchema.nullable(), purged: z.boolean(), removed: z.boolean(),
    })),
    noticeEvents: z.array(z.object({ at: iso, action: z.string() })),
    learning: z.object({ enrolments: z.number().int(), statements: z.number().int(), certificates: z.number().int() }),
    signups: z.number().int(),
  }),
);

export const RemindSchema = typed<T.RemindOutput>()(
  z.object({ recipients: z.number().int(), queued: z.number().int(), remindedAt: iso, nextRemindAt: iso }),
);
export const MyTaskCountsSchema = typed<T.MyTaskCountsOutput>()(z.object({ open: z.number().int(), overdue: z.number().int() }));
export const NoticeConsentInputSchema = typed<T.NoticeConsentInput>()(z.object({ consent: z.boolean() }).strict());
export const StudentParams = z.object({ studentId: uuid.describe('孩子（学生）编号') });
export const CloseAccountInputSchema = typed<T.CloseAccountInput>()(
  z.object({ confirm: z.literal('注销账号', { message: '请输入“注销账号”四个字以确认' }) }).strict(),
);
export const CloseAccountSchema = typed<T.CloseAccountOutput>()(z.object({ closedAt: iso, purgeBy: iso }));
