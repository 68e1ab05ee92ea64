/** The registry: regions, schools, stations (read by any user; written by administrators). */
import { route } from '../http/route';
import {
  CreateRegionSchema, CreateSchoolSchema, CreateStationSchema, IdParams, ParentQuery, RegionDetailSchema, RegionListSchema, RegionQuery,
  RegionSchema, SchoolContactOutputSchema, SchoolListSchema, SchoolSchema, SetSchoolContactSchema, StationListSchema, StationSchema,
} from '../http/schemas';
import { RegistryAuditQuery, RegistryAuditSchema, SetOpenDatesSchema } from '../http/registry-schemas';
import { UpdateRegionSchema, UpdateSchoolSchema, UpdateStationSchema } from '../http/import-schemas';

/** Routes under /api/regions, /api/schools, /api/stations and /api/admin. */
export const registryRoutes = [
  route({
    method: 'get', path: '/api/regions', tag: '名录', access: 'user',
    summary: '地区列表（省级，或某地区的下级），含下属学校和站点数量',
    query: ParentQuery, response: RegionListSchema, errors: ['NOT_FOUND'],
    handler: async ({ query, services }) => ({ regions: await services.registry.listRegions(query.parentId) }),
  }),
  route({
    method: 'get', path: '/api/regions/{id}', tag: '名录', access: 'user',
    summary: '地区详情：上级路径、下级地区、学校、站点',
    params: IdParams, response: RegionDetailSchema, errors: ['NOT_FOUND'],
    handler: ({ params, services }) => services.registry.getRegion(params.id),
  }),
  route({
    method: 'get', path: '/api/schools', tag: '名录', access: 'user',
    summary: '某地区（含下级地区）的学校',
    query: RegionQuery, response: SchoolListSchema, errors: ['NOT_FOUND'],
    handler: async ({ query, services }) => ({ schools: await services.registry.listSchools(query.regionId) }),
  }),
  route({
    method: 'get', path: '/api/stations', tag: '名录', access: 'user',
    summary: '某地区（含下级地区）的家长学校与家庭教育指导服务站点',
    query: RegionQuery, response: StationListSchema, errors: ['NOT_FOUND'],
    handler: async ({ query, services }) => ({ stations: await services.registry.listStations(query.regionId) }),
  }),
  route({
    method: 'post', path: '/api/admin/regions', tag: '名录管理', access: 'user', status: 201, idempotent: true,
    summary: '新增地区（平台管理员）',
    body: CreateRegionSchema, response: RegionSchema, errors: ['FORBIDDEN', 'NOT_FOUND', 'CONFLICT'],
    handler: ({ body, services }) => services.registry.createRegion(body),
  }),
  route({
    method: 'post', path: '/api/admin/schools', tag: '名录管理', access: 'user', status: 201, idempotent: true,
    summary: '新增学校（平台管理员）',
    body: CreateSchoolSchema, response: SchoolSchema, errors: ['FORBIDDEN', 'NOT_FOUND', 'CONFLICT'],
    handler: ({ body, services }) => services.registry.createSchool(body),
  }),
  route({
    method: 'put', path: '/api/admin/regions/{id}', tag: '名录管理', access: 'user',
    summary: '修改地区名称（平台管理员；记入名录审计）',
    params: IdParams, body: UpdateRegionSchema, response: RegionSchema, errors: ['FORBIDDEN', 'NOT_FOUND'],
    handler: ({ params, body, services }) => services.registry.updateRegion(params.id, body),
  }),
  route({
    method: 'put', path: '/api/admin/schools/{id}', tag: '名录管理', access: 'user',
    summary: '修改学校名称和学段（平台管理员；记入名录审计）',
    params: IdParams, body: UpdateSchoolSchema, response: SchoolSchema, errors: ['FORBIDDEN', 'NOT_FOUND', 'CONFLICT'],
    handler: ({ params, body, services }) => services.registry.updateSchool(params.id, body),
  }),
  route({
    method: 'put', path: '/api/admin/stations/{id}', tag: '名录管理', access: 'user',
    summary: '修改站点名称、类型和地址（平台管理员；记入名录审计）',
    params: IdParams, body: UpdateStationSchema, response: StationSchema, errors: ['FORBIDDEN', 'NOT_FOUND', 'CONFLICT'],
    handler: ({ params, body, services }) => services.registry.updateStation(params.id, body),
  }),
  route({
    method: 'put', path: '/api/admin/schools/{id}/psych-contact', tag: '名录管理', access: 'user',
    summary: '设置或清除学校心理教师的联系方式（平台管理员；家长在心理援助、心理异常认知课时的安全卡片上看到孩子学校的联系方式）',
    params: IdParams, body: SetSchoolContactSchema, response: SchoolContactOutputSchema, errors: ['FORBIDDEN', 'NOT_FOUND'],
    handler: ({ params, body, services }) => services.registry.setSchoolContact(params.id, body),
  }),
  route({
    method: 'post', path: '/api/admin/stations', tag: '名录管理', access: 'user', status: 201, idempotent: true,
    summary: '新增家长学校或家庭教育指导服务站点（平台管理员）',
    body: CreateStationSchema, response: StationSchema, errors: ['FORBIDDEN', 'NOT_FOUND', 'CONFLICT'],
    handler: ({ body, services }) => services.registry.createStation(body),
  }),
  route({
    method: 'put', path: '/api/admin/regions/{id}/open-dates', tag: '名录管理', access: 'user',
    summary: '设置地区的开办、停办日期（平台管理员；记入名录审计）。地区下仍有到停办日期未停办的下级地区、学校或站点时不能停办；已停办的地区不能再新增下级',
    params: IdParams, body: SetOpenDatesSchema, response: RegionSchema, errors: ['FORBIDDEN', 'NOT_FOUND', 'CONFLICT'],
    handler: ({ params, body, services }) => services.registry.setRegionDates(params.id, body),
  }),
  route({
    method: 'put', path: '/api/admin/schools/{id}/open-dates', tag: '名录管理', access: 'user',
    summary: '设置学校的开办、停办日期（平台管理员；记入名录审计）',
    params: IdParams, body: SetOpenDatesSchema, response: SchoolSchema, errors: ['FORBIDDEN', 'NOT_FOUND'],
    handler: ({ params, body, services }) => services.registry.setSchoolDates(params.id, body),
  }),
  route({
    method: 'put', path: '/api/admin/stations/{id}/open-dates', tag: '名录管理', access: 'user',
    summary: '设置站点的开办、停办日期（平台管理员；记入名录审计）。站点只在开放期间计入统计期间的覆盖率分母',
    params: IdParams, body: SetOpenDatesSchema, response: StationSchema, errors: ['FORBIDDEN', 'NOT_FOUND'],
    handler: ({ params, body, services }) => services.registry.setStationDates(params.id, body),
  }),
  route({
    method: 'get', path: '/api/admin/registry-audit', tag: '名录管理', access: 'user',
    summary: '名录审计：管理员对学校、站点的修改记录（谁、何时、修改前后），最新在前',
    query: RegistryAuditQuery, response: RegistryAuditSchema, errors: ['FORBIDDEN'],
    handler: ({ query, services }) => services.registry.auditTrail(query.entityId),
  }),
];
