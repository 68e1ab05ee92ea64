// Draws the four tab-bar icons (81×81 PNG, outline style) in grey and in the theme colour: `node src/assets/tabbar/draw-icons.mjs`.
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SIZE = 81;
const STROKE = 5;
const COLORS = { normal: [138, 143, 153], active: [46, 139, 122] };

const seg = (ax, ay, bx, by) => ({ kind: 'seg', ax, ay, bx, by });
const ring = (cx, cy, r, fromDeg = 0, toDeg = 360) => ({ kind: 'ring', cx, cy, r, fromDeg, toDeg });
const dot = (cx, cy, r) => ({ kind: 'dot', cx, cy, r });
const poly = (...pts) => pts.slice(1).map((p, i) => seg(pts[i][0], pts[i][1], p[0], p[1]));

const SHAPES = {
  home: [...poly([10, 40], [40.5, 13], [71, 40]), ...poly([19, 34], [19, 68], [62, 68], [62, 34]), ...poly([34, 68], [34, 51], [47, 51], [47, 68])],
  courses: [...poly([11, 20], [40, 26], [40, 66], [11, 60], [11, 20]), ...poly([70, 20], [41, 26], [41, 66], [70, 60], [70, 20])],
  events: [
    ...poly([13, 21], [68, 21], [68, 67], [13, 67], [13, 21]),
    seg(13, 34, 68, 34),
    seg(28, 12, 28, 27),
    seg(53, 12, 53, 27),
    dot(29, 46, 3.5), dot(40.5, 46, 3.5), dot(52, 46, 3.5), dot(29, 56, 3.5), dot(40.5, 56, 3.5),
  ],
  me: [ring(40.5, 27, 12), ring(40.5, 70, 25, 180, 360), seg(15.5, 70, 65.5, 70)],
};

function distToSeg(px, py, s) {
  const dx = s.bx - s.ax;
  const dy = s.by - s.ay;
  const t = Math.max(0, Math.min(1, ((px - s.ax) * dx + (py - s.ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (s.ax + t * dx), py - (s.ay + t * dy));
}

function inside(px, py, shape) {
  if (shape.kind === 'seg') return distToSeg(px, py, shape) <= STROKE / 2;
  if (shape.kind === 'dot') return Math.hypot(px - shape.cx, py - shape.cy) <= shape.r;
  const angle = ((Math.atan2(py - shape.cy, px - shape.cx) * 180) / Math.PI + 360) % 360;
  const onArc = shape.fromDeg === 0 && shape.toDeg === 360 ? true : angle >= shape.fromDeg && angle <= shape.toDeg;
  return onArc && Math.abs(Math.hypot(px - shape.cx, py - shape.cy) - shape.r) <= STROKE / 2;
}

function crc32(buf) {
  let c = ~0;
  for (const byte of buf) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

function png(shapes, [r, g, b]) {
  const SS = 4;
  const raw = Buffer.alloc(SIZE * (SIZE * 4 + 1));
  for (let y = 0; y < SIZE; y++) {
    raw[y * (SIZE * 4 + 1)] = 0;
    for (let x = 0; x < SIZE; x++) {
      let hits = 0;
      for (let sy = 0; sy < SS; sy++) {
        for (let sx = 0; sx < SS; sx++) {
          const px = x + (sx + 0.5) / SS;
          const py = y + (sy + 0.5) / SS;
          if (shapes.some((s) => inside(px, py, s))) hits++;
        }
      }
      const o = y * (SIZE * 4 + 1) + 1 + x * 4;
      raw[o] = r;
      raw[o + 1] = g;
      raw[o + 2] = b;
      raw[o + 3] = Math.round((hits / (SS * SS)) * 255);
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(SIZE, 0);
  ihdr.writeUInt32BE(SIZE, 4);
  ihdr[8] = 8;
  ihdr[9] = 6;
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

const here = dirname(fileURLToPath(import.meta.url));
for (const [name, shapes] of Object.entries(SHAPES)) {
  writeFileSync(join(here, `${name}.png`), png(shapes, COLORS.normal));
  writeFileSync(join(here, `${name}-active.png`), png(shapes, COLORS.active));
}
