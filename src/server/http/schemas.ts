/** Zod schemas of the API, each checked at compile time against its contract type in types/. */
import { z } from 'zod';
import type * as T from '../../../types';
import { typed } from '../domain/typed';
import { isStatementCursor } from '../domain/learning/xapi';
import { GUARDIAN_RELATIONS } from '../../shared/labels';

/** A trimmed string of a length range. */
export const trimmed = (min: number, max: number) => z.string().trim().min(min).max(max);
/** A UUID, refused with a Chinese message. */
export const uuid = z.string().uuid({ message: '无效的编号' });
/** An ISO 8601 time in a response. */
export const isoDate = z.string().describe('ISO 8601 时间');

export const StageSchema = z.enum(['preschool', 'primary', 'junior', 'senior', 'vocational']);
/** A guardian's relation (shared/labels.ts GUARDIAN_RELATIONS). */
export const RelationSchema = z.enum(GUARDIAN_RELATIONS);
export const RoleSchema = z.enum(['school_psychologist', 'head_teacher', 'school_leader', 'station_staff', 'federation_staff', 'admin']);
export const ScopeTypeSchema = z.enum(['school', 'station', 'region', 'platform']);
export const RegionLevelSchema = z.enum(['province', 'city', 'district']);
export const StationKindSchema = z.enum(['parent_school', 'guidance_station']);

export const IdParams = z.object({ id: z.string().describe('对象编号（UUID）') });
export const RegionQuery = z.object({ regionId: uuid.describe('地区编号（含下级地区）') });
export const ParentQuery = z.object({ parentId: uuid.optional().describe('上级地区编号；不填则返回省级地区') });
export const OkSchema = z.object({ ok: z.literal(true) });
/** The body of an action that takes no input: `{}`. */
export const EmptyBody = z.object({}).strict();

export const HealthSchema = typed<T.HealthOutput>()(
  z.object({ status: z.literal('ok'), database: z.enum(['pglite', 'postgres']), migrations: z.number().int(), version: z.string() }),
);

export const PrivacyGuideSchema = typed<T.PrivacyGuideOutput>()(
  z.object({
    version: z.string(),
    title: z.string(),
    effectiveDate: z.string(),
    sections: z.array(z.object({ heading: z.string(), body: z.array(z.string()) })),
  }),
);

export const LoginInputSchema = typed<T.LoginInput>()(z.object({ code: trimmed(1, 128).describe('wx.login 返回的 code') }));
export const DevLoginInputSchema = typed<T.DevLoginInput>()(z.object({ identity: trimmed(1, 40).describe('演示身份，如 parent') }));
export const DevIdentitiesSchema = typed<T.DevIdentitiesOutput>()(
  z.object({ identities: z.array(z.object({ key: z.string(), label: z.string(), description: z.string() })) }),
);

export const RoleGrantSchema = typed<T.RoleGrant>()(
  z.object({ id: z.string(), role: RoleSchema, scopeType: ScopeTypeSchema, scopeId: z.string().nullable(), scopeName: z.string(), grantedAt: isoDate }),
);
export const BoundChildSchema = typed<T.BoundChild>()(
  z.object({
    studentId: z.string(), name: z.string(), schoolId: z.string(), schoolName: z.string(), schoolRegionId: z.string(), grade: z.string(), className: z.string(),
    stage: StageSchema, relation: RelationSchema, relationNote: z.string().nullable(), boundAt: isoDate,
  }),
);
export const MeSchema = typed<T.MeOutput>()(
  z.object({
    user: z.object({ id: z.string(), displayName: z.string(), createdAt: isoDate }),
    roles: z.array(RoleGrantSchema),
    children: z.array(BoundChildSchema),
    privacy: z.object({ currentVersion: z.string(), agreedVersion: z.string().nullable(), agreedAt: isoDate.nullable() }),
  }),
);
export const LoginOutputSchema = typed<T.LoginOutput>()(z.object({ token: z.string(), expiresAt: isoDate, me: MeSchema }));

export const UpdateProfileSchema = typed<T.UpdateProfileInput>()(
  z.object({ displayName: trimmed(1, 20).refine((s) => !/[\p{Cc}<>]/u.test(s), '称呼不能包含特殊字符') }),
);
export const PrivacyConsentSchema = typed<T.PrivacyConsentInput>()(z.object({ version: trimmed(1, 20) }));

export const CreateInvitationSchema = typed<T.CreateInvitationInput>()(
  z.object({
    role: RoleSchema,
    scopeType: ScopeTypeSchema,
    scopeId: uuid.nullable(),
    expiresInDays: z.number().int().min(1).max(30),
    note: trimmed(1, 60).optional(),
  }),
);
export const InvitationSummarySchema = typed<T.InvitationSummary>()(
  z.object({
    id: z.string(), role: RoleSchema, scopeType: ScopeTypeSchema, scopeId: z.string().nullable(), scopeName: z.string(),
    note: z.string().nullable(), createdAt: isoDate, expiresAt: isoDate, status: z.enum(['open', 'used', 'expired', 'revoked']),
  }),
);
export const CreateInvitationOutputSchema = typed<T.CreateInvitationOutput>()(z.object({ code: z.string(), invitation: InvitationSummarySchema }));
export const InvitationListSchema = typed<T.InvitationListOutput>()(z.object({ invitations: z.array(InvitationSummarySchema) }));
export const RedeemInvitationSchema = typed<T.RedeemInvitationInput>()(z.object({ code: trimmed(4, 20).describe('邀请码，如 ABCD-EFGH') }));

/** A date of the registry (`YYYY-MM-DD`) in a response, or null. */
const openDate = z.string().nullable().describe('日期（YYYY-MM-DD），未填为 null');
export const RegionSchema = typed<T.Region>()(
  z.object({ id: z.string(), code: z.string(), name: z.string(), level: RegionLevelSchema, parentId: z.string().nullable(), openedOn: openDate, closedOn: openDate }),
);
export const RegionSummarySchema = typed<T.RegionSummary>()(
  RegionSchema.extend({ childCount: z.number().int(), schoolCount: z.number().int(), stationCount: z.number().int() }),
);
export const SchoolSchema = typed<T.School>()(
  z.object({ id: z.string(), name: z.string(), regionId: z.string(), stages: z.array(StageSchema), openedOn: openDate, closedOn: openDate }),
);
export const SchoolPsychContactSchema = typed<T.SchoolPsychContact>()(
  z.object({
    name: trimmed(1, 20),
    phone: z.string().trim().regex(/^(\+?86[- ]?)?[0-9][0-9-]{4,18}[0-9]$/, '电话号码格式不正确'),
    officeHours: z.string().trim().max(40),
  }),
);
export const SetSchoolContactSchema = typed<T.SetSchoolContactInput>()(z.object({ contact: SchoolPsychContactSchema.nullable() }));
export const SchoolContactOutputSchema = typed<T.SchoolContactOutput>()(z.object({ schoolId: z.string(), contact: SchoolPsychContactSchema.nullable() }));
export const SchoolContactSchema = typed<T.SchoolContact>()(z.object({ schoolId: z.string(), schoolName: z.string(), contact: SchoolPsychContactSchema }));
export const StationSchema = typed<T.Station>()(
  z.object({
    id: z.string(), name: z.string(), kind: StationKindSchema, regionId: z.string(), schoolId: z.string().nullable(), address: z.string(),
    openedOn: openDate, closedOn: openDate,
  }),
);
export const RegionListSchema = typed<T.RegionListOutput>()(z.object({ regions: z.array(RegionSummarySchema) }));
export const RegionDetailSchema = typed<T.RegionDetailOutput>()(
  z.object({ region: RegionSummarySchema, path: z.array(RegionSchema), children: z.array(RegionSummarySchema), schools: z.array(SchoolSchema), stations: z.array(StationSchema) }),
);
export const SchoolListSchema = typed<T.SchoolListOutput>()(z.object({ schools: z.array(SchoolSchema) }));
export const StationListSchema = typed<T.StationListOutput>()(z.object({ stations: z.array(StationSchema) }));

export const CreateRegionSchema = typed<T.CreateRegionInput>()(
  z.object({ code: z.string().regex(/^\d{6}$/, '行政区划代码为 6 位数字'), name: trimmed(1, 40), level: RegionLevelSchema, parentId: uuid.nullable() }),
);
export const CreateSchoolSchema = typed<T.CreateSchoolInput>()(
  z.object({ name: trimmed(2, 60), regionId: uuid, stages: z.array(StageSchema).min(1, '至少选择一个学段') }),
);
export const CreateStationSchema = typed<T.CreateStationInput>()(
  z.object({ name: trimmed(2, 60), kind: StationKindSchema, regionId: uuid, schoolId: uuid.nullable(), address: z.string().trim().max(120) }),
);

export const ModuleSchema = z.enum(['mh_education', 'mh_aid', 'mh_care', 'abnormal_awareness', 'parent_child']);
const SegmentSchema = z
  .tuple([z.number().min(0).max(86_400), z.number().min(0).max(86_400)])
  .refine(([s, e]) => e >= s, '片段的结束时间不能早于开始时间');
export const LessonProgressSchema = typed<T.LessonProgress>()(
  z.object({ position: z.number(), creditedSeconds: z.number(), segments: z.array(z.tuple([z.number(), z.number()])), completed: z.boolean(), completedAt: isoDate.nullable() }),
);
export const CourseSummarySchema = typed<T.CourseSummary>()(
  z.object({
    id: z.string(), slug: z.string(), title: z.string(), summary: z.string(), module: ModuleSchema, stages: z.array(StageSchema),
    lessonCount: z.number().int(), durationSeconds: z.number().int(), hasQuiz: z.boolean(),
    mine: z.object({ enrolledAt: isoDate, completedLessons: z.number().int(), completedAt: isoDate.nullable() }).nullable(),
  }),
);
export const CourseListQuerySchema = typed<T.CourseListQuery>()(
  z.object({ module: ModuleSchema.optional(), stage: StageSchema.optional(), q: z.string().trim().min(1).max(40).optional() }),
);
export const CourseListSchema = typed<T.CourseListOutput>()(
  z.object({ courses: z.array(CourseSummarySchema), myStages: z.array(StageSchema), continueLearning: z.array(CourseSummarySchema) }),
);
export const LessonSummarySchema = typed<T.LessonSummary>()(
  z.object({
    id: z.string(), slug: z.string(), title: z.string(), kind: z.enum(['article', 'audio', 'video']), durationSeconds: z.number().int(),
    safetyCard: z.boolean(), progress: LessonProgressSchema.nullable(),
  }),
);
export const CertificateSchema = typed<T.CertificateOutput>()(
  z.object({ code: z.string(), displayName: z.string(), courseTitle: z.string(), module: ModuleSchema, issuedAt: isoDate }),
);
export const CourseDetailSchema = typed<T.CourseDetailOutput>()(
  z.object({
    course: CourseSummarySchema,
    lessons: z.array(LessonSummarySchema),
    quiz: z.object({ questionCount: z.number().int(), passMark: z.number().int(), attempts: z.number().int(), passed: z.boolean() }).nullable(),
    certificate: CertificateSchema.nullable(),
    schoolContacts: z.array(SchoolContactSchema),
  }),
);
export const LessonDetailSchema = typed<T.LessonDetailOutput>()(
  z.object({
    lesson: LessonSummarySchema, courseId: z.string(), courseTitle: z.string(), body: z.array(z.string()), mediaUrl: z.string().nullable(),
    captionsUrl: z.string().nullable(), schoolContacts: z.array(SchoolContactSchema), nextLessonId: z.string().nullable(),
  }),
);
export const ProgressInputSchema = typed<T.ProgressInput>()(
  z.object({
    statements: z
      .array(
        z.object({
          id: uuid,
          lessonId: uuid,
          verb: z.enum(['played', 'read', 'progressed']),
          segments: z.array(SegmentSchema).max(200),
          position: z.number().min(0).max(86_400),
          timestamp: z.string().datetime({ offset: true, message: '时间格式不正确' }),
        }),
      )
      .min(1)
      .max(100),
  }),
);
export const ProgressOutputSchema = typed<T.ProgressOutput>()(
  z.object({
    accepted: z.number().int(), duplicates: z.number().int(),
    rejected: z.array(z.object({ id: z.string(), code: z.string(), message: z.string() })),
    lessons: z.array(z.object({ lessonId: z.string(), progress: LessonProgressSchema })),
  }),
);
export const QuizSchema = typed<T.QuizOutput>()(
  z.object({
    passMark: z.number().int(), attempts: z.number().int(), passed: z.boolean(),
    retryAfterSeconds: z.number().int().nullable().describe('连续多次未通过后，还需等待的秒数；可以作答时为 null'),
    remainingAttempts: z.number().int().describe('进入等待前还可以未通过的次数'),
    questions: z.array(z.object({
      id: z.string(), prompt: z.string(),
      options: z.array(z.object({ id: z.string(), text: z.string() })).describe('选项（每次请求顺序不同；按选项编号作答）'),
    })),
  }),
);
export const QuizSubmitSchema = typed<T.QuizSubmitInput>()(
  z.object({
    answers: z
      .array(z.object({ questionId: uuid.describe('题目编号'), optionId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, '无效的选项编号').describe('所选选项的编号') }))
      .min(1)
      .max(30)
      .describe('每道题一个答案，顺序不限'),
  }),
);
export const QuizResultSchema = typed<T.QuizResultOutput>()(
  z.object({
    score: z.number().int(), passMark: z.number().int(), passed: z.boolean(), attempts: z.number().int(),
    wrongQuestionIds: z.array(z.string()).describe('答错的题目编号（未通过时不公布正确答案）'),
    review: z
      .array(z.object({ questionId: z.string(), chosenOptionId: z.string(), correctOptionId: z.string(), explanation: z.string() }))
      .nullable()
      .describe('通过后：每题的正确选项与解析；未通过时为 null'),
    retryAfterSeconds: z.number().int().nullable(),
    remainingAttempts: z.number().int(),
    certificate: CertificateSchema.nullable(),
  }),
);
export const CertificateVerifySchema = typed<T.CertificateVerifyOutput>()(z.object({ valid: z.boolean(), certificate: CertificateSchema.nullable() }));
export const CodeParams = z.object({ code: z.string().max(40).describe('证书编号，如 ABCD-EFGH-JKLM') });
export const MyLearningSchema = typed<T.MyLearningOutput>()(
  z.object({
    inProgress: z.array(CourseSummarySchema),
    completed: z.array(CourseSummarySchema.extend({ certificate: CertificateSchema.nullable() })),
    totalSeconds: z.number().int(),
    completedLessons: z.number().int(),
  }),
);

export const XapiQuery = z.object({
  after: z.string().max(200).refine(isStatementCursor, '分页位置无效，请从第一页重新获取').optional().describe('上一页返回的 more'),
  limit: z.coerce.number().int().min(1).max(1000).default(200).describe('每页条数，默认 200'),
});
export const XapiExportSchema = typed<T.XapiExportOutput>()(
  z.object({
    statements: z.array(
      z.object({
        id: z.string(),
        actor: z.object({ objectType: z.literal('Agent'), account: z.object({ homePage: z.string(), name: z.string() }) }),
        verb: z.object({ id: z.string(), display: z.object({ 'zh-CN': z.string() }) }),
        object: z.object({ objectType: z.literal('Activity'), id: z.string(), definition: z.object({ type: z.string() }) }),
        result: z.object({ completion: z.boolean().optional(), extensions: z.record(z.string(), z.unknown()).optional() }).optional(),
        context: z.object({ extensions: z.record(z.string(), z.unknown()) }).optional(),
        timestamp: z.string(),
        stored: z.string(),
      }),
    ),
    more: z.string().nullable(),
  }),
);
