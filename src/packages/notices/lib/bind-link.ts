/** The binding code a printed sheet's QR link carries into the bind page. */

function decoded(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/**
 * The binding code the bind page was opened with: `code` in its query (the H5 link on a printed sheet), or the scanned
 * link itself in `q`, as WeChat passes it when a 普通链接二维码 rule opens the mini-program page. '' when there is none.
 */
export function bindCodeFromQuery(params: Partial<Record<string, string>>): string {
  const raw = params.code ? decoded(params.code) : params.q ? (/[?&]code=([^&#]+)/.exec(decoded(params.q))?.[1] ?? '') : '';
  const code = decoded(raw).trim().toUpperCase();
  return /^[A-Z0-9-]{4,20}$/.test(code) ? code : '';
}
