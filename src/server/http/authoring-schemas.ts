/** Zod schemas of the course authoring console and media uploads, each checked at compile time against types/. */
import { z } from 'zod';
import type * as T from '../../../types';
import { MEDIA_PART_BYTES } from '../domain/learning/media';
import { isBase64 } from './event-schemas';
import { typed } from '../domain/typed';
import { isoDate, ModuleSchema, StageSchema, uuid } from './schemas';

/** Controls, zero-width and bidirectional-override characters: invisible, and able to make a title read differently than it is. */
// eslint-disable-next-line no-control-regex -- these control characters are exactly what is refused
const ODD = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/;
const ODD_MESSAGE = '含有不可见的控制字符（如零宽字符或文字方向控制符），请删除后重新输入';
/** One line of text: trimmed, within limits, no invisible characters and no line breaks. */
const line = (min: number, max: number, label: string) =>
  z.string().trim()
    .min(min, min <= 1 ? `请填写${label}` : `${label}至少 ${min} 字`)
    .max(max, `${label}最多 ${max} 字`)
    .refine((s) => !ODD.test(s) && !/[\r\n]/.test(s), ODD_MESSAGE);
/** Several lines (an article in the markup: `## ` headings, `- ` items, else paragraphs). */
const lines = (max: number, label: string) => z.string().max(max, `${label}最多 ${max} 字`).refine((s) => !ODD.test(s.replace(/\r?\n|\t/g, ' ')), ODD_MESSAGE);

export const AuthoringListQuerySchema = typed<T.AuthoringListQuery>()(
  z.object({ module: ModuleSchema.optional(), stage: StageSchema.optional(), status: z.enum(['draft', 'published']).optional() }).strict(),
);

const LessonInputSchema = z.object({
  id: uuid.nullable().describe('已有课时的编号；新课时为 null'),
  title: line(2, 60, '课时标题'),
  kind: z.enum(['article', 'audio', 'video']),
  text: lines(20000, '正文'),
  media: z.string().regex(/^[a-z0-9][a-z0-9._-]*\.(mp4|m4a|mp3|aac|wav|webm)$/, '媒体文件名不合法').max(120).nullable(),
}).strict();

const QuestionSchema = z.object({
  prompt: line(2, 300, '题目'),
  options: z.array(line(1, 200, '选项')).min(2, '每题至少 2 个选项').max(6, '每题最多 6 个选项'),
  answer: z.number().int().min(0).max(5),
  explanation: line(1, 500, '解析'),
}).strict();

const courseFields = {
  title: line(2, 60, '课程名称'),
  summary: line(2, 200, '课程简介'),
  module: ModuleSchema,
  stages: z.array(StageSchema).min(1, '至少选择一个学段').max(5).refine((s) => new Set(s).size === s.length, '学段重复'),
  regionId: uuid.nullable().describe('所属地区；null 为全平台课程（仅平台管理员）'),
  lessons: z.array(LessonInputSchema).max(50, '最多 50 个课时'),
  quiz: z.object({ passMark: z.number().int().min(50, '及格分不低于 50').max(100), questions: z.array(QuestionSchema).max(30, '最多 30 道题') }).strict(),
};

export const AuthoringCourseInputSchema = typed<T.AuthoringCourseInput>()(z.object(courseFields).strict());
export const SaveCourseSchema = typed<T.SaveCourseInput>()(z.object({ ...courseFields, version: z.number().int().min(1) }).strict());
export const PublishCourseSchema = typed<T.PublishCourseInput>()(z.object({ version: z.number().int().min(1) }).strict());

const SummarySchema = z.object({
  id: z.string(), title: z.string(), module: ModuleSchema, stages: z.array(StageSchema), published: z.boolean(), regionId: z.string().nullable(),
  regionName: z.string().nullable(), origin: z.enum(['content', 'console']), lessonCount: z.number().int(), questionCount: z.number().int(),
  version: z.number().int(), updatedAt: isoDate,
});
export const AuthoringListSchema = typed<T.AuthoringListOutput>()(
  z.object({ courses: z.array(SummarySchema), regions: z.array(z.object({ id: z.string(), name: z.string() })), canCreatePlatform: z.boolean() }),
);
export const AuthoringCourseSchema = typed<T.AuthoringCourseOutput>()(
  z.object({
    id: z.string(), slug: z.string(), published: z.boolean(), origin: z.enum(['content', 'console']), version: z.number().int(), regionName: z.string().nullable(), updatedAt: isoDate,
    course: z.object({
      title: z.string(), summary: z.string(), module: ModuleSchema, stages: z.array(StageSchema), regionId: z.string().nullable(),
      lessons: z.array(z.object({
        id: z.string(), title: z.string(), kind: z.enum(['article', 'audio', 'video']), text: z.string(), media: z.string().nullable(),
        durationSeconds: z.number(), mediaUrl: z.string().nullable(),
      })),
      quiz: z.object({ passMark: z.number().int(), questions: z.array(z.object({ prompt: z.string(), options: z.array(z.string()), answer: z.number().int(), explanation: z.string() })) }),
    }),
    problems: z.array(z.object({ path: z.string(), message: z.string() })),
  }),
);

export const LessonPreviewParams = z.object({ id: z.string().describe('课程编号'), lessonId: z.string().describe('课时编号') });
export const MediaPartParams = z.object({ id: z.string().describe('上传编号'), index: z.coerce.number().int().min(0).max(10_000).describe('分片序号（从 0 起）') });

/** The request body bound of one part: its base64 and a little room. */
export const MEDIA_PART_BODY_BYTES = Math.ceil((MEDIA_PART_BYTES * 4) / 3) + 1024;

export const MediaUploadInputSchema = typed<T.MediaUploadInput>()(
  z.object({ fileName: line(1, 120, '文件名'), sizeBytes: z.number().int().min(1, '文件是空的').max(2 ** 31 - 1) }).strict(),
);
export const MediaUploadSchema = typed<T.MediaUploadOutput>()(z.object({ uploadId: z.string(), partBytes: z.number().int(), partCount: z.number().int() }));
export const MediaPartInputSchema = typed<T.MediaPartInput>()(
  z.object({ dataBase64: z.string().min(4).max(MEDIA_PART_BODY_BYTES).refine(isBase64, '分片内容须为 base64') }).strict(),
);
export const MediaPartSchema = typed<T.MediaPartOutput>()(z.object({ received: z.number().int(), partCount: z.number().int() }));
export const MediaFileSchema = typed<T.MediaFileOutput>()(
  z.object({ name: z.string(), url: z.string(), contentType: z.string(), sizeBytes: z.number().int(), durationSeconds: z.number(), hasVideo: z.boolean() }),
);
