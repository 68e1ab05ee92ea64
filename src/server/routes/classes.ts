/** Classes of a school and their 班主任 (a 班主任 sees only the pupils of the classes assigned to them). */
import { route } from '../http/route';
import { EmptyBody as empty, IdParams } from '../http/schemas';
import { ClassInputSchema, ClassOutputSchema, ClassTeacherParams, SchoolClassesSchema } from '../http/class-schemas';

const TAG = '学校教职工';

/** Routes under /api/schools/{id}/classes and /api/classes. */
export const classRoutes = [
  route({
    method: 'get', path: '/api/schools/{id}/classes', tag: TAG, access: 'user',
    summary: '本校班级及班主任（班主任只看到自己负责的班级）',
    params: IdParams, response: SchoolClassesSchema, errors: ['NOT_FOUND'],
    handler: ({ params, services }) => services.classes().list(params.id),
  }),
  route({
    method: 'post', path: '/api/schools/{id}/classes', tag: TAG, access: 'user', status: 201, idempotent: true,
    summary: '新建班级（学校领导、心理教师、平台管理员；记入名录审计）',
    params: IdParams, body: ClassInputSchema, response: ClassOutputSchema, errors: ['NOT_FOUND', 'FORBIDDEN', 'CONFLICT'],
    handler: ({ params, body, services }) => services.classes().create(params.id, body),
  }),
  route({
    method: 'post', path: '/api/classes/{id}/close', tag: TAG, access: 'user',
    summary: '撤销班级：其班主任此后看不到该班学生，学生记录保留（记入名录审计）',
    params: IdParams, body: empty, response: ClassOutputSchema, errors: ['NOT_FOUND', 'FORBIDDEN'],
    handler: ({ params, services }) => services.classes().close(params.id),
  }),
  route({
    method: 'put', path: '/api/classes/{id}/head-teachers/{userId}', tag: TAG, access: 'user',
    summary: '指定本校一位班主任负责该班（记入名录审计；重复指定不变）',
    params: ClassTeacherParams, body: empty, response: ClassOutputSchema, errors: ['NOT_FOUND', 'FORBIDDEN', 'CONFLICT'],
    handler: ({ params, services }) => services.classes().assign(params.id, params.userId),
  }),
  route({
    method: 'delete', path: '/api/classes/{id}/head-teachers/{userId}', tag: TAG, access: 'user',
    summary: '取消班主任对该班的负责：此后其看不到该班学生（记入名录审计）',
    params: ClassTeacherParams, response: ClassOutputSchema, errors: ['NOT_FOUND', 'FORBIDDEN'],
    handler: ({ params, services }) => services.classes().unassign(params.id, params.userId),
  }),
];
