/** Health of the system. */
import { route } from '../http/route';
import { HealthSchema } from '../http/schemas';

/** Routes of the system itself. */
export const systemRoutes = [
  route({
    method: 'get', path: '/api/health', tag: '系统', access: 'public',
    summary: '健康检查：数据库可用且迁移已完成时返回 ok',
    response: HealthSchema,
    handler: ({ services }) => services.system.health(),
  }),
];
