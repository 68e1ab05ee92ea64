import { View, Text } from '@tarojs/components';
import type { ReactNode } from 'react';
import './index.scss';

/** A tappable row with a check box (a yes/no choice in a form). */
export function CheckRow({ checked, onChange, className, children }: { checked: boolean; onChange: (next: boolean) => void; className?: string; children: ReactNode }) {
  return (
    <View hoverClass='xq-pressed' className={`xq-check xq-tappable${checked ? ' is-on' : ''}${className ? ` ${className}` : ''}`} onClick={() => onChange(!checked)} role='checkbox' aria-checked={checked}>
      <Text className='xq-check__box'>{checked ? '✓' : ''}</Text>
      <Text>{children}</Text>
    </View>
  );
}
