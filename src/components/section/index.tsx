import type { ReactNode } from 'react';
import { View, Text } from '@tarojs/components';
import './index.scss';

/** Props of Section. */
export interface SectionProps {
  title?: string;
  /** Something on the right of the title (a count, a link). */
  extra?: ReactNode;
  /** Content sits flush with the card's edges (for lists of cells). */
  flush?: boolean;
  className?: string;
  children?: ReactNode;
}

/** A white card with an optional title row. */
export function Section({ title, extra, flush = false, className, children }: SectionProps) {
  return (
    <View className={`xq-section${flush ? ' xq-section--flush' : ''}${className ? ` ${className}` : ''}`}>
      {title ? (
        <View className='xq-section__head'>
          <Text className='xq-section__title'>{title}</Text>
          {extra ? <View className='xq-section__extra'>{extra}</View> : null}
        </View>
      ) : null}
      <View className='xq-section__content'>{children}</View>
    </View>
  );
}

export default Section;
