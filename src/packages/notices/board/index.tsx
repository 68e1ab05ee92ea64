import { useRouter } from '@tarojs/taro';
import { View, Text } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import { ArrowRight } from '../../../components/icon';
import { useCallback, useState } from 'react';
import type { NoticeBoardItem, NoticeBoardOutput, NoticeSchoolsOutput } from '../../../../types';
import { ROLE_LABELS } from '../../../shared/labels';
import { LoginPrompt } from '../../../components/login-prompt';
import { PageShell } from '../../../components/page-shell';
import { Pill } from '../../../components/pill';
import { SafetyCard } from '../../../components/safety-card';
import { Section } from '../../../components/section';
import { StateView } from '../../../components/state-view';
import { useRemote } from '../../../components/use-remote';
import { useLoggedIn } from '../../../components/use-session';
import { getMe } from '../../../services/me';
import { getNoticeBoard, listNoticeSchools } from '../../../services/notices';
import { Chips } from '../lib/form';
import { CHOICE_LABELS, LEVEL_LABELS, LEVEL_TONES, NEXT_STEP_LABELS, STATUS_VIEW, TASK_LABELS } from '../lib/labels';
import { go, noticeRoutes, when } from '../lib/nav';
import { AdminPanel } from './admin';
import './index.scss';

/** The board's filters. */
export type BoardFilter = 'all' | 'pending' | 'awaiting' | 'overdue' | 'closed';
const FILTERS: readonly BoardFilter[] = ['all', 'pending', 'awaiting', 'overdue', 'closed'];
const FILTER_LABELS: Record<BoardFilter, string> = { all: '全部', pending: '待审批', awaiting: '待确认', overdue: '逾期', closed: '已结案' };

/** Whether a board item belongs under a filter. */
export function matchesFilter(item: NoticeBoardItem, filter: BoardFilter): boolean {
  switch (filter) {
    case 'pending':
      return item.status === 'pending_approval';
    case 'awaiting':
      return item.status === 'sent' && item.acknowledged < item.recipients;
    case 'overdue':
      return item.overdue;
    case 'closed':
      return item.status === 'closed' || item.status === 'purged';
    default:
      return true;
  }
}

function Counts({ counts }: { counts: NoticeBoardOutput['counts'] }) {
  const tiles: { label: string; value: number; alert?: boolean }[] = [
    { label: '待审批', value: counts.pendingApproval },
    { label: '待确认', value: counts.awaiting },
    { label: '已确认', value: counts.acknowledged },
    { label: '逾期', value: counts.overdue, alert: counts.overdue > 0 },
    { label: '待办任务', value: counts.openTasks, alert: counts.openTasks > 0 },
  ];
  return (
    <View className='xq-board__counts'>
      {tiles.map((t) => (
        <View key={t.label} className={`xq-board__count${t.alert ? ' is-alert' : ''}`}>
          <Text className='xq-board__count-value'>{t.value}</Text>
          <Text className='xq-board__count-label'>{t.label}</Text>
        </View>
      ))}
    </View>
  );
}

function Item({ item }: { item: NoticeBoardItem }) {
  const status = STATUS_VIEW[item.status];
  return (
    <View hoverClass='xq-pressed' className={`xq-board__item${item.overdue ? ' is-overdue' : ''} xq-tappable`} onClick={() => go(noticeRoutes.view(item.id))}>
      <View className='xq-board__item-head'>
        <Text className='xq-board__item-name'>
          {item.student.name} · {item.student.grade}
          {item.student.className}
        </Text>
        {item.overdue ? <Pill tone='danger'>逾期</Pill> : <Pill tone={status.tone}>{status.label}</Pill>}
      </View>
      <View className='xq-board__item-tags'>
        <Pill tone={LEVEL_TONES[item.level]}>{LEVEL_LABELS[item.level]}</Pill>
        {item.overdue ? <Pill tone={status.tone}>{status.label}</Pill> : null}
        {item.choices.map((c, i) => (
          <Pill key={`${c}-${i}`} tone={c === 'decline' ? 'warning' : 'success'}>
            {CHOICE_LABELS[c]}
          </Pill>
        ))}
        {item.referral ? <Pill tone={item.referral === 'open' ? 'warning' : 'default'}>{item.referral === 'open' ? '转介跟进中' : '转介已结束'}</Pill> : null}
      </View>
      {item.sentAt ? (
        <Text className='xq-board__item-line'>
          已读 {item.read}/{item.recipients} · 已确认 {item.acknowledged}/{item.recipients}
          {item.openTasks > 0 ? ` · ${item.openTasks} 项待办` : ''}
        </Text>
      ) : null}
      {item.nextStep ? (
        <Text className={`xq-board__item-line${item.overdue ? ' is-overdue' : ''}`}>
          下一步：{NEXT_STEP_LABELS[item.nextStep.kind]} · {when(item.nextStep.at)}
        </Text>
      ) : null}
      <Text className='xq-board__item-meta'>
        {item.createdByName} · {when(item.sentAt ?? item.createdAt)}
        {item.sentAt ? ' 发出' : ' 撰写'}
      </Text>
    </View>
  );
}

function Board({ schoolId }: { schoolId: string }) {
  const loader = useCallback(() => getNoticeBoard(schoolId), [schoolId]);
  const { state, retry } = useRemote(loader, { loadOnMount: true });
  const [filter, setFilter] = useState<BoardFilter>('all');
  if (state.status === 'loading') return <StateView status='loading' skeleton='list' />;
  if (state.status === 'error') return <StateView status='error' description={state.error.message} onAction={retry} />;
  const board = state.data;
  const shown = board.items.filter((i) => matchesFilter(i, filter));
  return (
    <>
      <Counts counts={board.counts} />
      <View className='xq-board__actions'>
        {board.canIssue ? (
          <Button type='primary' onClick={() => go(noticeRoutes.issue(schoolId))}>
            发出告知书
          </Button>
        ) : null}
        <Button fill='outline' type='primary' onClick={() => go(noticeRoutes.students(schoolId))}>
          学生与绑定
        </Button>
        <Button fill='outline' type='primary' onClick={() => go(noticeRoutes.classes(schoolId))}>
          班级与班主任
        </Button>
        <Button fill='outline' type='default' onClick={() => go(noticeRoutes.settings(schoolId))}>
          告知设置
        </Button>
      </View>
      {board.tasks.length > 0 ? (
        <Section title='我的待办' extra={`${board.tasks.length} 项`}>
          {board.tasks.map((t) => (
            <View hoverClass='xq-pressed' key={t.id} className={`xq-board__task${t.overdue ? ' is-overdue' : ''} xq-tappable`} onClick={() => go(noticeRoutes.view(t.noticeId))}>
              <View className='xq-board__task-text'>
                <Text className='xq-board__task-title'>
                  {TASK_LABELS[t.kind]} · {t.studentName}
                </Text>
                <Text className={`xq-board__task-due${t.overdue ? ' is-overdue' : ''}`}>
                  {t.overdue ? '已逾期 · ' : ''}
                  {when(t.dueAt)} 前完成
                </Text>
              </View>
              <ArrowRight size={12} color='#5f6b67' />
            </View>
          ))}
        </Section>
      ) : null}
      <Section title='告知书' extra={`${board.items.length} 份`}>
        <Chips options={FILTERS} value={filter} label={(f) => FILTER_LABELS[f]} onChange={setFilter} />
        {shown.length === 0 ? (
          <StateView
            compact
            status='empty'
            icon='notice'
            title={board.items.length === 0 ? '还没有告知书' : `没有${FILTER_LABELS[filter]}的告知书`}
            description={board.items.length === 0 ? (board.canIssue ? '发现学生需要家校共同关注时，可以在这里发出告知书。' : '心理教师发出告知书后会显示在这里。') : undefined}
          />
        ) : (
          <View className='xq-board__list'>
            {shown.map((i) => (
              <Item key={i.id} item={i} />
            ))}
          </View>
        )}
      </Section>
    </>
  );
}

function Schools({ data, initial }: { data: NoticeSchoolsOutput; initial: string | undefined }) {
  const [picked, setPicked] = useState<string>(() => data.schools.find((s) => s.id === initial)?.id ?? data.schools[0]?.id ?? '');
  const school = data.schools.find((s) => s.id === picked);
  if (!school) return null;
  return (
    <>
      {data.schools.length > 1 ? (
        <Chips options={data.schools.map((s) => s.id)} value={picked} label={(id) => data.schools.find((s) => s.id === id)?.name ?? ''} onChange={setPicked} />
      ) : null}
      <View className='xq-board__school'>
        <Text className='xq-board__school-name'>{school.name}</Text>
        <Text className='xq-board__school-roles'>{school.roles.map((r) => ROLE_LABELS[r]).join('、')}</Text>
      </View>
      <Board key={school.id} schoolId={school.id} />
    </>
  );
}

/** 告知书工作台: the school picker, counts, the caller's open tasks and every notice, overdue in red; administrators verify the audit chain. */
export default function BoardPage() {
  const { params } = useRouter();
  const loggedIn = useLoggedIn();
  const schools = useRemote(listNoticeSchools, { enabled: loggedIn });
  const me = useRemote(getMe, { enabled: loggedIn });
  const isAdmin = me.state.status === 'ready' && me.state.data.roles.some((r) => r.role === 'admin');

  if (!loggedIn) {
    return (
      <PageShell title='告知书工作台'>
        <LoginPrompt title='请先登录' description='学校心理教师、班主任和学校领导登录后使用告知书工作台。' />
        <SafetyCard />
      </PageShell>
    );
  }

  const s = schools.state;
  return (
    <PageShell title='告知书工作台' subtitle='学生心理问题告知书的发出、回执与跟进'>
      {s.status === 'loading' ? <StateView status='loading' /> : null}
      {s.status === 'error' ? <StateView status='error' description={s.error.message} onAction={schools.retry} /> : null}
      {s.status === 'ready' && s.data.schools.length > 0 ? <Schools data={s.data} initial={params.school} /> : null}
      {s.status === 'ready' && s.data.schools.length === 0 && !isAdmin && me.state.status !== 'loading' ? (
        <StateView
          status='empty'
          icon='person'
          title='你还没有学校的工作身份'
          description='学校心理教师、班主任和学校领导凭学校的邀请码开通身份后使用告知书工作台。'
          actionText='使用邀请码'
          onAction={() => go('/packages/account/invite/index')}
        />
      ) : null}
      {isAdmin ? <AdminPanel /> : null}
      <SafetyCard />
    </PageShell>
  );
}
