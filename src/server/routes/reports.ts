/** 妇联 reporting: dashboard with drill-down, at-risk stations and trend; CSV and .xlsx export; period closes. */
import { z } from 'zod';
import { download } from '../http/download';
import { route } from '../http/route';
import {
  ReportClosureListQuerySchema, ReportClosureListSchema, ReportClosureOutputSchema, ReportCloseSchema, ReportDashboardSchema, ReportExportQuerySchema,
  ReportQuerySchema, ReportScopeSchema,
} from '../http/report-schemas';
import { exportFilename, reportCsv, reportXlsx } from '../domain/reports/export';

const TAG = '妇联统计';

/** Routes of the reporting part. */
export const reportRoutes = [
  route({
    method: 'get', path: '/api/reports/scope', tag: TAG, access: 'user',
    summary: '我可以查看的地区（妇联工作人员：本人所在地区；管理员：各省）',
    response: ReportScopeSchema, errors: ['REPORTS_FORBIDDEN'],
    handler: ({ services }) => services.reports().scope(),
  }),
  route({
    method: 'get', path: '/api/reports/dashboard', tag: TAG, access: 'user',
    summary: '统计看板：站点覆盖率（60% 目标）、覆盖家庭、线上学习与活动参与、课程（模块×学段）、报名与签到；下级单位、尚未开展的站点、月度趋势',
    description: '只读汇总表，不读取原始记录；少于 5 的人数显示为“<5”。地区不存在或不在管辖范围内时返回 NOT_FOUND。',
    query: ReportQuerySchema, response: ReportDashboardSchema, errors: ['REPORTS_FORBIDDEN', 'NOT_FOUND'],
    handler: ({ query, services }) => services.reports().dashboard(query),
  }),
  route({
    method: 'get', path: '/api/reports/export', tag: TAG, access: 'user',
    summary: '导出统计（CSV 或 Excel .xlsx）：汇总与下级单位、课程、月度趋势、尚未开展的站点（全部）',
    query: ReportExportQuerySchema, response: z.string().describe('text/csv 或 .xlsx 文件'), errors: ['REPORTS_FORBIDDEN', 'NOT_FOUND'],
    handler: async ({ query, services }) => {
      const data = await services.reports().data(query);
      return query.format === 'csv'
        ? download(reportCsv(data), 'text/csv; charset=utf-8', exportFilename(data, 'csv'))
        : download(reportXlsx(data), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', exportFilename(data, 'xlsx'));
    },
  }),
  route({
    method: 'get', path: '/api/reports/closures', tag: TAG, access: 'user',
    summary: '地区已关账的统计期间，以及关账后数据变动（更正）清单',
    query: ReportClosureListQuerySchema, response: ReportClosureListSchema, errors: ['REPORTS_FORBIDDEN', 'NOT_FOUND'],
    handler: ({ query, services }) => services.reports().closures(query.regionId),
  }),
  route({
    method: 'post', path: '/api/reports/closures', tag: TAG, access: 'user', status: 201, idempotent: true,
    summary: '关账：冻结地区某一已结束统计期间的数据（含 SHA-256 摘要）',
    body: ReportCloseSchema, response: ReportClosureOutputSchema, errors: ['REPORTS_FORBIDDEN', 'NOT_FOUND', 'PERIOD_ALREADY_CLOSED'],
    handler: ({ body, services }) => services.reports().close(body),
  }),
];
