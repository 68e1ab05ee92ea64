/**
 * The app's own icons (src/components/icon) are NutUI's outlines with coordinates rounded to 0.1 and sent as text data
 * URIs. Chromium draws each next to NutUI's original at 96 px, and the two must match pixel for pixel within a
 * small tolerance: a rounding that bent an outline, or a glyph under the wrong name, fails here.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { launchBrowser, phonePage } from '../helpers/browser';

const ICON_DIR = path.resolve(__dirname, '..', '..', 'src', 'components', 'icon');
const NUTUI_DIR = path.resolve(__dirname, '..', '..', 'node_modules', '@nutui', 'icons-react-taro', 'dist', 'es', 'icons');

/** Each glyph of a module of ours: its name and the data URI the app builds (the same escaping as glyph.tsx). */
function ourGlyphs(file: string): { name: string; uri: string }[] {
  const text = fs.readFileSync(path.join(ICON_DIR, file), 'utf8');
  return [...text.matchAll(/glyph\('(\w+)', (\[[^\]]*\])\)/g)].map((m) => {
    const paths = JSON.parse((m[2] as string).replace(/'/g, '"')) as string[];
    const svg = `<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 1024 1024'>${paths.map((d) => `<path d='${d}'/>`).join('')}</svg>`;
    return { name: m[1] as string, uri: `data:image/svg+xml,${svg.replace(/[%#<>"]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`)}` };
  });
}

/** NutUI's own data URI for a glyph. */
function nutuiUri(name: string): string {
  const source = fs.readFileSync(path.join(NUTUI_DIR, `${name}.js`), 'utf8');
  const m = /svg64: "(data:image\/svg\+xml;base64,[^"]+)"/.exec(source);
  if (!m) throw new Error(`no svg64 in NutUI's ${name}`);
  return m[1] as string;
}

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

test('every icon of ours draws like the NutUI icon of the same name (masked at 96 px, ≤ 1.5 % of pixels differ)', async () => {
  const glyphs = [...ourGlyphs('index.ts'), ...ourGlyphs('more.ts')];
  expect(glyphs.length).toBeGreaterThanOrEqual(30);
  const page = await phonePage(browser, []);
  const results = await page.evaluate(
    async (pairs) => {
      const draw = async (uri: string): Promise<Uint8ClampedArray> => {
        const img = new Image();
        img.src = uri;
        await img.decode();
        const canvas = document.createElement('canvas');
        canvas.width = 96;
        canvas.height = 96;
        const ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
        ctx.drawImage(img, 0, 0, 96, 96);
        return ctx.getImageData(0, 0, 96, 96).data;
      };
      const out: { name: string; inked: number; differ: number }[] = [];
      for (const p of pairs) {
        const [a, b] = [await draw(p.ours), await draw(p.nutui)];
        let inked = 0;
        let differ = 0;
        for (let i = 3; i < a.length; i += 4) {
          const [x, y] = [a[i] as number, b[i] as number];
          if (y > 127) inked++;
          if (Math.abs(x - y) > 96) differ++;
        }
        out.push({ name: p.name, inked, differ });
      }
      return out;
    },
    [...glyphs.map((g) => ({ name: g.name, ours: g.uri, nutui: nutuiUri(g.name) })), { name: 'control', ours: (glyphs.find((g) => g.name === 'ArrowRight') as { uri: string }).uri, nutui: nutuiUri('ArrowLeft') }],
  );
  await page.context().close();
  const bad = results.filter((r) => r.inked < 50 || r.differ > 96 * 96 * 0.015).map((r) => `${r.name}: ${r.differ} px differ, ${r.inked} px inked`);
  const worst = results.filter((r) => r.name !== 'control').sort((a, b) => b.differ - a.differ)[0];
  const control = results.find((r) => r.name === 'control');
  process.stdout.write(`icons: ${results.length - 1} compared; most differing ${worst?.name} ${worst?.differ} of 9216 px; control ${control?.differ} px\n`);
  // The control (our 向右 arrow against NutUI's 向左) shows the comparison can tell two glyphs apart.
  expect(bad.filter((b) => !b.startsWith('control:'))).toEqual([]);
  expect(bad.some((b) => b.startsWith('control:'))).toBe(true);
});
