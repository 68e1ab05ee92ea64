import type { CSSProperties } from 'react';
import { View } from '@tarojs/components';
import type { ITouchEvent } from '@tarojs/components';

/** Props of every icon: its size in CSS px (or any CSS length), colour, class, style and tap handler. */
export interface IconProps {
  size?: number | string;
  color?: string;
  className?: string;
  style?: CSSProperties;
  onClick?: (event: ITouchEvent) => void;
}

const length = (value: number | string): string => (typeof value === 'number' || /^\d+(\.\d+)?$/.test(value) ? `${value}px` : value);

/** An SVG of the glyph's outlines as a data URI, escaped for a CSS url() (text, not base64: it is smaller and compresses). */
export function glyphUri(paths: string[]): string {
  const svg = `<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 1024 1024'>${paths.map((d) => `<path d='${d}'/>`).join('')}</svg>`;
  return `data:image/svg+xml,${svg.replace(/[%#<>"]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}

/** Makes an icon component that paints its colour through an SVG mask of the glyph's outlines, as NutUI's icons do, at a fraction of their weight. */
export function glyph(name: string, paths: string[]): (props: IconProps) => JSX.Element {
  const uri = `url("${glyphUri(paths)}") 0 0/100% 100% no-repeat`;
  const mask: Record<string, string> = process.env.TARO_ENV === 'h5' ? { mask: uri, WebkitMask: uri } : { mask: uri, '-webkitMask': uri };
  const Icon = ({ size, color, className, style, onClick }: IconProps): JSX.Element => {
    const box = size === undefined ? {} : { width: length(size), height: length(size) };
    return <View className={`xq-icon${className ? ` ${className}` : ''}`} style={{ ...style, backgroundColor: color || 'currentColor', ...mask, ...box } as CSSProperties} onClick={onClick} />;
  };
  Icon.displayName = name;
  return Icon;
}
