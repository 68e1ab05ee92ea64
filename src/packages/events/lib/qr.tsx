import Taro from '@tarojs/taro';
import { View } from '@tarojs/components';
import qrcode from 'qrcode-generator';
import { useMemo } from 'react';
import './qr.scss';

/** The dark/light modules of a QR code for a text (error correction M). */
export function qrModules(text: string): boolean[][] {
  const qr = qrcode(0, 'M');
  qr.addData(text);
  qr.make();
  const n = qr.getModuleCount();
  return Array.from({ length: n }, (_, r) => Array.from({ length: n }, (_, c) => qr.isDark(r, c)));
}

/** A QR code drawn with views (works the same in the mini-program and on H5, no canvas); size is in design pixels (750 wide). */
export function QrCode({ text, size = 400, label }: { text: string; size?: number; label: string }) {
  const rows = useMemo(() => qrModules(text), [text]);
  const cell = Math.floor(size / (rows.length + 8));
  const unit = Taro.pxTransform(cell);
  return (
    <View className='xq-qr' style={{ padding: Taro.pxTransform(cell * 4), width: Taro.pxTransform(cell * (rows.length + 8)) }} aria-label={label} role='img'>
      {rows.map((row, r) => (
        <View key={r} className='xq-qr__row' style={{ height: unit }}>
          {row.map((dark, c) => (
            <View key={c} className={dark ? 'xq-qr__dark' : 'xq-qr__light'} style={{ width: unit, height: unit }} />
          ))}
        </View>
      ))}
    </View>
  );
}
