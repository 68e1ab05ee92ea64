import Taro from '@tarojs/taro';
import { View, Text } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import dayjs from 'dayjs';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { AuthoringCourseSummary, AuthoringListQuery, PolicyModule, Stage } from '../../../../types';
import { MODULE_LABELS, POLICY_MODULES, STAGE_LABELS, STAGES } from '../../../shared/labels';
import { PageShell } from '../../../components/page-shell';
import { Pill } from '../../../components/pill';
import { Section } from '../../../components/section';
import { StateView } from '../../../components/state-view';
import { useRemote } from '../../../components/use-remote';
import { listAuthoring } from '../../../services/authoring';
import { Chips } from '../components/chips';
import './index.scss';

function open(url: string): void {
  Taro.navigateTo({ url }).catch(() => undefined);
}

function CourseRow({ c }: { c: AuthoringCourseSummary }) {
  return (
    <View hoverClass='xq-pressed' className='xq-authoring__row xq-tappable' role='button' onClick={() => open(`/packages/admin/course-edit/index?id=${encodeURIComponent(c.id)}`)}>
      <View className='xq-authoring__row-head'>
        <Text className='xq-authoring__row-title'>{c.title}</Text>
        <Pill tone={c.published ? 'success' : 'warning'}>{c.published ? '已发布' : '草稿'}</Pill>
      </View>
      <Text className='xq-authoring__row-meta'>
        {MODULE_LABELS[c.module]} · {c.stages.map((s) => STAGE_LABELS[s]).join('、')} · {c.lessonCount} 个课时 · {c.questionCount} 道测验题
      </Text>
      <Text className='xq-authoring__row-meta'>
        {c.regionName ? `${c.regionName}课程` : '全平台课程'}
        {c.origin === 'content' ? ' · 随项目发布' : ''} · 更新于 {dayjs(c.updatedAt).format('YYYY-MM-DD HH:mm')}
      </Text>
    </View>
  );
}

/** 课程编写: every course the caller may edit, drafts marked, filtered by module, stage and status; 新建课程. */
export default function AuthoringListPage() {
  const [query, setQuery] = useState<AuthoringListQuery>({});
  const loader = useCallback(() => listAuthoring(query), [query]);
  const { state, retry, reload } = useRemote(loader);
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    void reload();
  }, [query, reload]);
  const toggle = <K extends keyof AuthoringListQuery>(key: K, value: NonNullable<AuthoringListQuery[K]>) =>
    setQuery((q) => ({ ...q, [key]: q[key] === value ? undefined : value }));
  const filtered = Boolean(query.module || query.stage || query.status);
  return (
    <PageShell title='课程编写' subtitle='新建和修改家庭教育课程：课时、音视频、测验，预览后发布。草稿家长看不到。'>
      <View className='xq-authoring__new'>
        <Button block type='primary' onClick={() => open('/packages/admin/course-edit/index')}>新建课程</Button>
      </View>
      <Section title='筛选'>
        <Text className='xq-authoring__label'>状态</Text>
        <Chips label='状态' options={[{ value: 'draft', label: '草稿' }, { value: 'published', label: '已发布' }]} selected={query.status ? [query.status] : []} onToggle={(v) => toggle('status', v)} />
        <Text className='xq-authoring__label'>模块</Text>
        <Chips<PolicyModule> label='模块' options={POLICY_MODULES.map((m) => ({ value: m, label: MODULE_LABELS[m] }))} selected={query.module ? [query.module] : []} onToggle={(v) => toggle('module', v)} />
        <Text className='xq-authoring__label'>学段</Text>
        <Chips<Stage> label='学段' options={STAGES.map((s) => ({ value: s, label: STAGE_LABELS[s] }))} selected={query.stage ? [query.stage] : []} onToggle={(v) => toggle('stage', v)} />
      </Section>
      {state.status === 'loading' ? <StateView status='loading' skeleton='list' /> : null}
      {state.status === 'error' ? <StateView status='error' description={state.error.message} onAction={retry} /> : null}
      {state.status === 'ready' && state.data.courses.length === 0 ? (
        <StateView status='empty' icon='course' title={filtered ? '没有符合筛选条件的课程' : '还没有可编写的课程'} description={filtered ? '换个筛选条件试试' : '点“新建课程”写第一门课'} />
      ) : null}
      {state.status === 'ready' && state.data.courses.length > 0 ? (
        <Section title='课程' extra={`${state.data.courses.length} 门（草稿 ${state.data.courses.filter((c) => !c.published).length}）`} flush>
          {state.data.courses.map((c) => <CourseRow key={c.id} c={c} />)}
        </Section>
      ) : null}
    </PageShell>
  );
}
