/** Zod schemas of the 妇联 reporting API, each checked at compile time against its contract type in types/. */
import { z } from 'zod';
import type * as T from '../../../types';
import { typed } from '../domain/typed';
import { isoDate as iso, RegionLevelSchema, StageSchema, StationKindSchema, uuid } from './schemas';

const periodText = z.string().trim().max(32).describe('统计期间：2025、2025-03 或 2025-01..2025-06（同一年内，不晚于本月）');
const CountSchema = typed<T.ReportCount>()(z.object({
  value: z.number().nullable(), suppressed: z.boolean(), text: z.string(), reason: z.enum(['small', 'complementary']).nullable(),
}).describe('人数：1 至 4 显示为“<5”（reason small）；为防止推算一并隐藏的显示为“—”（reason complementary）'));
const ModuleSchema = z.enum(['mh_education', 'mh_aid', 'mh_care', 'abnormal_awareness', 'parent_child']);
const UnitSchema = typed<T.ReportUnit>()(
  z.object({ id: z.string(), name: z.string(), type: z.union([RegionLevelSchema, z.enum(['school', 'station'])]), parentId: z.string().nullable() }),
);
const PeriodSchema = typed<T.ReportPeriod>()(z.object({ key: z.string(), from: z.string(), to: z.string(), label: z.string() }));
const LearningSchema = typed<T.LearningFigures>()(
  z.object({ enrolments: CountSchema, completions: CountSchema, householdCompletions: CountSchema, completionRate: z.number().nullable(), learningHours: z.number() }),
);
const FiguresSchema = typed<T.ReportFigures>()(
  z.object({
    coverage: z.object({ stations: z.number().int(), stationsHeld: z.number().int(), rate: z.number().nullable(), target: z.number(), meetsTarget: z.boolean() }),
    participation: z.object({ familiesReached: CountSchema, parentsOnline: CountSchema, parentsAttended: CountSchema }).nullable(),
    learning: LearningSchema.nullable(),
    sessions: z.object({
      sessions: z.number().int(), mentalHealthSessions: z.number().int(), held: z.number().int(), mentalHealthHeld: z.number().int(),
      signups: CountSchema, attended: CountSchema, noShowRate: z.number().nullable(),
    }),
  }),
);
const ClosureSchema = typed<T.ReportClosure>()(
  z.object({
    id: z.string(), regionId: z.string(), period: PeriodSchema, closedAt: iso, closedBy: z.string(), sha256: z.string(),
    restatements: z.array(z.object({ unit: z.string(), figure: z.string(), closed: z.string(), now: z.string() })),
  }),
);

export const ReportQuerySchema = typed<T.ReportQuery>()(
  z.object({ unitId: uuid.optional().describe('地区、学校或站点编号；不填为本人所在地区'), period: periodText.optional() }),
);

export const ReportExportQuerySchema = typed<T.ReportExportQuery>()(
  z.object({
    unitId: uuid.optional().describe('地区、学校或站点编号；不填为本人所在地区'), period: periodText.optional(),
    format: z.enum(['csv', 'xlsx'], { message: '导出格式须为 csv 或 xlsx' }).describe('csv 或 xlsx'),
  }),
);

export const ReportDashboardSchema = typed<T.ReportDashboardOutput>()(
  z.object({
    unit: UnitSchema, breadcrumbs: z.array(UnitSchema), period: PeriodSchema, figures: FiguresSchema,
    learningCells: z.array(LearningSchema.extend({ module: ModuleSchema, stage: StageSchema })),
    children: z.array(z.object({ unit: UnitSchema, figures: FiguresSchema })),
    atRisk: z.array(z.object({ id: z.string(), name: z.string(), kind: StationKindSchema, regionId: z.string(), regionName: z.string() })),
    atRiskTotal: z.number().int(),
    trend: z.array(z.object({
      month: z.string(), familiesReached: CountSchema, parentsOnline: CountSchema, parentsAttended: CountSchema, enrolments: CountSchema,
      completions: CountSchema, attended: CountSchema, stationsHeldToDate: z.number().int(), stationsToDate: z.number().int(), learningHours: z.number(),
    })),
    closure: ClosureSchema.nullable(),
    generatedAt: iso,
  }),
);

export const ReportCloseSchema = typed<T.ReportCloseInput>()(z.object({ regionId: uuid, period: periodText }));
export const ReportClosureOutputSchema = ClosureSchema;
export const ReportClosureListQuerySchema = typed<T.ReportClosureListQuery>()(z.object({ regionId: uuid.optional() }));
export const ReportClosureListSchema = typed<T.ReportClosureListOutput>()(z.object({ closures: z.array(ClosureSchema) }));
export const ReportScopeSchema = typed<T.ReportScopeOutput>()(z.object({ regions: z.array(UnitSchema) }));
