/** The nearest help hotline for the viewer (every safety card reads it; kept apart from the console calls so the main package stays small). */
import type { HotlineOutput } from '../../types';
import { HELP_HOTLINE } from '../shared/labels';
import { request, type ApiResult } from './request';
import { getToken } from './session';

/** The national line, shown until (or unless) the server names a nearer one. */
export const NATIONAL_HOTLINE_VIEW: HotlineOutput = {
  hotlines: [{ number: HELP_HOTLINE.number, label: HELP_HOTLINE.name, hours: '24小时', regionId: null, regionName: null }],
  national: { number: HELP_HOTLINE.number, label: HELP_HOTLINE.name, hours: '24小时', regionId: null, regionName: null },
};

/** How long the nearest hotline is reused before asking again (every safety card on every page reads it). */
const CACHE_MS = 5 * 60_000;
let cached: { token: string | null; at: number; data: HotlineOutput } | null = null;

/** The last nearest-hotline answer for the current session, if fresh (so a card shows it at once). */
export function cachedHotline(): HotlineOutput | null {
  return cached && cached.token === getToken() && Date.now() - cached.at < CACHE_MS ? cached.data : null;
}

/** The nearest help hotlines for the viewer (a parent: by their children's schools; a guest: 12356). */
export async function nearestHotline(): Promise<ApiResult<HotlineOutput>> {
  const fresh = cachedHotline();
  if (fresh) return { ok: true, data: fresh };
  const token = getToken();
  const result = await request<HotlineOutput>('/api/hotline');
  if (result.ok) cached = { token, at: Date.now(), data: result.data };
  return result;
}

/** Forgets the cached hotline (after a region's setting changed). */
export function forgetHotline(): void {
  cached = null;
}
