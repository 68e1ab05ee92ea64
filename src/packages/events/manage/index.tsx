import { View, Text } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import type { DutyStatus, EventSummary } from '../../../../types';
import { eventTime } from '../../../components/event-card';
import { PageShell } from '../../../components/page-shell';
import { Pill } from '../../../components/pill';
import { Section } from '../../../components/section';
import { StateView } from '../../../components/state-view';
import { useRemote } from '../../../components/use-remote';
import { getManage } from '../../../services/events';
import { eventRoutes, go } from '../lib/nav';
import './index.scss';

function DutyCard({ duty }: { duty: DutyStatus }) {
  const done = duty.status === 'done';
  return (
    <View className={`xq-manage__duty is-${duty.status}${duty.urgent ? ' is-urgent' : ''}`} aria-label={`${duty.stationName}年度任务`}>
      <View className='xq-manage__duty-head'>
        <Text className='xq-manage__duty-name'>{duty.stationName}</Text>
        <Pill tone={done ? 'success' : duty.urgent || duty.status === 'missed' ? 'danger' : 'warning'}>{done ? '已完成' : duty.status === 'missed' ? '未完成' : `剩 ${duty.daysLeft} 天`}</Pill>
      </View>
      <Text className='xq-manage__duty-text'>
        {done
          ? `${duty.year} 年已举办 ${duty.heldSessions} 场面向家长的心理健康教育活动（有家长签到）。`
          : duty.status === 'missed'
            ? `${duty.year} 年没有举办面向家长的心理健康教育活动。`
            : `${duty.year} 年还没有举办面向家长的心理健康教育活动${duty.plannedSessions ? `，已发布 ${duty.plannedSessions} 场待举办` : '，请尽快安排'}。按要求每个站点每年至少举办一次。`}
      </Text>
    </View>
  );
}

function Row({ event }: { event: EventSummary }) {
  return (
    <View hoverClass='xq-pressed' className='xq-manage__event xq-tappable' onClick={() => go(eventRoutes.roster(event.id))} aria-label={event.title}>
      <View className='xq-manage__event-main'>
        <Text className='xq-manage__event-title'>{event.title}</Text>
        <Text className='xq-muted'>
          {eventTime(event.startsAt, event.endsAt)} · {event.host.name}
        </Text>
        <Text className='xq-muted'>
          已报 {event.seatsTaken}/{event.capacity}
          {event.waitlistLength ? ` · 候补 ${event.waitlistLength}` : ''}
        </Text>
      </View>
      <View className='xq-manage__event-side'>
        {event.status === 'cancelled' ? <Pill tone='danger'>已取消</Pill> : event.ended ? <Pill>已结束</Pill> : <Pill tone='primary'>报名中</Pill>}
        {event.ended || event.status === 'cancelled' ? (
          <Text
            className='xq-manage__copy xq-link'
            onClick={(e) => {
              e.stopPropagation();
              go(eventRoutes.create(event.id));
            }}
          >
            复制
          </Text>
        ) : null}
      </View>
    </View>
  );
}

/** 活动管理: each station's yearly duty, publish a session, and the sessions to run. */
export default function ManagePage() {
  const { state, retry } = useRemote(getManage);
  if (state.status === 'loading') return <PageShell><StateView status='loading' skeleton='cards' /></PageShell>;
  if (state.status === 'error') return <PageShell><StateView status='error' description={state.error.message} onAction={retry} /></PageShell>;
  const { hosts, duties, events } = state.data;
  const upcoming = events.filter((e) => !e.ended && e.status === 'published').reverse();
  const past = events.filter((e) => e.ended || e.status === 'cancelled');
  return (
    <PageShell
      title='活动管理'
      subtitle={hosts.map((h) => h.name).join('、') || '您还没有主办活动的站点或学校'}
      footer={hosts.length ? <Button block type='primary' onClick={() => go(eventRoutes.create())}>发布活动</Button> : undefined}
    >
      {duties.length ? (
        <Section title='年度心理健康教育任务'>
          {duties.map((d) => <DutyCard key={d.stationId} duty={d} />)}
        </Section>
      ) : null}
      <Section title='即将举办' extra={`${upcoming.length} 场`}>
        {upcoming.length === 0 ? <StateView compact status='empty' icon='event' title='暂无即将举办的活动' description='点击下方“发布活动”，家长即可在“活动”页报名。' /> : upcoming.map((e) => <Row key={e.id} event={e} />)}
      </Section>
      {past.length ? (
        <Section title='已结束或取消' extra='可复制后重新发布'>
          {past.map((e) => <Row key={e.id} event={e} />)}
        </Section>
      ) : null}
    </PageShell>
  );
}
