/** Login (WeChat code2Session or the development login) and logout. */
import { route } from '../http/route';
import { DevIdentitiesSchema, DevLoginInputSchema, LoginInputSchema, LoginOutputSchema, OkSchema } from '../http/schemas';

/** Routes under /api/auth. */
export const authRoutes = [
  route({
    method: 'post', path: '/api/auth/login', tag: '登录', access: 'public',
    summary: '微信登录：用 wx.login 的 code 换取会话令牌',
    description: '服务端调用微信 code2Session 获取 openid；session_key 只保存在服务端。首次登录自动创建账号。',
    body: LoginInputSchema, response: LoginOutputSchema, errors: ['WECHAT_LOGIN_FAILED', 'WECHAT_UNAVAILABLE', 'TOO_MANY_ATTEMPTS'],
    handler: async ({ body, services }) => {
      await services.limits.login();
      return services.identity.loginWithWeChat(body.code);
    },
  }),
  route({
    method: 'get', path: '/api/auth/dev-identities', tag: '登录', access: 'public',
    summary: '开发登录可选的演示身份（仅在显式开启开发登录时可用）',
    response: DevIdentitiesSchema, errors: ['DEV_LOGIN_DISABLED'],
    handler: async ({ services }) => ({ identities: await services.identity.devIdentities() }),
  }),
  route({
    method: 'post', path: '/api/auth/dev-login', tag: '登录', access: 'public',
    summary: '开发登录：以演示身份登录（生产环境不可用）',
    body: DevLoginInputSchema, response: LoginOutputSchema, errors: ['DEV_LOGIN_DISABLED', 'NOT_FOUND', 'TOO_MANY_ATTEMPTS'],
    handler: async ({ body, services }) => {
      await services.limits.login();
      return services.identity.devLogin(body.identity);
    },
  }),
  route({
    method: 'post', path: '/api/auth/logout', tag: '登录', access: 'user',
    summary: '退出登录：当前令牌立即失效',
    response: OkSchema,
    handler: async ({ caller, services }) => {
      await services.identity.logout(caller);
      return { ok: true as const };
    },
  }),
];
