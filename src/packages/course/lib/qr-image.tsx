/**
 * A QR code as one SVG image (a data URI for <Image>): a single element that renders alike in the mini-program's image
 * component and on H5, instead of a canvas (asynchronous, drawn per platform) or a view per module (a thousand nodes).
 */
import { Image } from '@tarojs/components';
import qrcode from 'qrcode-generator';
import { useMemo } from 'react';

/** The modules of the QR code of a text (error correction M), true for dark, row by row. */
export function qrMatrix(text: string): boolean[][] {
  const qr = qrcode(0, 'M');
  qr.addData(text);
  qr.make();
  const n = qr.getModuleCount();
  return Array.from({ length: n }, (_, r) => Array.from({ length: n }, (_, c) => qr.isDark(r, c)));
}

/** The quiet zone around the code, in modules (the standard asks for 4). */
export const QUIET_MODULES = 4;

/** SVG markup of a module matrix: one unit per module, a white quiet zone, each run of dark modules in a row one rectangle of the path. */
export function qrSvg(matrix: boolean[][], pixelsPerModule = 8): string {
  const n = matrix.length + QUIET_MODULES * 2;
  const runs: string[] = [];
  matrix.forEach((row, r) => {
    let c = 0;
    while (c < row.length) {
      if (!row[c]) {
        c++;
        continue;
      }
      const from = c;
      while (c < row.length && row[c]) c++;
      runs.push(`M${from + QUIET_MODULES} ${r + QUIET_MODULES}h${c - from}v1h-${c - from}z`);
    }
  });
  const side = n * pixelsPerModule;
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${n} ${n}" width="${side}" height="${side}" shape-rendering="crispEdges"><rect width="${n}" height="${n}" fill="#fff"/><path fill="#000" d="${runs.join('')}"/></svg>`;
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Base64 of an ASCII text (the mini-program has no btoa). */
export function asciiBase64(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i += 3) {
    const a = text.charCodeAt(i);
    const b = i + 1 < text.length ? text.charCodeAt(i + 1) : -1;
    const c = i + 2 < text.length ? text.charCodeAt(i + 2) : -1;
    out += BASE64[a >> 2] + BASE64[((a & 3) << 4) | (b < 0 ? 0 : b >> 4)];
    out += b < 0 ? '=' : BASE64[((b & 15) << 2) | (c < 0 ? 0 : c >> 6)];
    out += c < 0 ? '=' : BASE64[c & 63];
  }
  return out;
}

/** The QR code of a text as an image data URI (base64 SVG, which the mini-program's image component and browsers both load). */
export function qrDataUri(text: string): string {
  return `data:image/svg+xml;base64,${asciiBase64(qrSvg(qrMatrix(text)))}`;
}

/** The QR code of a text as an image; its className sets the (square) size. */
export function QrImage({ text, label, className }: { text: string; label: string; className: string }) {
  const src = useMemo(() => qrDataUri(text), [text]);
  return <Image className={className} src={src} mode='aspectFit' ariaLabel={label} />;
}
