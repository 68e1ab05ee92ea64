/** The registry of regions, schools and stations. */
import type {
  CreateRegionInput, CreateSchoolInput, CreateStationInput, Region, RegionDetailOutput, RegionListOutput, School, SchoolListOutput, SetOpenDatesInput, Station,
  StationListOutput, UpdateRegionInput, UpdateSchoolInput, UpdateStationInput,
} from '../../types';
import { request, type ApiResult } from './request';

/** Regions under a parent region, or the provinces when no parent is given. */
export function listRegions(parentId?: string): Promise<ApiResult<RegionListOutput>> {
  return request<RegionListOutput>('/api/regions', { query: { parentId } });
}

/** One region with its path, child regions, schools and stations. */
export function getRegion(id: string): Promise<ApiResult<RegionDetailOutput>> {
  return request<RegionDetailOutput>(`/api/regions/${encodeURIComponent(id)}`);
}

/** The schools of a region and of every region under it. */
export function listSchools(regionId: string): Promise<ApiResult<SchoolListOutput>> {
  return request<SchoolListOutput>('/api/schools', { query: { regionId } });
}

/** The stations (家长学校 / 家庭教育指导服务站点) of a region and of every region under it. */
export function listStations(regionId: string): Promise<ApiResult<StationListOutput>> {
  return request<StationListOutput>('/api/stations', { query: { regionId } });
}

/** Sets a region's open / close dates (administrators; audited): refused while anything under it is open at the close date. */
export function setRegionDates(id: string, input: SetOpenDatesInput): Promise<ApiResult<Region>> {
  return request<Region>(`/api/admin/regions/${encodeURIComponent(id)}/open-dates`, { method: 'PUT', body: input });
}

/** Sets a school's open / close dates (administrators; audited). */
export function setSchoolDates(id: string, input: SetOpenDatesInput): Promise<ApiResult<School>> {
  return request<School>(`/api/admin/schools/${encodeURIComponent(id)}/open-dates`, { method: 'PUT', body: input });
}

/** Sets a station's open / close dates (administrators; audited): a station counts in a period's coverage only while open. */
export function setStationDates(id: string, input: SetOpenDatesInput): Promise<ApiResult<Station>> {
  return request<Station>(`/api/admin/stations/${encodeURIComponent(id)}/open-dates`, { method: 'PUT', body: input });
}

/** Adds a region (administrators). */
export function createRegion(input: CreateRegionInput, key: string): Promise<ApiResult<Region>> {
  return request<Region>('/api/admin/regions', { method: 'POST', body: input, idempotencyKey: key });
}

/** Adds a school (administrators). */
export function createSchool(input: CreateSchoolInput, key: string): Promise<ApiResult<School>> {
  return request<School>('/api/admin/schools', { method: 'POST', body: input, idempotencyKey: key });
}

/** Adds a station (administrators). */
export function createStation(input: CreateStationInput, key: string): Promise<ApiResult<Station>> {
  return request<Station>('/api/admin/stations', { method: 'POST', body: input, idempotencyKey: key });
}

/** Renames a region (administrators; audited). */
export function updateRegion(id: string, input: UpdateRegionInput): Promise<ApiResult<Region>> {
  return request<Region>(`/api/admin/regions/${encodeURIComponent(id)}`, { method: 'PUT', body: input });
}

/** Edits a school's name and stages (administrators; audited). */
export function updateSchool(id: string, input: UpdateSchoolInput): Promise<ApiResult<School>> {
  return request<School>(`/api/admin/schools/${encodeURIComponent(id)}`, { method: 'PUT', body: input });
}

/** Edits a station's name, kind and address (administrators; audited). */
export function updateStation(id: string, input: UpdateStationInput): Promise<ApiResult<Station>> {
  return request<Station>(`/api/admin/stations/${encodeURIComponent(id)}`, { method: 'PUT', body: input });
}
