/** Courses, lessons, progress statements, quizzes, certificates and the xAPI export. */
import { route } from '../http/route';
import { CourseContentSchema } from '../domain/learning/content-schema';
import {
  CertificateVerifySchema, CodeParams, CourseDetailSchema, CourseListQuerySchema, CourseListSchema, IdParams, LessonDetailSchema, MyLearningSchema,
  ProgressInputSchema, ProgressOutputSchema, QuizResultSchema, QuizSchema, QuizSubmitSchema, XapiExportSchema, XapiQuery,
} from '../http/schemas';
import { z } from 'zod';

/** Routes of the course part. */
export const courseRoutes = [
  route({
    method: 'get', path: '/api/courses', tag: '课程', access: 'optional',
    summary: '课程目录：按模块、学段、关键词筛选；孩子所在学段的课程在前，附“继续学习”',
    description: '未登录也可浏览已发布的课程（不含任何个人信息：mine 为 null，myStages 与 continueLearning 为空）；带令牌时令牌须有效。',
    query: CourseListQuerySchema, response: CourseListSchema,
    handler: ({ query, caller, services }) => (caller ? services.courses().list(query) : services.publicCourses.list(query)),
  }),
  route({
    method: 'get', path: '/api/courses/{id}', tag: '课程', access: 'optional',
    summary: '课程详情：课时、我的进度、测验状态、证书',
    description: '未登录也可查看已发布课程的大纲（课时标题、类型、时长，测验题数与及格分）；个人字段为空（进度 null、作答 0 次、无证书、无学校联系人）。课时内容与测验题目须登录。',
    params: IdParams, response: CourseDetailSchema, errors: ['NOT_FOUND'],
    handler: ({ params, caller, services }) => (caller ? services.courses().detail(params.id) : services.publicCourses.detail(params.id)),
  }),
  route({
    method: 'post', path: '/api/courses/{id}/enroll', tag: '课程', access: 'user',
    summary: '加入课程（重复调用无副作用）',
    params: IdParams, body: z.object({}).strict(), response: CourseDetailSchema, errors: ['NOT_FOUND'],
    handler: ({ params, services }) => services.courses().enroll(params.id),
  }),
  route({
    method: 'get', path: '/api/lessons/{id}', tag: '课程', access: 'user',
    summary: '课时内容（文章正文 / 音视频地址与文字稿）与我的进度（续播位置）',
    params: IdParams, response: LessonDetailSchema, errors: ['NOT_FOUND'],
    handler: ({ params, services }) => services.courses().lesson(params.id),
  }),
  route({
    method: 'post', path: '/api/progress', tag: '学习记录', access: 'user',
    summary: '上报学习记录（xAPI 风格）：播放片段、读完、位置；按 id 去重，服务端合并片段计入不重复的观看秒数',
    description: '每条记录单独判定：未加入课程、超出时长、来自未来、与实际时间不符的记录列在 rejected 中，其余照常记入。',
    body: ProgressInputSchema, response: ProgressOutputSchema,
    handler: ({ body, services }) => services.progress().ingest(body.statements),
  }),
  route({
    method: 'get', path: '/api/courses/{id}/quiz', tag: '课程', access: 'user',
    summary: '课程测验题目：选项带编号、每次请求顺序不同，不含答案和解析；连续多次未通过后附等待时间',
    params: IdParams, response: QuizSchema, errors: ['NOT_FOUND', 'NOT_ENROLLED'],
    handler: ({ params, services }) => services.courses().quiz(params.id),
  }),
  route({
    method: 'post', path: '/api/courses/{id}/quiz', tag: '课程', access: 'user', idempotent: true,
    summary: '提交测验（按题目编号和选项编号作答）：未通过只返回得分和答错的题目，通过后返回正确选项与解析；连续多次未通过后需等待；学完全部课时并通过后颁发证书',
    params: IdParams, body: QuizSubmitSchema, response: QuizResultSchema, errors: ['NOT_FOUND', 'NOT_ENROLLED', 'LESSONS_INCOMPLETE', 'TOO_MANY_ATTEMPTS'],
    handler: ({ params, body, services }) => services.courses().submitQuiz(params.id, body.answers),
  }),
  route({
    method: 'get', path: '/api/me/learning', tag: '课程', access: 'user',
    summary: '我的学习：进行中、已完成（含证书）、累计学习时长',
    response: MyLearningSchema,
    handler: ({ services }) => services.courses().myLearning(),
  }),
  route({
    method: 'get', path: '/api/certificates/{code}', tag: '证书', access: 'public',
    summary: '公开核验证书编号',
    params: CodeParams, response: CertificateVerifySchema,
    handler: ({ params, services }) => services.certificates.verify(params.code),
  }),
  route({
    method: 'get', path: '/api/me/statements', tag: '学习记录', access: 'user',
    summary: '导出我的学习记录（xAPI 1.0.3 JSON，视频片段按 xAPI 视频规范）',
    query: XapiQuery, response: XapiExportSchema,
    handler: ({ query, caller, services }) => services.statements.export({ userId: caller.userId, after: query.after ?? null, limit: query.limit }),
  }),
  route({
    method: 'get', path: '/api/admin/statements', tag: '学习记录', access: 'user',
    summary: '导出全部学习记录供学习记录库（LRS）导入（平台管理员；身份以不可逆的用户编号表示）',
    query: XapiQuery, response: XapiExportSchema, errors: ['FORBIDDEN'],
    handler: ({ query, caller, services }) => {
      caller.requireAdmin();
      return services.statements.export({ userId: null, after: query.after ?? null, limit: query.limit });
    },
  }),
  route({
    method: 'post', path: '/api/admin/courses', tag: '课程管理', access: 'user', status: 201,
    summary: '发布或更新课程（平台管理员；按 slug 覆盖，课时按 slug 保留学习进度）',
    body: CourseContentSchema, response: CourseDetailSchema, errors: ['FORBIDDEN'],
    handler: ({ body, services }) => services.courses().publish(body),
  }),
];
