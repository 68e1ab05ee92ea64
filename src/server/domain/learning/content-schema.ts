/** The zod schema of the course content format (files and the admin API), checked against types/courses.ts. */
import { z } from 'zod';
import type { CourseContent } from '../../../../types';
import { typed } from '../typed';

const text = (min: number, max: number) => z.string().trim().min(min).max(max);
const slug = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, '标识只能包含小写字母、数字和连字符').max(80);

export const CourseContentSchema = typed<CourseContent>()(
  z.object({
    slug,
    title: text(2, 60),
    summary: text(2, 200),
    module: z.enum(['mh_education', 'mh_aid', 'mh_care', 'abnormal_awareness', 'parent_child']),
    stages: z.array(z.enum(['preschool', 'primary', 'junior', 'senior', 'vocational'])).min(1),
    lessons: z
      .array(
        z.object({
          slug,
          title: text(2, 60),
          kind: z.enum(['article', 'audio', 'video']),
          durationSeconds: z.number().int().min(1).max(4 * 3600),
          media: z.string().regex(/^[a-z0-9][a-z0-9._-]*\.(mp4|m4a|mp3|aac|wav|webm)$/, '媒体文件名不合法').optional(),
          body: z.array(text(1, 2000)).min(1),
          slides: z.array(z.object({ at: z.number().int().min(0), text: text(1, 200) })).max(30).optional(),
        }),
      )
      .min(1)
      .max(50),
    quiz: z
      .object({
        passMark: z.number().int().min(1).max(100),
        questions: z
          .array(z.object({ prompt: text(2, 300), options: z.array(text(1, 200)).min(2).max(6), answer: z.number().int().min(0), explanation: text(1, 500) }))
          .min(1)
          .max(30),
      })
      .optional(),
  }),
);

/** Lists a zod error's issues as "path: message". */
export function issueList(error: z.ZodError): string[] {
  return error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}
