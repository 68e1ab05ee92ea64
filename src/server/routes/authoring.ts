/** The course authoring console (administrators; 妇联 staff for their region's own courses) and lesson media uploads. */
import { z } from 'zod';
import { route } from '../http/route';
import {
  AuthoringCourseInputSchema, AuthoringCourseSchema, AuthoringListQuerySchema, AuthoringListSchema, LessonPreviewParams, MEDIA_PART_BODY_BYTES,
  MediaFileSchema, MediaPartInputSchema, MediaPartParams, MediaPartSchema, MediaUploadInputSchema, MediaUploadSchema, PublishCourseSchema, SaveCourseSchema,
} from '../http/authoring-schemas';
import { CourseDetailSchema, IdParams, LessonDetailSchema } from '../http/schemas';

const WHO = '平台管理员可编写全部课程；妇联工作人员只能编写本地区（及下级地区）的课程，其他地区的课程答复“不存在”。';

/** Routes under /api/admin/authoring and /api/admin/media. */
export const authoringRoutes = [
  route({
    method: 'get', path: '/api/admin/authoring/courses', tag: '课程编写', access: 'user',
    summary: '可编写的课程（含草稿），按模块、学段、状态筛选', description: WHO,
    query: AuthoringListQuerySchema, response: AuthoringListSchema, errors: ['FORBIDDEN'],
    handler: ({ query, services }) => services.authoring().list(query),
  }),
  route({
    method: 'post', path: '/api/admin/authoring/courses', tag: '课程编写', access: 'user', status: 201, idempotent: true,
    summary: '新建课程（草稿，家长看不到）', description: `${WHO} 妇联工作人员新建的课程属于本地区，只有孩子的学校在该地区（含下级）的家长能看到。`,
    body: AuthoringCourseInputSchema, response: AuthoringCourseSchema, errors: ['FORBIDDEN', 'NOT_FOUND'],
    handler: ({ body, services }) => services.authoring().create(body),
  }),
  route({
    method: 'get', path: '/api/admin/authoring/courses/{id}', tag: '课程编写', access: 'user',
    summary: '编辑器中的课程：基本信息、课时（正文、媒体、时长）、测验，以及发布前还缺什么',
    params: IdParams, response: AuthoringCourseSchema, errors: ['FORBIDDEN', 'NOT_FOUND'],
    handler: ({ params, services }) => services.authoring().get(params.id),
  }),
  route({
    method: 'put', path: '/api/admin/authoring/courses/{id}', tag: '课程编写', access: 'user',
    summary: '保存课程（带编辑时的版本号；期间他人已保存则答复 CONFLICT）。课时按编号保留家长的学习进度；已发布的课程须保持可发布',
    params: IdParams, body: SaveCourseSchema, response: AuthoringCourseSchema, errors: ['FORBIDDEN', 'NOT_FOUND', 'CONFLICT'],
    handler: ({ params, body, services }) => services.authoring().save(params.id, body),
  }),
  route({
    method: 'post', path: '/api/admin/authoring/courses/{id}/publish', tag: '课程编写', access: 'user',
    summary: '发布课程（重复发布无副作用；内容不完整时逐项列出原因）',
    params: IdParams, body: PublishCourseSchema, response: AuthoringCourseSchema, errors: ['FORBIDDEN', 'NOT_FOUND', 'CONFLICT'],
    handler: ({ params, body, services }) => services.authoring().setPublished(params.id, body.version, true),
  }),
  route({
    method: 'post', path: '/api/admin/authoring/courses/{id}/unpublish', tag: '课程编写', access: 'user',
    summary: '下线课程：家长的目录、详情、课时、测验、学习记录一律看不到（学习进度保留，重新发布后恢复）',
    params: IdParams, body: PublishCourseSchema, response: AuthoringCourseSchema, errors: ['FORBIDDEN', 'NOT_FOUND', 'CONFLICT'],
    handler: ({ params, body, services }) => services.authoring().setPublished(params.id, body.version, false),
  }),
  route({
    method: 'get', path: '/api/admin/authoring/courses/{id}/preview', tag: '课程编写', access: 'user',
    summary: '以家长视角预览课程大纲（含草稿；只读，不记录任何学习进度）',
    params: IdParams, response: CourseDetailSchema, errors: ['FORBIDDEN', 'NOT_FOUND'],
    handler: ({ params, services }) => services.authoring().preview(params.id),
  }),
  route({
    method: 'get', path: '/api/admin/authoring/courses/{id}/lessons/{lessonId}', tag: '课程编写', access: 'user',
    summary: '以家长视角预览课时（只读，不记录任何学习进度）',
    params: LessonPreviewParams, response: LessonDetailSchema, errors: ['FORBIDDEN', 'NOT_FOUND'],
    handler: ({ params, services }) => services.authoring().previewLesson(params.id, params.lessonId),
  }),
  route({
    method: 'post', path: '/api/admin/media/uploads', tag: '课程编写', access: 'user', status: 201,
    summary: '开始上传课程音视频（MP4、M4A、MP3；超过 XQ_MEDIA_MAX_MB 直接拒绝），返回分片大小和数量',
    body: MediaUploadInputSchema, response: MediaUploadSchema, errors: ['FORBIDDEN', 'MEDIA_TOO_LARGE', 'UPLOAD_QUOTA_EXCEEDED'],
    handler: ({ body, services }) => services.media().start(body),
  }),
  route({
    method: 'put', path: '/api/admin/media/uploads/{id}/parts/{index}', tag: '课程编写', access: 'user', maxBodyBytes: MEDIA_PART_BODY_BYTES + 256,
    summary: '上传一个分片（base64；重发同一分片会覆盖）',
    params: MediaPartParams, body: MediaPartInputSchema, response: MediaPartSchema, errors: ['FORBIDDEN', 'NOT_FOUND'],
    handler: ({ params, body, services }) => services.media().part(params.id, params.index, body.dataBase64),
  }),
  route({
    method: 'post', path: '/api/admin/media/uploads/{id}/finish', tag: '课程编写', access: 'user',
    summary: '完成上传：按文件内容（而非扩展名）识别类型，从文件读出时长，按 SHA-256 保存，在 /media/{name} 提供',
    params: IdParams, body: z.object({}).strict(), response: MediaFileSchema, errors: ['FORBIDDEN', 'NOT_FOUND', 'MEDIA_UNSUPPORTED', 'MEDIA_BROKEN'],
    handler: ({ params, services }) => services.media().finish(params.id),
  }),
];
