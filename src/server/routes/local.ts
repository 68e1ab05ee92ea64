/** Local help (regional hotlines) and the printable binding sheets of a class. */
import { z } from 'zod';
import { download } from '../http/download';
import { route } from '../http/route';
import { IdParams } from '../http/schemas';
import { HotlineOutputSchema, RegionHotlineSchema, SetHotlineSchema, SheetClassListSchema, SheetQuery } from '../http/local-schemas';

const TAG = '心理援助热线';

/** Routes of the hotlines and the binding sheets. */
export const localRoutes = [
  route({
    method: 'get', path: '/api/hotline', tag: TAG, access: 'optional',
    summary: '就近的心理援助热线：家长按孩子学校所在地区（每个不同的号码一条），教职工按本校、站点或本地区，访客为全国热线 12356',
    response: HotlineOutputSchema,
    handler: ({ services }) => services.hotlines().forViewer(),
  }),
  route({
    method: 'get', path: '/api/admin/regions/{id}/hotline', tag: TAG, access: 'user',
    summary: '地区的心理援助热线设置、当前生效的热线与修改记录（平台管理员；本地区及上级地区的妇联工作人员）',
    params: IdParams, response: RegionHotlineSchema, errors: ['FORBIDDEN', 'NOT_FOUND'],
    handler: ({ params, services }) => services.hotlines().get(params.id),
  }),
  route({
    method: 'put', path: '/api/admin/regions/{id}/hotline', tag: TAG, access: 'user',
    summary: '设置地区的心理援助热线（下级地区未设置时沿用；记入修改记录）',
    params: IdParams, body: SetHotlineSchema, response: RegionHotlineSchema, errors: ['FORBIDDEN', 'NOT_FOUND'],
    handler: ({ params, body, services }) => services.hotlines().set(params.id, body),
  }),
  route({
    method: 'delete', path: '/api/admin/regions/{id}/hotline', tag: TAG, access: 'user',
    summary: '清除地区自己的热线设置，改为沿用上级地区（或全国热线 12356）；记入修改记录',
    params: IdParams, response: RegionHotlineSchema, errors: ['FORBIDDEN', 'NOT_FOUND'],
    handler: ({ params, services }) => services.hotlines().set(params.id, null),
  }),
  route({
    method: 'get', path: '/api/schools/{id}/binding-sheets/classes', tag: '学校教职工', access: 'user',
    summary: '可打印家长绑定单的班级（年级 + 班级）及人数',
    params: IdParams, response: SheetClassListSchema, errors: ['NOT_FOUND'],
    handler: ({ params, services }) => services.bindingSheets().classes(params.id),
  }),
  route({
    method: 'get', path: '/api/schools/{id}/binding-sheets', tag: '学校教职工', access: 'user',
    summary: '下载一个班级的家长绑定单（PDF，每个待绑定的监护人一页：绑定码、绑定链接二维码、说明）',
    description: '只有本校教职工可以下载。每页对应一个未使用、未过期的绑定码；打印过的绑定码加密保存，重新打印显示同一个码（有效期 30 天）；'
      + '在“学生”页生成、只显示过一次的绑定码无法再显示，打印时作废并换成新码（同一关系与登记手机号）。未登记手机号时（不核对手机号的环境）'
      + '为还没有监护人、也没有绑定码的学生生成一个新码。生成与作废都记入审计链。',
    params: IdParams, query: SheetQuery, response: z.string().describe('application/pdf'), errors: ['NOT_FOUND', 'PRINT_FONT_MISSING'],
    handler: async ({ params, query, services, c }) => {
      const sheets = await services.bindingSheets().pdf(params.id, query.grade, query.className, c.req.url);
      return download(sheets.pdf, 'application/pdf', sheets.filename);
    },
  }),
];
