import { View, Text } from '@tarojs/components';
import { Clock, Location } from '../icon';
import dayjs from 'dayjs';
import type { EventSummary, SignupStatus } from '../../../types';
import { Pill, type PillTone } from '../pill';
import './index.scss';

const WEEKDAYS = ['周日', '周一', '周二', '周三', '周四', '周五', '周六'];

/** A session's time as people read it: 11月26日 周四 19:00–20:30. */
export function eventTime(startsAt: string, endsAt: string): string {
  const s = dayjs(startsAt);
  const e = dayjs(endsAt);
  const day = `${s.format('M月D日')} ${WEEKDAYS[s.day()]}`;
  return s.isSame(e, 'day') ? `${day} ${s.format('HH:mm')}–${e.format('HH:mm')}` : `${day} ${s.format('HH:mm')} 至 ${e.format('M月D日 HH:mm')}`;
}

/** The label and colour of a parent's sign-up state. */
export const SIGNUP_LABELS: Record<SignupStatus, { text: string; tone: PillTone }> = {
  confirmed: { text: '已报名', tone: 'success' },
  waitlisted: { text: '候补中', tone: 'warning' },
  offered: { text: '候补成功·待确认', tone: 'primary' },
  cancelled: { text: '已取消报名', tone: 'default' },
  expired: { text: '候补已过期', tone: 'default' },
};

/** How full a session is, in words. */
export function seatsText(e: Pick<EventSummary, 'capacity' | 'seatsTaken' | 'waitlistLength'>): string {
  if (e.seatsTaken >= e.capacity) return e.waitlistLength > 0 ? `名额已满 · ${e.waitlistLength} 人候补` : '名额已满 · 可候补';
  return `已报 ${e.seatsTaken}/${e.capacity} · 剩 ${e.capacity - e.seatsTaken} 个名额`;
}

/** A session in a list: topic, title, host, time, place and seats; the caller's own state when they signed up. */
export function EventCard({ event, onOpen }: { event: EventSummary; onOpen: () => void }) {
  const percent = Math.min(100, Math.round((event.seatsTaken / event.capacity) * 100));
  const mine = event.mySignup ? SIGNUP_LABELS[event.mySignup] : null;
  return (
    <View hoverClass='xq-pressed' className={`xq-event-card${event.status === 'cancelled' || event.ended ? ' is-muted' : ''} xq-tappable`} onClick={onOpen} aria-label={event.title}>
      <View className='xq-event-card__tags'>
        {event.mentalHealth ? <Pill tone='primary'>心理健康教育</Pill> : <Pill>{event.topic}</Pill>}
        {event.mode === 'online' ? <Pill tone='default'>线上</Pill> : null}
        {event.relevance === 'child_school' ? <Pill tone='success'>孩子学校</Pill> : null}
        {event.status === 'cancelled' ? <Pill tone='danger'>已取消</Pill> : event.ended ? <Pill>已结束</Pill> : null}
        {mine && event.status !== 'cancelled' ? <Pill tone={mine.tone}>{mine.text}</Pill> : null}
      </View>
      <Text className='xq-event-card__title'>{event.title}</Text>
      <Text className='xq-event-card__host'>{event.host.name}</Text>
      <View className='xq-event-card__line'>
        <Clock size={12} color='#5f6b67' />
        <Text>{eventTime(event.startsAt, event.endsAt)}</Text>
      </View>
      <View className='xq-event-card__line'>
        <Location size={12} color='#5f6b67' />
        <Text>{event.mode === 'online' ? '线上参加（报名后可见链接）' : event.address}</Text>
      </View>
      <View className='xq-event-card__seats'>
        <View className='xq-event-card__bar'>
          <View className='xq-event-card__fill' style={{ width: `${percent}%` }} />
        </View>
        <Text className='xq-event-card__seats-text'>{seatsText(event)}</Text>
      </View>
    </View>
  );
}

export default EventCard;
