import Taro from '@tarojs/taro';
import { Canvas, View } from '@tarojs/components';
import { useCallback, useEffect, useRef } from 'react';
import './signature-pad.scss';

/** The signature's coordinate box (types/notices.ts Signature): strokes are flat x, y lists in 1000 × 400. */
export const SIGNATURE_BOX = { width: 1000, height: 400 } as const;

/** Points closer than this (in box units) to the previous one are skipped. */
const MIN_STEP = 3;
/** A signature keeps at most this many points in all, this many per stroke and this many strokes (the server's limits). */
const MAX_POINTS = 3000;
const MAX_STROKE_POINTS = 1000;
const MAX_STROKES = 60;
/** Fewer points than this are a scribble, not a signature. */
const MIN_POINTS = 8;

/** The part of a 2D context the pad uses (the browser's and the mini-program's canvas both have it). */
interface Pen {
  lineWidth: number;
  lineCap: string;
  lineJoin: string;
  strokeStyle: string | CanvasGradient | CanvasPattern;
  fillStyle: string | CanvasGradient | CanvasPattern;
  setTransform(a: number, b: number, c: number, d: number, e: number, f: number): void;
  clearRect(x: number, y: number, w: number, h: number): void;
  beginPath(): void;
  moveTo(x: number, y: number): void;
  lineTo(x: number, y: number): void;
  arc(x: number, y: number, r: number, start: number, end: number): void;
  stroke(): void;
  fill(): void;
}

/** A canvas ready to draw on, in CSS pixels. */
interface Surface {
  pen: Pen;
  width: number;
  height: number;
}

/** Props of SignaturePad. */
export interface SignaturePadProps {
  /** Unique on the page (the mini-program finds its canvas by id). */
  id: string;
  strokes: number[][];
  /** Called with every finished stroke added; without it the pad only shows the strokes (read-only). */
  onChange?: (strokes: number[][]) => void;
  /** Shown while nothing is drawn. */
  placeholder?: string;
  className?: string;
}

/** How many points the strokes hold. */
export function pointCount(strokes: number[][]): number {
  return strokes.reduce((n, s) => n + Math.floor(s.length / 2), 0);
}

/** Whether the strokes make a signature: at least one line, not a lone tap, and enough points to be more than a dash. */
export function hasSignature(strokes: number[][]): boolean {
  return strokes.some((s) => s.length >= 4) && pointCount(strokes) >= MIN_POINTS;
}

/** Maps a position inside a box of the given size to the signature's 1000 × 400 coordinates (clamped, whole numbers). */
export function toBox(x: number, y: number, width: number, height: number): [number, number] {
  const clamp = (v: number, max: number) => Math.min(max, Math.max(0, Math.round(v)));
  if (width <= 0 || height <= 0) return [0, 0];
  return [clamp((x / width) * SIGNATURE_BOX.width, SIGNATURE_BOX.width), clamp((y / height) * SIGNATURE_BOX.height, SIGNATURE_BOX.height)];
}

function setupPen(pen: Pen, width: number): void {
  pen.lineWidth = Math.max(1.5, (width / SIGNATURE_BOX.width) * 7);
  pen.lineCap = 'round';
  pen.lineJoin = 'round';
  pen.strokeStyle = '#1f2d2a';
  pen.fillStyle = '#1f2d2a';
}

/** Draws one stroke (or the part of it from point `from`) on the surface. */
function drawStroke(surface: Surface, stroke: number[], from = 0): void {
  const { pen, width, height } = surface;
  const sx = width / SIGNATURE_BOX.width;
  const sy = height / SIGNATURE_BOX.height;
  const points = Math.floor(stroke.length / 2);
  if (points === 1) {
    pen.beginPath();
    pen.arc((stroke[0] ?? 0) * sx, (stroke[1] ?? 0) * sy, pen.lineWidth / 2, 0, Math.PI * 2);
    pen.fill();
    return;
  }
  const start = Math.max(0, from - 1);
  pen.beginPath();
  pen.moveTo((stroke[start * 2] ?? 0) * sx, (stroke[start * 2 + 1] ?? 0) * sy);
  for (let i = start + 1; i < points; i++) pen.lineTo((stroke[i * 2] ?? 0) * sx, (stroke[i * 2 + 1] ?? 0) * sy);
  pen.stroke();
}

function paintAll(surface: Surface, strokes: number[][]): void {
  surface.pen.clearRect(0, 0, surface.width, surface.height);
  for (const stroke of strokes) if (stroke.length >= 2) drawStroke(surface, stroke);
}

/** The live state of drawing, kept out of React state so a stroke never re-renders the page. */
interface Ink {
  surface: Surface | null;
  strokes: number[][];
  current: number[] | null;
}

/**
 * A handwritten signature pad: draws with a finger (mini-program and mobile browsers) or a mouse (H5 on a desktop),
 * records strokes in a 1000 × 400 box, and draws given strokes back (read-only without onChange).
 */
export function SignaturePad({ id, strokes, onChange, placeholder = '请在此处手写签名', className }: SignaturePadProps) {
  const ink = useRef<Ink>({ surface: null, strokes, current: null });
  const host = useRef<HTMLElement | null>(null);
  const onChangeRef = useRef(onChange);
  const editable = Boolean(onChange);

  useEffect(() => {
    onChangeRef.current = onChange;
  }, [onChange]);

  useEffect(() => {
    ink.current.strokes = strokes;
    if (ink.current.surface) paintAll(ink.current.surface, strokes);
  }, [strokes]);

  const begin = useCallback((x: number, y: number) => {
    const state = ink.current;
    if (!state.surface || state.strokes.length >= MAX_STROKES || pointCount(state.strokes) >= MAX_POINTS) return;
    const point = toBox(x, y, state.surface.width, state.surface.height);
    state.current = [...point];
    drawStroke(state.surface, state.current);
  }, []);

  const extend = useCallback((x: number, y: number) => {
    const state = ink.current;
    const stroke = state.current;
    if (!state.surface || !stroke) return;
    if (stroke.length / 2 >= MAX_STROKE_POINTS || pointCount(state.strokes) + stroke.length / 2 >= MAX_POINTS) return;
    const [bx, by] = toBox(x, y, state.surface.width, state.surface.height);
    const lx = stroke[stroke.length - 2] ?? bx;
    const ly = stroke[stroke.length - 1] ?? by;
    if (Math.abs(bx - lx) + Math.abs(by - ly) < MIN_STEP) return;
    stroke.push(bx, by);
    drawStroke(state.surface, stroke, stroke.length / 2 - 1);
  }, []);

  const end = useCallback(() => {
    const state = ink.current;
    const stroke = state.current;
    state.current = null;
    if (!stroke) return;
    const next = [...state.strokes, stroke];
    state.strokes = next;
    onChangeRef.current?.(next);
  }, []);

  // H5: a real <canvas> inside the host, sized to it at the screen's pixel ratio, with mouse and touch listeners.
  useEffect(() => {
    if (process.env.TARO_ENV !== 'h5') return;
    const state = ink.current;
    const box = host.current;
    if (!box) return;
    const canvas = document.createElement('canvas');
    canvas.className = 'xq-sig__canvas';
    canvas.setAttribute('aria-label', editable ? '手写签名区' : '签名');
    box.appendChild(canvas);
    const fit = () => {
      const rect = canvas.getBoundingClientRect();
      const ratio = window.devicePixelRatio || 1;
      canvas.width = Math.max(1, Math.round(rect.width * ratio));
      canvas.height = Math.max(1, Math.round(rect.height * ratio));
      const pen = canvas.getContext('2d') as Pen | null;
      if (!pen) return;
      pen.setTransform(ratio, 0, 0, ratio, 0, 0);
      setupPen(pen, rect.width);
      ink.current.surface = { pen, width: rect.width, height: rect.height };
      paintAll(ink.current.surface, ink.current.strokes);
    };
    fit();
    const at = (clientX: number, clientY: number): [number, number] => {
      const rect = canvas.getBoundingClientRect();
      if (ink.current.surface && Math.abs(rect.width - ink.current.surface.width) > 1) fit();
      return [clientX - rect.left, clientY - rect.top];
    };
    const onMouseDown = (e: MouseEvent) => {
      if (e.button !== 0) return;
      e.preventDefault();
      begin(...at(e.clientX, e.clientY));
      const onMove = (ev: MouseEvent) => extend(...at(ev.clientX, ev.clientY));
      const onUp = () => {
        window.removeEventListener('mousemove', onMove);
        window.removeEventListener('mouseup', onUp);
        end();
      };
      window.addEventListener('mousemove', onMove);
      window.addEventListener('mouseup', onUp);
    };
    const onTouchStart = (e: TouchEvent) => {
      const t = e.touches[0];
      if (!t) return;
      e.preventDefault();
      begin(...at(t.clientX, t.clientY));
    };
    const onTouchMove = (e: TouchEvent) => {
      const t = e.touches[0];
      if (!t) return;
      e.preventDefault();
      extend(...at(t.clientX, t.clientY));
    };
    const onTouchEnd = () => end();
    if (editable) {
      canvas.addEventListener('mousedown', onMouseDown);
      canvas.addEventListener('touchstart', onTouchStart, { passive: false });
      canvas.addEventListener('touchmove', onTouchMove, { passive: false });
      canvas.addEventListener('touchend', onTouchEnd);
      canvas.addEventListener('touchcancel', onTouchEnd);
    }
    window.addEventListener('resize', fit);
    return () => {
      window.removeEventListener('resize', fit);
      canvas.removeEventListener('mousedown', onMouseDown);
      canvas.removeEventListener('touchstart', onTouchStart);
      canvas.removeEventListener('touchmove', onTouchMove);
      canvas.removeEventListener('touchend', onTouchEnd);
      canvas.removeEventListener('touchcancel', onTouchEnd);
      canvas.remove();
      state.surface = null;
    };
  }, [editable, begin, extend, end]);

  // Mini-program: the page's 2D canvas node, found by id once it is rendered.
  useEffect(() => {
    if (process.env.TARO_ENV !== 'weapp') return;
    const state = ink.current;
    let tries = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let alive = true;
    const find = () => {
      Taro.createSelectorQuery()
        .select(`#${id}`)
        .fields({ node: true, size: true })
        .exec((res: unknown[]) => {
          if (!alive) return;
          const info = res?.[0] as { node?: { width: number; height: number; getContext(kind: '2d'): unknown }; width: number; height: number } | null;
          if (!info?.node) {
            if (++tries < 20) timer = setTimeout(find, 100);
            return;
          }
          const ratio = (Taro.getWindowInfo?.() ?? Taro.getSystemInfoSync()).pixelRatio || 2;
          info.node.width = Math.round(info.width * ratio);
          info.node.height = Math.round(info.height * ratio);
          const pen = info.node.getContext('2d') as Pen;
          pen.setTransform(ratio, 0, 0, ratio, 0, 0);
          setupPen(pen, info.width);
          ink.current.surface = { pen, width: info.width, height: info.height };
          paintAll(ink.current.surface, ink.current.strokes);
        });
    };
    timer = setTimeout(find, 50);
    return () => {
      alive = false;
      if (timer !== undefined) clearTimeout(timer);
      state.surface = null;
    };
  }, [id]);

  const touchPoint = (e: { touches?: ArrayLike<{ x?: number; y?: number }> }): [number, number] | null => {
    const t = e.touches?.[0];
    return t && typeof t.x === 'number' && typeof t.y === 'number' ? [t.x, t.y] : null;
  };

  const empty = strokes.length === 0;
  return (
    <View className={`xq-sig${editable ? ' is-editable' : ''}${className ? ` ${className}` : ''}`}>
      <View className='xq-sig__box' id={`${id}-box`} ref={host as never}>
        {empty && editable ? <View className='xq-sig__placeholder'>{placeholder}</View> : null}
        {process.env.TARO_ENV === 'weapp' ? (
          <Canvas
            type='2d'
            id={id}
            className='xq-sig__canvas'
            disableScroll={editable}
            onTouchStart={(e) => {
              const p = editable ? touchPoint(e as never) : null;
              if (p) begin(...p);
            }}
            onTouchMove={(e) => {
              const p = editable ? touchPoint(e as never) : null;
              if (p) extend(...p);
            }}
            onTouchEnd={() => editable && end()}
            onTouchCancel={() => editable && end()}
          />
        ) : null}
      </View>
    </View>
  );
}

export default SignaturePad;
