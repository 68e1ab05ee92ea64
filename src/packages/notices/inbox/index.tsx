import { View, Text } from '@tarojs/components';
import { ArrowRight, ShieldCheck } from '../../../components/icon';
import type { MyNoticeSummary } from '../../../../types';
import { LoginPrompt } from '../../../components/login-prompt';
import { PageShell } from '../../../components/page-shell';
import { Pill } from '../../../components/pill';
import { SafetyCard } from '../../../components/safety-card';
import { StateView } from '../../../components/state-view';
import { useRemote } from '../../../components/use-remote';
import { useLoggedIn } from '../../../components/use-session';
import { listMyNotices } from '../../../services/notices';
import { CHOICE_LABELS } from '../lib/labels';
import { go, noticeRoutes, when } from '../lib/nav';
import './index.scss';

/** Where a guardian's copy stands: unread, read and waiting for their confirmation, or confirmed with their choice. */
export function noticeState(n: MyNoticeSummary): { label: string; tone: 'danger' | 'warning' | 'success' } {
  if (!n.read) return { label: '未读', tone: 'danger' };
  if (!n.acknowledged) return { label: '待确认', tone: 'warning' };
  return { label: n.choice ? `已确认 · ${CHOICE_LABELS[n.choice]}` : '已确认', tone: 'success' };
}

function Row({ notice }: { notice: MyNoticeSummary }) {
  const state = noticeState(notice);
  return (
    <View hoverClass='xq-pressed' className={`xq-inbox__row${notice.read ? '' : ' is-unread'} xq-tappable`} onClick={() => go(noticeRoutes.view(notice.id))}>
      {notice.read ? null : <View className='xq-inbox__dot' />}
      <View className='xq-inbox__main'>
        <Text className='xq-inbox__title'>学生心理问题告知书 · {notice.studentName}</Text>
        <Text className='xq-inbox__meta'>
          {notice.schoolName} · {when(notice.sentAt)}
        </Text>
        <Pill tone={state.tone}>{state.label}</Pill>
      </View>
      <ArrowRight size={14} color='#5f6b67' />
    </View>
  );
}

/** 学校通知: the guardian's copies of school notices about their children; the content opens on the secure page. */
export default function InboxPage() {
  const loggedIn = useLoggedIn();
  const { state, retry } = useRemote(listMyNotices, { enabled: loggedIn });

  if (!loggedIn) {
    return (
      <PageShell title='学校通知' subtitle='孩子学校发出的心理健康告知书'>
        <LoginPrompt title='请先登录' description='登录并绑定孩子后，学校发出的告知书会出现在这里。' />
        <SafetyCard />
      </PageShell>
    );
  }

  const notices = state.status === 'ready' ? state.data.notices : [];
  const unread = notices.filter((n) => !n.read).length;
  return (
    <PageShell title='学校通知' subtitle={unread > 0 ? `${unread} 份未读，请尽快查看并确认` : '孩子学校发出的心理健康告知书'}>
      <View className='xq-inbox__secure'>
        <ShieldCheck size={14} color='#1d5c50' />
        <Text>内容加密保存，仅孩子的监护人和学校授权老师可以查看；每次打开都会留下记录。</Text>
      </View>
      {state.status === 'loading' ? <StateView status='loading' skeleton='list' /> : null}
      {state.status === 'error' ? <StateView status='error' description={state.error.message} onAction={retry} /> : null}
      {state.status === 'ready' && notices.length === 0 ? (
        <StateView
          status='empty'
          icon='notice'
          title='暂无学校通知'
          description='学校发出告知书后会通过微信通知你，并出现在这里。还没有绑定孩子？请先凭学校发放的绑定码绑定。'
          actionText='绑定孩子'
          onAction={() => go(noticeRoutes.bind())}
        />
      ) : null}
      {notices.length > 0 ? (
        <View className='xq-inbox__list'>
          {notices.map((n) => (
            <Row key={n.id} notice={n} />
          ))}
        </View>
      ) : null}
      <SafetyCard />
    </PageShell>
  );
}
