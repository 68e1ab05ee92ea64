import type { ReactNode } from 'react';
import { View, Text } from '@tarojs/components';
import { ArrowRight } from '../icon';
import './index.scss';

/** Props of Cell: a title, an optional line under it and something at the end; tappable when it opens something. */
export interface CellProps {
  title: ReactNode;
  description?: ReactNode;
  extra?: ReactNode;
  clickable?: boolean;
  className?: string;
  onClick?: () => void;
}

/** One row of a list of entries (the main package's cell, in place of NutUI's): at least 44 px tall, with a pressed look and an arrow when it opens something. */
export function Cell({ title, description, extra, clickable = false, className, onClick }: CellProps) {
  return (
    <View
      className={`xq-cell${clickable ? ' xq-cell--clickable' : ''}${className ? ` ${className}` : ''}`}
      hoverClass={clickable ? 'xq-pressed' : 'none'}
      role={clickable ? 'button' : undefined}
      onClick={onClick}
    >
      <View className='xq-cell__main'>
        <View className='xq-cell__title'>{title}</View>
        {description ? <Text className='xq-cell__desc'>{description}</Text> : null}
      </View>
      {extra ? <View className='xq-cell__extra'>{extra}</View> : null}
      {clickable ? <ArrowRight size={14} color='var(--xq-text-3)' className='xq-cell__arrow' /> : null}
    </View>
  );
}

/** A white card holding cells, divided by hairlines. */
export function CellGroup({ children }: { children?: ReactNode }) {
  return <View className='xq-cell-group'>{children}</View>;
}
