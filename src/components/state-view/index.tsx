import type { ReactNode } from 'react';
import { View, Text } from '@tarojs/components';
import { Button, Spinner } from '../button';
import { Articles, Clock, Location, Notice, QrCode, Refresh, Search, ShieldCheck, Star, User, Warning, Weixin } from '../icon';
import { CLIENT_ERRORS } from '../../services/request';
import './index.scss';

/** What a StateView shows. */
export type StateViewStatus = 'loading' | 'empty' | 'error';

/** The shape of the content a loading page waits for: its skeleton is drawn like it (no skeleton: a spinner). */
export type SkeletonShape = 'cards' | 'list' | 'detail';

/** What an empty state is about, which picks its icon. */
export type EmptyIcon = 'content' | 'search' | 'course' | 'event' | 'notice' | 'person' | 'place' | 'invite' | 'certificate' | 'wechat' | 'done';

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
  /** While loading: grey blocks shaped like the content instead of a spinner. */
  skeleton?: SkeletonShape;
  /** When empty: what is missing, for the icon (a neutral one by default). */
  icon?: EmptyIcon;
}

const DEFAULT_TITLES: Record<StateViewStatus, string> = {
  loading: '加载中…',
  empty: '暂无内容',
  error: '加载失败',
};

/** Under a "no network" error: pages reload by themselves when it returns (useRemote). */
export const RECONNECT_HINT = '网络恢复后会自动重新加载';

const ICON_SIZE = 28;
const ICON_COLOR = 'var(--xq-primary)';
// Icons the main package already carries (each NutUI icon ships its SVG in the script), so empty states cost little.
const EMPTY_ICONS: Record<EmptyIcon, ReactNode> = {
  content: <Articles size={ICON_SIZE} color={ICON_COLOR} />,
  search: <Search size={ICON_SIZE} color={ICON_COLOR} />,
  course: <Articles size={ICON_SIZE} color={ICON_COLOR} />,
  event: <Clock size={ICON_SIZE} color={ICON_COLOR} />,
  notice: <Notice size={ICON_SIZE} color={ICON_COLOR} />,
  person: <User size={ICON_SIZE} color={ICON_COLOR} />,
  place: <Location size={ICON_SIZE} color={ICON_COLOR} />,
  invite: <QrCode size={ICON_SIZE} color={ICON_COLOR} />,
  certificate: <Star size={ICON_SIZE} color={ICON_COLOR} />,
  wechat: <Weixin size={ICON_SIZE} color={ICON_COLOR} />,
  done: <ShieldCheck size={ICON_SIZE} color={ICON_COLOR} />,
};

const SKELETON_ITEMS: Record<SkeletonShape, number> = { cards: 3, list: 4, detail: 1 };

/** Grey blocks in the shape of cards, list rows or a detail page, drawn at once while the content loads. */
export function Skeleton({ shape, label = '加载中…' }: { shape: SkeletonShape; label?: string }) {
  const items = Array.from({ length: SKELETON_ITEMS[shape] }, (_, i) => i);
  return (
    <View className={`xq-skeleton xq-skeleton--${shape}`} aria-busy='true' aria-live='polite'>
      <View className='xq-skeleton__status'>
        <Spinner size='small' />
        <Text className='xq-skeleton__label'>{label}</Text>
      </View>
      {shape === 'detail' ? (
        <View className='xq-skeleton__item'>
          <View className='xq-skeleton__bar xq-skeleton__bar--title' />
          <View className='xq-skeleton__bar xq-skeleton__bar--short' />
          <View className='xq-skeleton__block' />
          <View className='xq-skeleton__bar' />
          <View className='xq-skeleton__bar' />
          <View className='xq-skeleton__bar xq-skeleton__bar--short' />
        </View>
      ) : (
        items.map((i) => (
          <View key={i} className='xq-skeleton__item'>
            {shape === 'list' ? <View className='xq-skeleton__dot' /> : <View className='xq-skeleton__bar xq-skeleton__bar--tag' />}
            <View className='xq-skeleton__lines'>
              <View className='xq-skeleton__bar xq-skeleton__bar--title' />
              {shape === 'cards' ? <View className='xq-skeleton__bar' /> : null}
              <View className='xq-skeleton__bar xq-skeleton__bar--short' />
            </View>
          </View>
        ))
      )}
    </View>
  );
}

/** The loading, empty and error states of a page or a section, with an optional retry. */
export function StateView({ status, title, description, actionText, onAction, compact = false, skeleton, icon = 'content' }: StateViewProps) {
  const heading = title ?? DEFAULT_TITLES[status];
  const buttonText = actionText ?? (status === 'error' ? '重新加载' : undefined);
  if (status === 'loading' && skeleton) return <Skeleton shape={skeleton} label={heading} />;
  return (
    <View className={`xq-state xq-state--${status}${compact ? ' xq-state--compact' : ''}`} aria-live='polite'>
      {status === 'loading' ? (
        <>
          <Spinner className='xq-state__spinner' />
          <Text className='xq-state__loading-text'>{heading}</Text>
        </>
      ) : (
        <>
          <View className='xq-state__icon'>{status === 'error' ? <Warning size={ICON_SIZE} color='var(--xq-warm)' /> : EMPTY_ICONS[icon]}</View>
          <Text className='xq-state__title'>{heading}</Text>
          {description ? <Text className='xq-state__desc'>{description}</Text> : null}
          {status === 'error' && description === CLIENT_ERRORS.NETWORK_ERROR ? <Text className='xq-state__desc'>{RECONNECT_HINT}</Text> : null}
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
