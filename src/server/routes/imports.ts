/** Bulk import of the registry and of a school's pupils: templates, the dry run and the import. */
import { download } from '../http/download';
import { route } from '../http/route';
import { IMPORT_MAX_BODY_BYTES, ImportCommitSchema, ImportInputSchema, ImportKindParams, ImportPreviewSchema } from '../http/import-schemas';
import { template, templateName } from '../domain/imports/columns';
import { z } from 'zod';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Routes under /api/imports. */
export const importRoutes = [
  route({
    method: 'get', path: '/api/imports/templates/{kind}', tag: '批量导入', access: 'public',
    summary: '下载导入模板（.xlsx：第 1 行中文表头、第 2 行示例，另有填写说明工作表）',
    params: ImportKindParams, response: z.string().describe('xlsx 文件'),
    handler: async ({ params }) => download(await template(params.kind), XLSX, templateName(params.kind)),
  }),
  route({
    method: 'post', path: '/api/imports/preview', tag: '批量导入', access: 'user', maxBodyBytes: IMPORT_MAX_BODY_BYTES,
    summary: '检查导入文件（不写入任何数据）：逐行给出新增 / 修改 / 不变 / 错误（含单元格位置和原因），有错误的行排在前面',
    description: '地区、学校、站点：平台管理员，或妇联工作人员（本地区及下级）。学生名单：本校学校领导或心理教师。文件不超过 3 MB、10,000 行；CSV 可为 UTF-8（可带 BOM）或 GBK。',
    body: ImportInputSchema, response: ImportPreviewSchema, errors: ['FORBIDDEN', 'NOT_FOUND'],
    handler: ({ body, services }) => services.imports().preview(body),
  }),
  route({
    method: 'post', path: '/api/imports', tag: '批量导入', access: 'user', status: 201, idempotent: true, maxBodyBytes: IMPORT_MAX_BODY_BYTES,
    summary: '确认导入：在一个事务中写入全部行；任何一行有错误则整个文件不导入。同一文件再次导入时所有行均为“不变”',
    body: ImportInputSchema, response: ImportCommitSchema, errors: ['FORBIDDEN', 'NOT_FOUND'],
    handler: ({ body, services }) => services.imports().commit(body),
  }),
];
