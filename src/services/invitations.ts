/** Staff invitations: created by an admin, redeemed by the invited staff member. */
import type { CreateInvitationInput, CreateInvitationOutput, InvitationListOutput, RedeemInvitationInput } from '../../types';
import { request, withoutData, type ApiResult } from './request';

/** Creates an invitation; the answer carries the code, shown only this once. */
export function createInvitation(input: CreateInvitationInput): Promise<ApiResult<CreateInvitationOutput>> {
  return request<CreateInvitationOutput>('/api/invitations', { method: 'POST', body: input });
}

/** The invitations the admin has created. */
export function listInvitations(): Promise<ApiResult<InvitationListOutput>> {
  return request<InvitationListOutput>('/api/invitations');
}

/** Redeems an invitation code: the current user receives the role it grants. */
export async function redeemInvitation(code: string): Promise<ApiResult<null>> {
  const body: RedeemInvitationInput = { code: code.trim() };
  return withoutData(await request<unknown>('/api/invitations/redeem', { method: 'POST', body }));
}
