/** The privacy guide (隐私保护指引). */
import type { PrivacyGuideOutput } from '../../types';
import { request, type ApiResult } from './request';

/** The current privacy guide, public. */
export function getPrivacyGuide(): Promise<ApiResult<PrivacyGuideOutput>> {
  return request<PrivacyGuideOutput>('/api/privacy');
}
