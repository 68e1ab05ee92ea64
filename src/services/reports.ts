/** 妇联 reporting (part 4): typed calls of the dashboard, period closes and exports. */
import type {
  ReportClosure, ReportClosureListOutput, ReportDashboardOutput, ReportExportQuery, ReportQuery, ReportScopeOutput,
} from '../../types';
import { downloadFile } from './events';
import { queryString, request, type ApiResult } from './request';

/** The regions the caller may report on. */
export function getReportScope(): Promise<ApiResult<ReportScopeOutput>> {
  return request<ReportScopeOutput>('/api/reports/scope');
}

/** The dashboard of a unit (the caller's region when absent) for a period (the current year when absent). */
export function getReportDashboard(query: ReportQuery = {}): Promise<ApiResult<ReportDashboardOutput>> {
  return request<ReportDashboardOutput>('/api/reports/dashboard', { query: { unitId: query.unitId, period: query.period } });
}

/** The API path of an export (CSV or .xlsx) of a unit and period. */
export function reportExportPath(query: ReportExportQuery): string {
  return `/api/reports/export${queryString({ unitId: query.unitId, period: query.period, format: query.format })}`;
}

/** Downloads the export: a browser download on H5, WeChat's document viewer on the mini-program. */
export function downloadReport(query: ReportExportQuery, filename: string): Promise<ApiResult<null>> {
  return downloadFile(reportExportPath(query), filename);
}

/** The closed periods of a region, each with its restatements. */
export function listReportClosures(regionId?: string): Promise<ApiResult<ReportClosureListOutput>> {
  return request<ReportClosureListOutput>('/api/reports/closures', { query: { regionId } });
}

/** Closes a region's ended period: its figures are frozen with a SHA-256 (key: the form's idempotency key). */
export function closeReportPeriod(regionId: string, period: string, key: string): Promise<ApiResult<ReportClosure>> {
  return request<ReportClosure>('/api/reports/closures', { method: 'POST', body: { regionId, period }, idempotencyKey: key });
}
