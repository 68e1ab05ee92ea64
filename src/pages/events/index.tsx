import { View, Text } from '@tarojs/components';
import { Location, Store } from '@nutui/icons-react-taro';
import type { BoundChild, Station } from '../../../types';
import { STATION_KIND_LABELS } from '../../shared/labels';
import { Pill } from '../../components/pill';
import { PageShell } from '../../components/page-shell';
import { Section } from '../../components/section';
import { StateView } from '../../components/state-view';
import { LoginPrompt } from '../../components/login-prompt';
import { useLoggedIn } from '../../components/use-session';
import { useRemote } from '../../components/use-remote';
import { getMe } from '../../services/me';
import { listStations } from '../../services/registry';
import type { ApiResult } from '../../services/request';
import './index.scss';

/** The stations near one of the children's schools. */
export interface SchoolStations {
  schoolId: string;
  schoolName: string;
  childNames: string[];
  stations: Station[];
}

/** The page's data: the children, and the stations of each child's school region. */
export interface EventsData {
  children: BoundChild[];
  groups: SchoolStations[];
}

/** Loads the children and lists the stations of each child's school region. */
export async function loadEvents(): Promise<ApiResult<EventsData>> {
  const me = await getMe();
  if (!me.ok) return me;
  const children = me.data.children;
  if (children.length === 0) return { ok: true, data: { children, groups: [] } };
  const groups: SchoolStations[] = [];
  for (const child of children) {
    const existing = groups.find((g) => g.schoolId === child.schoolId);
    if (existing) {
      existing.childNames.push(child.name);
      continue;
    }
    const result = await listStations(child.schoolRegionId);
    if (!result.ok) return result;
    groups.push({ schoolId: child.schoolId, schoolName: child.schoolName, childNames: [child.name], stations: result.data.stations });
  }
  return { ok: true, data: { children, groups } };
}

function StationCard({ station }: { station: Station }) {
  return (
    <View className='xq-events__station'>
      <View className='xq-events__station-icon'>
        <Store size={20} color='#2e8b7a' />
      </View>
      <View className='xq-events__station-body'>
        <View className='xq-events__station-head'>
          <Pill tone={station.kind === 'parent_school' ? 'primary' : 'warning'}>
            {STATION_KIND_LABELS[station.kind]}
          </Pill>
        </View>
        <Text className='xq-events__station-name'>{station.name}</Text>
        {station.address ? (
          <View className='xq-events__station-address'>
            <Location size={12} color='#98a29e' />
            <Text>{station.address}</Text>
          </View>
        ) : null}
      </View>
    </View>
  );
}

/** 活动: the 家长学校 and 家庭教育指导服务站点 of the child's school region; sessions come with sign-up. */
export default function EventsPage() {
  const loggedIn = useLoggedIn();
  const { state, retry } = useRemote(loadEvents, { enabled: loggedIn });

  return (
    <PageShell title='家长学校活动' subtitle='家长学校与家庭教育指导服务站点每年至少面向家长开展一次心理健康教育'>
      {!loggedIn ? <LoginPrompt title='登录后查看身边的站点' description='登录并绑定孩子后，这里会列出孩子学校所在地区的家长学校和指导站点。' /> : null}
      {loggedIn && state.status === 'loading' ? <StateView status='loading' /> : null}
      {loggedIn && state.status === 'error' ? <StateView status='error' description={state.error.message} onAction={retry} /> : null}
      {loggedIn && state.status === 'ready' && state.data.children.length === 0 ? (
        <Section title='身边的站点'>
          <StateView compact status='empty' title='还没有绑定孩子' description='绑定孩子后，这里会显示孩子学校所在地区的家长学校和家庭教育指导服务站点。绑定码由孩子的学校发放。' />
        </Section>
      ) : null}
      {loggedIn && state.status === 'ready'
        ? state.data.groups.map((group) => (
            <Section key={group.schoolId} title={group.schoolName} extra={`${group.childNames.join('、')}的学校`}>
              <Text className='xq-events__caption'>所在地区的站点（{group.stations.length} 个）</Text>
              {group.stations.length === 0 ? (
                <StateView compact status='empty' title='该地区还没有登记的站点' description='站点登记后会出现在这里。' />
              ) : (
                group.stations.map((station) => <StationCard key={station.id} station={station} />)
              )}
            </Section>
          ))
        : null}
      <Section title='近期活动'>
        <StateView
          compact
          status='empty'
          title='暂无可报名的活动'
          description='站点发布心理健康教育等家长学校活动后，你可以在这里报名、查看时间地点并签到。活动报名功能即将开放。'
        />
      </Section>
    </PageShell>
  );
}
