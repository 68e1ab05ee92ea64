import { useRouter } from '@tarojs/taro';
import { useCallback, useState } from 'react';
import type { NoticeView } from '../../../../types';
import { PageShell } from '../../../components/page-shell';
import { SafetyCard } from '../../../components/safety-card';
import { StateView } from '../../../components/state-view';
import { useRemote } from '../../../components/use-remote';
import { useLoggedIn } from '../../../components/use-session';
import { LoginPrompt } from '../../../components/login-prompt';
import { refreshNoticeCounts } from '../../../components/notice-alert';
import { getNotice } from '../../../services/notices';
import { PrivacyCover, useSecureScreen } from '../lib/secure';
import { GuardianNotice } from './guardian';
import { StaffNotice } from './staff';

/** 告知书: the guardian's own copy (read, acknowledge) or the school's view (receipts, tasks, referrals, audit), on a protected page. */
export default function NoticePage() {
  const { params } = useRouter();
  const id = params.id ?? '';
  const loggedIn = useLoggedIn();
  const covered = useSecureScreen();
  // The answer of an action (acknowledge, approve, close …) shows until the next load brings the same or newer state.
  const [fresh, setFresh] = useState<NoticeView | null>(null);
  const loader = useCallback(async () => {
    const result = await getNotice(id);
    if (result.ok) {
      setFresh(null);
      // Opening records the reading: the 我的 badge and the 首页 card count one fewer.
      if (result.data.kind === 'guardian') void refreshNoticeCounts();
    }
    return result;
  }, [id]);
  const { state, retry, reload } = useRemote(loader, { enabled: loggedIn && id !== '' });

  if (!loggedIn) {
    return (
      <PageShell>
        <LoginPrompt title='请先登录' description='告知书只有孩子的监护人和学校授权老师登录后才能查看。' />
        <SafetyCard />
      </PageShell>
    );
  }
  if (id === '') {
    return (
      <PageShell>
        <StateView status='error' title='找不到这份告知书' description='链接不完整，请从“学校通知”重新打开。' />
        <SafetyCard />
      </PageShell>
    );
  }
  if (state.status !== 'ready') {
    return (
      <PageShell>
        {state.status === 'loading' ? <StateView status='loading' skeleton='detail' /> : <StateView status='error' description={state.error.message} onAction={retry} />}
        <SafetyCard />
      </PageShell>
    );
  }
  const view = fresh ?? state.data;
  return (
    <>
      {view.kind === 'guardian' ? <GuardianNotice view={view} onChanged={(next) => { setFresh(next); void refreshNoticeCounts(); }} reload={reload} /> : <StaffNotice view={view} onChanged={setFresh} />}
      {covered ? <PrivacyCover /> : null}
    </>
  );
}
