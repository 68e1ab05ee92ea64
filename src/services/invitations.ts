/** Staff invitations: created by an admin, redeemed by the invited staff member. */
import type { CreateInvitationInput, CreateInvitationOutput, InvitationListOutput, RedeemInvitationInput } from '../../types';
import { request, withoutData, type ApiResult } from './request';

/** Creates an invitation; the answer carries the code, shown only this once (key: the form's idempotency key). */
export function createInvitation(input: CreateInvitationInput, key: string): Promise<ApiResult<CreateInvitationOutput>> {
  return request<CreateInvitationOutput>('/api/invitations', { method: 'POST', body: input, idempotencyKey: key });
}

/** The invitations the admin has created. */
export function listInvitations(): Promise<ApiResult<InvitationListOutput>> {
  return request<InvitationListOutput>('/api/invitations');
}

/** Redeems an invitation code: the current user receives the role it grants. */
export async function redeemInvitation(code: string, key: string): Promise<ApiResult<null>> {
  const body: RedeemInvitationInput = { code: code.trim() };
  return withoutData(await request<unknown>('/api/invitations/redeem', { method: 'POST', body, idempotencyKey: key }));
}
