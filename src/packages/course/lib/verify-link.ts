/** The link a certificate's QR code carries, and the code a verify page reads from its query. */
import { apiBase } from '../../../services/request';
import { courseRoutes } from './nav';

/**
 * Where the H5 app is served: this page's origin on H5; on the mini-program the backend's (TARO_APP_API_BASE), which
 * serves the H5 build at the same origin.
 */
export function siteOrigin(): string {
  if (process.env.TARO_ENV === 'h5' && typeof window !== 'undefined') return window.location.origin;
  return apiBase();
}

/** The verification link of a certificate code: the H5 verify page (hash router) with the code in its query. */
export function verifyLink(code: string, origin: string = siteOrigin()): string {
  return `${origin}/#${courseRoutes.verify(code)}`;
}

function decoded(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/**
 * The certificate code a verify page was opened with: `code` in its query (the H5 link), or the scanned link itself in
 * `q`, as WeChat passes it when a 普通链接二维码 rule opens the mini-program page. '' when there is none.
 */
export function codeFromQuery(params: Partial<Record<string, string>>): string {
  if (params.code) return decoded(params.code).trim();
  if (params.q) {
    const m = /[?&]code=([^&#]+)/.exec(decoded(params.q));
    if (m) return decoded(m[1]).trim();
  }
  return '';
}
