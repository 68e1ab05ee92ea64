import Taro from '@tarojs/taro';
import { View, Text } from '@tarojs/components';
import { Right } from '../../components/icon';
import { useCallback, useState } from 'react';
import type { DutyStatus, EventListQuery, EventSummary } from '../../../types';
import { EventCard } from '../../components/event-card';
import { PageShell } from '../../components/page-shell';
import { StateView } from '../../components/state-view';
import { LoginPrompt } from '../../components/login-prompt';
import { useLoggedIn } from '../../components/use-session';
import { useRemote } from '../../components/use-remote';
import { getMe } from '../../services/me';
import { getManage, listEvents } from '../../services/events';
import type { ApiResult } from '../../services/request';
import { SearchBox } from '../../components/search-box';
import './index.scss';

/** Roles that publish and run sessions. */
const HOST_ROLES = new Set(['station_staff', 'school_leader', 'school_psychologist', 'admin']);

/** The page's data: the sessions of the chosen scope, whether the caller has children, and (for staff) their stations' duties. */
export interface EventsData {
  events: EventSummary[];
  hasChildren: boolean;
  staff: { duties: DutyStatus[] } | null;
}

/** Loads the sessions for a scope and filter, and the staff summary when the caller hosts sessions. */
export async function loadEvents(query: EventListQuery): Promise<ApiResult<EventsData>> {
  const me = await getMe();
  if (!me.ok) return me;
  const list = await listEvents(query);
  if (!list.ok) return list;
  let staff: EventsData['staff'] = null;
  if (me.data.roles.some((r) => HOST_ROLES.has(r.role))) {
    const manage = await getManage();
    if (manage.ok) staff = { duties: manage.data.duties };
  }
  return { ok: true, data: { events: list.data.events, hasChildren: me.data.children.length > 0, staff } };
}

const SCOPES: { key: NonNullable<EventListQuery['scope']>; label: string }[] = [
  { key: 'nearby', label: '孩子学校附近' },
  { key: 'all', label: '全部活动' },
  { key: 'mine', label: '我的报名' },
];

function StaffBanner({ duties }: { duties: DutyStatus[] }) {
  const pending = duties.filter((d) => d.status !== 'done');
  const urgent = pending.some((d) => d.urgent);
  return (
    <View hoverClass='xq-pressed' className={`xq-events__staff${urgent ? ' is-urgent' : ''} xq-tappable`} onClick={() => void Taro.navigateTo({ url: '/packages/events/manage/index' })} aria-label='活动管理'>
      <View className='xq-events__staff-text'>
        <Text className='xq-events__staff-title'>活动管理</Text>
        <Text className='xq-events__staff-sub'>
          {duties.length === 0
            ? '发布活动、查看报名名单、现场签到'
            : pending.length === 0
              ? `本年度心理健康教育活动：已完成（${duties.length} 个站点）`
              : `本年度心理健康教育活动：${pending.length} 个站点未完成，距年底 ${pending[0]?.daysLeft ?? 0} 天`}
        </Text>
      </View>
      <Right size={16} color={urgent ? '#b93a35' : '#267667'} />
    </View>
  );
}

/** 活动: 家长学校 sessions near the children's schools, with filters, "my sign-ups", and the staff entry. */
export default function EventsPage() {
  const loggedIn = useLoggedIn();
  const [scope, setScope] = useState<NonNullable<EventListQuery['scope']>>('nearby');
  const [mentalHealth, setMentalHealth] = useState(false);
  const [q, setQ] = useState('');
  const [search, setSearch] = useState('');
  const loader = useCallback(() => loadEvents({ scope, mentalHealth, q: search }), [scope, mentalHealth, search]);
  const { state, retry } = useRemote(loader, { enabled: loggedIn });
  const open = (id: string) => void Taro.navigateTo({ url: `/packages/events/detail/index?id=${encodeURIComponent(id)}` });

  const emptyText =
    scope === 'mine'
      ? { title: '还没有报名活动', description: '在“孩子学校附近”或“全部活动”中选择感兴趣的活动报名。' }
      : scope === 'nearby' && state.status === 'ready' && !state.data.hasChildren
        ? { title: '还没有绑定孩子', description: '绑定孩子后，这里会先列出孩子学校和所在区县站点的活动；也可以查看“全部活动”。' }
        : { title: '暂无可报名的活动', description: '站点和学校发布心理健康教育等家长学校活动后，会出现在这里。' };

  return (
    <PageShell title='家长学校活动' subtitle='家长学校与家庭教育指导服务站点每年至少面向家长开展一次心理健康教育'>
      {!loggedIn ? <LoginPrompt title='登录后报名活动' description='登录并绑定孩子后，这里会列出孩子学校和附近站点的家长学校活动，可在线报名、签到。' /> : null}
      {loggedIn && state.status === 'ready' && state.data.staff ? <StaffBanner duties={state.data.staff.duties} /> : null}
      {loggedIn ? (
        <View className='xq-events__filters'>
          <View className='xq-events__scopes'>
            {SCOPES.map((s) => (
              <Text key={s.key} className={`xq-events__scope${scope === s.key ? ' is-active' : ''} xq-link`} onClick={() => setScope(s.key)}>
                {s.label}
              </Text>
            ))}
          </View>
          <View className='xq-events__search'>
            <SearchBox
              className='xq-events__search-box'
              value={q}
              placeholder='搜索活动、主讲人、站点'
              maxLength={40}
              active={search !== ''}
              onInput={setQ}
              onSearch={setSearch}
              onClear={() => {
                setQ('');
                setSearch('');
              }}
            />
            <Text className={`xq-events__toggle${mentalHealth ? ' is-active' : ''} xq-link`} onClick={() => setMentalHealth(!mentalHealth)}>
              只看心理健康教育
            </Text>
          </View>
        </View>
      ) : null}
      {loggedIn && state.status === 'loading' ? <StateView status='loading' skeleton='cards' /> : null}
      {loggedIn && state.status === 'error' ? <StateView status='error' description={state.error.message} onAction={retry} /> : null}
      {loggedIn && state.status === 'ready' && state.data.events.length === 0 ? <StateView status='empty' icon='event' title={emptyText.title} description={emptyText.description} /> : null}
      {loggedIn && state.status === 'ready' ? state.data.events.map((e) => <EventCard key={e.id} event={e} onOpen={() => open(e.id)} />) : null}
    </PageShell>
  );
}
