import type { ReactNode } from 'react';
import { View, Text } from '@tarojs/components';
import { useLargeText } from '../use-large-text';
import './index.scss';

/** Props of PageShell. */
export interface PageShellProps {
  /** A large heading at the top of the page. */
  title?: string;
  /** A line under the heading. */
  subtitle?: string;
  /** A fixed bar at the bottom (e.g. the main action). */
  footer?: ReactNode;
  className?: string;
  children?: ReactNode;
}

/** The frame of every page: background, padding, an optional heading and an optional fixed footer; class xq-large in 大字模式. */
export function PageShell({ title, subtitle, footer, className, children }: PageShellProps) {
  const large = useLargeText();
  return (
    <View className={`xq-page${large ? ' xq-large' : ''}${footer ? ' xq-page--with-footer' : ''}${className ? ` ${className}` : ''}`}>
      {title ? (
        <View className='xq-page__header'>
          <Text className='xq-page__title'>{title}</Text>
          {subtitle ? <Text className='xq-page__subtitle'>{subtitle}</Text> : null}
        </View>
      ) : null}
      <View className='xq-page__body'>{children}</View>
      {footer ? <View className='xq-page__footer'>{footer}</View> : null}
    </View>
  );
}

export default PageShell;
