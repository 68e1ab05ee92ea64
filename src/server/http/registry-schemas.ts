/** Zod schemas of the registry's open / close dates and its audit trail, each checked at compile time against types/. */
import { z } from 'zod';
import type * as T from '../../../types';
import { typed } from '../domain/typed';
import { isoDate, uuid } from './schemas';

/** Whether `YYYY-MM-DD` names a real calendar day between 1949 and 2100. */
function realDay(text: string): boolean {
  const [y, m, d] = text.split('-').map(Number) as [number, number, number];
  const day = new Date(Date.UTC(y, m - 1, d));
  return y >= 1949 && y <= 2100 && day.getUTCFullYear() === y && day.getUTCMonth() === m - 1 && day.getUTCDate() === d;
}

const day = z.string().trim().regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD').refine(realDay, '日期不存在或超出范围（1949—2100 年）');

export const SetOpenDatesSchema = typed<T.SetOpenDatesInput>()(
  z.object({
    openedOn: day.nullable().describe('开办日期（YYYY-MM-DD，中国日期）；未知填 null'),
    closedOn: day.nullable().describe('停办日期（最后开放的一天）；仍在开放填 null'),
  }).refine((v) => v.openedOn === null || v.closedOn === null || v.closedOn >= v.openedOn, { message: '停办日期不能早于开办日期', path: ['closedOn'] }),
);

export const RegistryAuditQuery = z.object({ entityId: uuid.optional().describe('学校、站点或班级编号；不填则列出全部') });

const auditValues = z.record(z.string(), z.string().nullable());
export const RegistryAuditSchema = typed<T.RegistryAuditOutput>()(
  z.object({
    entries: z.array(z.object({
      id: z.string(), at: isoDate, actorId: z.string(), actorName: z.string(), entityType: z.enum(['region', 'school', 'station', 'class']), entityId: z.string(),
      action: z.string(), before: auditValues, after: auditValues,
    })),
  }),
);
