/** The caller's own page: profile, roles, bound children, privacy agreement. */
import { PRIVACY_GUIDE } from '../domain/privacy-guide';
import { route } from '../http/route';
import { MeSchema, PrivacyConsentSchema, PrivacyGuideSchema, UpdateProfileSchema } from '../http/schemas';

/** Routes under /api/me and /api/privacy. */
export const meRoutes = [
  route({
    method: 'get', path: '/api/privacy', tag: '隐私', access: 'public',
    summary: '隐私保护指引全文与当前版本',
    response: PrivacyGuideSchema,
    handler: async () => PRIVACY_GUIDE,
  }),
  route({
    method: 'get', path: '/api/me', tag: '我的', access: 'user',
    summary: '当前用户：称呼、角色、已绑定的孩子、隐私指引同意状态',
    response: MeSchema,
    handler: ({ caller, services }) => services.identity.me(caller.userId),
  }),
  route({
    method: 'put', path: '/api/me/profile', tag: '我的', access: 'user',
    summary: '修改称呼（需已同意隐私保护指引）',
    body: UpdateProfileSchema, response: MeSchema, errors: ['PRIVACY_CONSENT_REQUIRED'],
    handler: ({ body, caller, services }) => services.identity.updateProfile(caller, body.displayName),
  }),
  route({
    method: 'post', path: '/api/me/privacy-consent', tag: '隐私', access: 'user',
    summary: '记录用户同意某一版本的隐私保护指引',
    body: PrivacyConsentSchema, response: MeSchema, errors: ['PRIVACY_VERSION_MISMATCH'],
    handler: ({ body, caller, services }) => services.identity.agreePrivacy(caller, body.version),
  }),
];
