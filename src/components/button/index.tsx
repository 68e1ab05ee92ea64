import type { ReactNode } from 'react';
import { View, Text } from '@tarojs/components';
import './index.scss';

/** Props of Button: NutUI's names for what the main package uses, so pages read the same. */
export interface ButtonProps {
  type?: 'primary' | 'default';
  fill?: 'solid' | 'outline';
  size?: 'normal' | 'small';
  /** A colour other than the theme's: the fill of a solid button, the border and text of an outline one. */
  color?: string;
  block?: boolean;
  loading?: boolean;
  disabled?: boolean;
  icon?: ReactNode;
  className?: string;
  onClick?: () => void;
  children?: ReactNode;
}

/** A spinning ring for work in progress (the main package's loading mark, in place of NutUI's Loading). */
export function Spinner({ size = 'normal', className }: { size?: 'normal' | 'small'; className?: string }) {
  return <View className={`xq-spinner xq-spinner--${size}${className ? ` ${className}` : ''}`} aria-hidden='true' />;
}

/** The main package's button: at least 44×44, a pressed look, grey when disabled, a spinner while loading (NutUI's button stays in the subpackages). */
export function Button({ type = 'default', fill, size = 'normal', color, block = false, loading = false, disabled = false, icon, className, onClick, children }: ButtonProps) {
  const outline = (fill ?? (type === 'primary' ? 'solid' : 'outline')) === 'outline';
  const inactive = disabled || loading;
  const classes = ['xq-btn', `xq-btn--${type}`, outline ? 'xq-btn--outline' : 'xq-btn--solid', size === 'small' ? 'xq-btn--small' : '', block ? 'xq-btn--block' : '', disabled ? 'is-disabled' : '', loading ? 'is-loading' : '', className ?? '']
    .filter(Boolean)
    .join(' ');
  const style = color && !disabled ? (outline ? { borderColor: color, color } : { backgroundColor: color, borderColor: color }) : undefined;
  return (
    <View className={classes} style={style} hoverClass={inactive ? 'none' : 'xq-pressed'} role='button' aria-disabled={inactive} onClick={inactive ? undefined : () => onClick?.()}>
      {loading ? <Spinner size='small' className='xq-btn__spinner' /> : icon ? <View className='xq-btn__icon'>{icon}</View> : null}
      <Text className='xq-btn__text'>{children}</Text>
    </View>
  );
}

export default Button;
