/** Zod schemas of bulk import and of the registry edit forms, each checked at compile time against types/. */
import { z } from 'zod';
import type * as T from '../../../types';
import { IMPORT_MAX_BYTES } from '../domain/imports/files';
import { isBase64 } from './event-schemas';
import { typed } from '../domain/typed';
import { StageSchema, StationKindSchema, trimmed, uuid } from './schemas';

export const ImportKindSchema = z.enum(['regions', 'schools', 'stations', 'pupils']);
export const ImportKindParams = z.object({ kind: ImportKindSchema.describe('regions 地区 / schools 学校 / stations 站点 / pupils 学生名单') });

/** The request body bound of an import: the base64 of the largest file, and room for the other fields. */
export const IMPORT_MAX_BODY_BYTES = Math.ceil((IMPORT_MAX_BYTES * 4) / 3) + 8192;

export const ImportInputSchema = typed<T.ImportInput>()(
  z.object({
    kind: ImportKindSchema,
    schoolId: uuid.nullable().describe('学生名单所属学校；导入名录时为 null'),
    fileName: trimmed(1, 120).regex(/\.(xlsx|csv)$/i, '只支持 .xlsx 或 .csv 文件').describe('文件名（按扩展名读取）'),
    dataBase64: z.string().min(4).max(IMPORT_MAX_BODY_BYTES, `文件超过 ${IMPORT_MAX_BYTES / 1024 / 1024} MB，请拆分成几个文件分别导入`)
      .refine(isBase64, '文件内容须为 base64').describe('文件内容（base64）'),
  }).strict(),
);

const CountsSchema = z.object({ new: z.number().int(), changed: z.number().int(), unchanged: z.number().int(), error: z.number().int() });
export const ImportPreviewSchema = typed<T.ImportPreviewOutput>()(
  z.object({
    kind: ImportKindSchema, total: z.number().int(), counts: CountsSchema, notes: z.array(z.string()),
    rows: z.array(z.object({
      row: z.number().int(), outcome: z.enum(['new', 'changed', 'unchanged', 'error']), label: z.string(), changes: z.array(z.string()),
      errors: z.array(z.object({ cell: z.string(), message: z.string() })),
    })),
  }),
);
export const ImportCommitSchema = typed<T.ImportCommitOutput>()(z.object({ kind: ImportKindSchema, total: z.number().int(), counts: CountsSchema, notes: z.array(z.string()) }));

export const UpdateRegionSchema = typed<T.UpdateRegionInput>()(z.object({ name: trimmed(1, 40) }).strict());
export const UpdateSchoolSchema = typed<T.UpdateSchoolInput>()(
  z.object({ name: trimmed(2, 60), stages: z.array(StageSchema).min(1, '至少选择一个学段').max(5) }).strict(),
);
export const UpdateStationSchema = typed<T.UpdateStationInput>()(
  z.object({ name: trimmed(2, 60), kind: StationKindSchema, address: z.string().trim().max(120) }).strict(),
);
