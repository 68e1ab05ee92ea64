/** Zod schemas of a school's classes and their 班主任, each checked at compile time against types/. */
import { z } from 'zod';
import type * as T from '../../../types';
import { typed } from '../domain/typed';
import { isoDate, StageSchema, trimmed } from './schemas';

const SchoolClassSchema = typed<T.SchoolClass>()(
  z.object({
    id: z.string(), schoolId: z.string(), grade: z.string(), name: z.string(), stage: StageSchema, createdAt: isoDate, closedAt: isoDate.nullable(),
    pupils: z.number().int(), headTeachers: z.array(z.object({ userId: z.string(), displayName: z.string(), assignedAt: isoDate })),
  }),
);

export const SchoolClassesSchema = typed<T.SchoolClassesOutput>()(
  z.object({
    schoolId: z.string(), schoolName: z.string(), classes: z.array(SchoolClassSchema),
    headTeachers: z.array(z.object({ userId: z.string(), displayName: z.string(), classes: z.number().int() })), canManage: z.boolean(),
  }),
);

export const ClassOutputSchema = typed<T.ClassOutput>()(z.object({ class: SchoolClassSchema }));

export const ClassInputSchema = typed<T.ClassInput>()(
  z.object({ grade: trimmed(1, 20).describe('年级，如：五年级'), name: trimmed(1, 20).describe('班级，如：2班'), stage: StageSchema }).strict(),
);

export const ClassTeacherParams = z.object({ id: z.string().describe('班级编号（UUID）'), userId: z.string().describe('班主任的用户编号（UUID）') });
