/** File answers of the API (sign-in sheets, evidence, report exports). */

/** A file download answer with a UTF-8 file name, never cached and never sniffed. */
export function download(content: Buffer | string, mime: string, filename: string): Response {
  const body = typeof content === 'string' ? content : (content.buffer.slice(content.byteOffset, content.byteOffset + content.byteLength) as ArrayBuffer);
  return new Response(body, {
    headers: {
      'content-type': mime,
      'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(filename)}`,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    },
  });
}
