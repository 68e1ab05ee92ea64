/** Unread school notices outside 我的: the number on the 我的 tab and the card on 首页 (counts only, never a notice's school, pupil or content). */
import { useEffect, useState } from 'react';
import Taro, { useDidShow } from '@tarojs/taro';
import { View, Text } from '@tarojs/components';
import { ArrowRight, Notice } from '../icon';
import type { MyNoticeCountsOutput } from '../../../types';
import { getMyNoticeCounts } from '../../services/notice-inbox';
import { isLoggedIn, onAuthChanged } from '../../services/session';
import { useLoggedIn } from '../use-session';
import './index.scss';

/** The 我的 tab's place in app.config.ts's tab bar. */
export const ME_TAB_INDEX = 3;
const NONE: MyNoticeCountsOutput = { unread: 0, unconfirmed: 0, waiting: 0 };

let latest: MyNoticeCountsOutput | null = null;
let inflight: Promise<MyNoticeCountsOutput | null> | null = null;
let watchingAuth = false;
/** Bumped at each login or logout: an answer asked for under an earlier session is dropped. */
let session = 0;
const listeners = new Set<(counts: MyNoticeCountsOutput | null) => void>();

/** The text of the tab badge for a number of waiting notices ('' for none). */
export function badgeText(waiting: number): string {
  if (waiting <= 0) return '';
  return waiting > 99 ? '99+' : String(waiting);
}

function showBadge(waiting: number): void {
  const text = badgeText(waiting);
  try {
    // Either call fails off a tab page on weapp, and never answers on H5 before the tab bar is drawn: the next tab show sets it again.
    const done = text ? Taro.setTabBarBadge({ index: ME_TAB_INDEX, text }) : Taro.removeTabBarBadge({ index: ME_TAB_INDEX });
    void Promise.resolve(done).catch(() => undefined);
  } catch {
    // No tab bar on this page or platform.
  }
}

function publish(counts: MyNoticeCountsOutput | null): void {
  latest = counts;
  showBadge(counts?.waiting ?? 0);
  for (const listener of listeners) listener(counts);
}

/**
 * Asks the server how many notices wait for the caller and updates the 我的 badge and every card; logged out clears
 * them. A failed answer keeps the last numbers. Calls while one is under way share its answer (the app and its first
 * page show at the same moment).
 */
export function refreshNoticeCounts(): Promise<MyNoticeCountsOutput | null> {
  if (!watchingAuth) {
    watchingAuth = true;
    // Logging out clears the badge at once; logging in as someone else must not show the last person's numbers.
    onAuthChanged(() => {
      session++;
      inflight = null;
      latest = null;
      void refreshNoticeCounts();
    });
  }
  if (!isLoggedIn()) {
    publish(null);
    return Promise.resolve(null);
  }
  if (inflight) return inflight;
  const asked = session;
  const pending = getMyNoticeCounts()
    .then((result) => {
      if (asked !== session || !result.ok) return latest;
      publish(isLoggedIn() ? result.data : null);
      return latest;
    })
    .finally(() => {
      if (inflight === pending) inflight = null;
    });
  inflight = pending;
  return pending;
}

/** The caller's notice counts, refreshed each time the page shows and on login or logout (null while logged out or not known yet). */
export function useNoticeCounts(): MyNoticeCountsOutput | null {
  const loggedIn = useLoggedIn();
  const [counts, setCounts] = useState<MyNoticeCountsOutput | null>(latest);
  useEffect(() => {
    listeners.add(setCounts);
    return () => {
      listeners.delete(setCounts);
    };
  }, []);
  useEffect(() => {
    void refreshNoticeCounts();
  }, [loggedIn]);
  useDidShow(() => {
    void refreshNoticeCounts();
  });
  return loggedIn ? counts : null;
}

/** The line on the 首页 card for these counts, or null when nothing waits. */
export function noticeCardText(counts: MyNoticeCountsOutput | null): string | null {
  const { unread, waiting } = counts ?? NONE;
  if (waiting <= 0) return null;
  return unread > 0 ? `学校发来 ${waiting} 份告知书，请查看并确认` : `有 ${waiting} 份学校告知书等你确认`;
}

/** 首页's calm card while school notices wait for the parent: the number only; a tap opens 学校通知. */
export function NoticeCard() {
  const text = noticeCardText(useNoticeCounts());
  if (!text) return null;
  return (
    <View className='xq-notice-card' role='button' onClick={() => void Taro.navigateTo({ url: '/packages/notices/inbox/index' }).catch(() => undefined)}>
      <View className='xq-notice-card__icon'>
        <Notice size={22} color='var(--xq-primary-dark)' />
      </View>
      <View className='xq-notice-card__text'>
        <Text className='xq-notice-card__title'>{text}</Text>
        <Text className='xq-notice-card__desc'>内容只有你和学校授权的老师能看到</Text>
      </View>
      <ArrowRight size={16} color='var(--xq-primary-dark)' />
    </View>
  );
}
