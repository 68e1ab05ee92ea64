/** The logged-in user: profile, roles, children and privacy agreement. */
import type { MeOutput, PrivacyConsentInput, UpdateProfileInput } from '../../types';
import { request, withoutData, type ApiResult } from './request';

/** Who am I: profile, roles, bound children and privacy state. */
export function getMe(): Promise<ApiResult<MeOutput>> {
  return request<MeOutput>('/api/me');
}

/** Changes the display name. */
export async function updateProfile(input: UpdateProfileInput): Promise<ApiResult<null>> {
  return withoutData(await request<unknown>('/api/me/profile', { method: 'PUT', body: input }));
}

/** Records the user's agreement to a version of the privacy guide. */
export async function agreePrivacy(version: string): Promise<ApiResult<null>> {
  const body: PrivacyConsentInput = { version };
  return withoutData(await request<unknown>('/api/me/privacy-consent', { method: 'POST', body }));
}
