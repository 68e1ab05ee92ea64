import { View, Text } from '@tarojs/components';
import { Button, Loading } from '@nutui/nutui-react-taro';
import { Warning, Refresh, Service } from '@nutui/icons-react-taro';
import './index.scss';

/** What a StateView shows. */
export type StateViewStatus = 'loading' | 'empty' | 'error';

/** Props of StateView. */
export interface StateViewProps {
  status: StateViewStatus;
  /** The headline; each status has a default. */
  title?: string;
  /** A line under the headline (the error message, or why the list is empty). */
  description?: string;
  /** The button's text; defaults to 重新加载 for errors. */
  actionText?: string;
  /** The button's action (the retry for errors); no button without it. */
  onAction?: () => void;
  /** Less vertical space, for a section inside a page. */
  compact?: boolean;
}

const DEFAULT_TITLES: Record<StateViewStatus, string> = {
  loading: '加载中…',
  empty: '暂无内容',
  error: '加载失败',
};

/** The loading, empty and error states of a page or a section, with an optional retry. */
export function StateView({ status, title, description, actionText, onAction, compact = false }: StateViewProps) {
  const heading = title ?? DEFAULT_TITLES[status];
  const buttonText = actionText ?? (status === 'error' ? '重新加载' : undefined);
  return (
    <View className={`xq-state xq-state--${status}${compact ? ' xq-state--compact' : ''}`} aria-live='polite'>
      {status === 'loading' ? (
        <Loading type='circular' direction='vertical'>
          <Text className='xq-state__loading-text'>{heading}</Text>
        </Loading>
      ) : (
        <>
          <View className='xq-state__icon'>
            {status === 'error' ? <Warning size={28} color='#b35420' /> : <Service size={28} color='#5f6b67' />}
          </View>
          <Text className='xq-state__title'>{heading}</Text>
          {description ? <Text className='xq-state__desc'>{description}</Text> : null}
          {onAction && buttonText ? (
            <Button
              className='xq-state__action'
              type={status === 'error' ? 'primary' : 'default'}
              fill={status === 'error' ? 'solid' : 'outline'}
              size='small'
              icon={status === 'error' ? <Refresh size={14} /> : undefined}
              onClick={() => onAction()}
            >
              {buttonText}
            </Button>
          ) : null}
        </>
      )}
    </View>
  );
}

export default StateView;
