import type { ReactNode } from 'react';
import { Text } from '@tarojs/components';
import './index.scss';

/** The colour of a Pill. */
export type PillTone = 'default' | 'primary' | 'success' | 'warning' | 'danger';

/** Props of Pill. */
export interface PillProps {
  tone?: PillTone;
  className?: string;
  children?: ReactNode;
}

/** A small rounded label (a status, a stage, a kind) in the theme's colours. */
export function Pill({ tone = 'default', className, children }: PillProps) {
  return <Text className={`xq-pill xq-pill--${tone}${className ? ` ${className}` : ''}`}>{children}</Text>;
}

export default Pill;
