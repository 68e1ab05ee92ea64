/** Zod schemas of local help (regional hotlines) and the printable binding sheets, each checked at compile time against types/. */
import { z } from 'zod';
import type * as T from '../../../types';
import { typed } from '../domain/typed';
import { isoDate, trimmed } from './schemas';

/** A hotline number: digits with single dashes between groups, 3–15 digits (12356, 0351-12356, 400-161-9995). */
export const hotlineNumber = z
  .string()
  .trim()
  .max(20, '电话号码最多 20 个字符')
  .regex(/^[0-9]+(-[0-9]+)*$/, '电话号码只能包含数字和连字符“-”，如 12356 或 0351-1234567')
  .refine((v) => v.replace(/-/g, '').length >= 3 && v.replace(/-/g, '').length <= 15, '电话号码应为 3—15 位数字');

export const SetHotlineSchema = typed<T.SetHotlineInput>()(
  z.object({
    number: hotlineNumber.describe('热线号码（数字与“-”）'),
    label: trimmed(1, 40).describe('热线名称，如 太原市心理援助热线'),
    hours: z.string().trim().max(40).describe('接听时间，如 24小时；可留空'),
  }).strict(),
);

const hotline = z.object({ number: z.string(), label: z.string(), hours: z.string(), regionId: z.string().nullable(), regionName: z.string().nullable() });
const setting = z.object({ number: z.string(), label: z.string(), hours: z.string() });

export const HotlineOutputSchema = typed<T.HotlineOutput>()(z.object({ hotlines: z.array(hotline), national: hotline }));

export const RegionHotlineSchema = typed<T.RegionHotlineOutput>()(
  z.object({
    regionId: z.string(), regionName: z.string(), own: setting.nullable(), effective: hotline,
    history: z.array(z.object({ id: z.string(), at: isoDate, actorName: z.string(), action: z.enum(['set', 'cleared']), before: setting.nullable(), after: setting.nullable() })),
  }),
);

export const SheetQuery = z.object({
  grade: trimmed(1, 20).describe('年级，如 五年级'),
  className: trimmed(1, 20).describe('班级，如 2班'),
});

export const SheetClassListSchema = typed<T.SheetClassListOutput>()(
  z.object({ classes: z.array(z.object({ grade: z.string(), className: z.string(), pupils: z.number().int() })) }),
);
