/** Invitation codes that grant staff roles. */
import { route } from '../http/route';
import { CreateInvitationOutputSchema, CreateInvitationSchema, InvitationListSchema, MeSchema, RedeemInvitationSchema } from '../http/schemas';

/** Routes under /api/invitations. */
export const invitationRoutes = [
  route({
    method: 'post', path: '/api/invitations', tag: '邀请', access: 'user', status: 201, idempotent: true,
    summary: '生成邀请码（管理员任意角色；学校领导邀请本校教师；站点管理员邀请本站点人员；妇联邀请本地区及下级地区妇联人员）',
    description: '邀请码只在此次返回中出现一次，服务端只保存其哈希。',
    body: CreateInvitationSchema, response: CreateInvitationOutputSchema, errors: ['FORBIDDEN', 'NOT_FOUND'],
    handler: ({ body, services }) => services.invitations().create(body),
  }),
  route({
    method: 'get', path: '/api/invitations', tag: '邀请', access: 'user',
    summary: '我生成的邀请码（管理员可见全部），不含邀请码本身',
    response: InvitationListSchema,
    handler: async ({ services }) => ({ invitations: await services.invitations().list() }),
  }),
  route({
    method: 'post', path: '/api/invitations/redeem', tag: '邀请', access: 'user', idempotent: true,
    summary: '使用邀请码获得角色（每个邀请码只能使用一次）',
    body: RedeemInvitationSchema, response: MeSchema,
    errors: ['INVITATION_INVALID', 'INVITATION_USED', 'INVITATION_EXPIRED', 'TOO_MANY_ATTEMPTS', 'PRIVACY_CONSENT_REQUIRED', 'CONFLICT'],
    handler: ({ body, services }) => services.invitations().redeem(body.code),
  }),
];
