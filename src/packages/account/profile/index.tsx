import Taro from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { Button, Input } from '@nutui/nutui-react-taro';
import { useState } from 'react';
import type { MeOutput } from '../../../../types';
import { PageShell } from '../../../components/page-shell';
import { Section } from '../../../components/section';
import { StateView } from '../../../components/state-view';
import { LoginPrompt } from '../../../components/login-prompt';
import { useLoggedIn } from '../../../components/use-session';
import { useRemote } from '../../../components/use-remote';
import { useSubmit } from '../../../components/use-submit';
import { CharCounter, fieldId, LIMITS, nativeMax, revealErrors, useLeaveGuard, useLimits } from '../../../components/form-kit';
import { getMe, updateProfile } from '../../../services/me';
import './index.scss';

/** The longest display name accepted. */
export const MAX_NAME_LENGTH = LIMITS.profile.displayName;

/** Why a display name cannot be saved, or null when it can. */
export function validateDisplayName(name: string): string | null {
  const trimmed = name.trim();
  if (trimmed === '') return '请输入昵称';
  if ([...trimmed].length > MAX_NAME_LENGTH) return `昵称最多 ${MAX_NAME_LENGTH} 个字`;
  return null;
}

function ProfileForm({ me }: { me: MeOutput }) {
  const [name, setName] = useState(me.user.displayName);
  const { busy, run, hold } = useSubmit();
  const [error, setError] = useState<string | null>(null);
  const { cut, take } = useLimits();
  const guard = useLeaveGuard(name !== me.user.displayName);

  const save = async () => {
    const problem = validateDisplayName(name);
    if (problem) {
      setError(problem);
      revealErrors({ displayName: problem }, ['displayName']);
      return;
    }
    const result = await run(() => updateProfile({ displayName: name.trim() }));
    if (!result) return;
    if (!result.ok) {
      setError(result.error.message);
      revealErrors({ displayName: result.error.message }, ['displayName']);
      return;
    }
    hold();
    guard.release();
    Taro.showToast({ title: '已保存', icon: 'success' });
    setTimeout(() => void Taro.navigateBack(), 600);
  };

  return (
    <Section title='昵称'>
      <View id={fieldId('displayName')} className={`xq-field${error ? ' has-error' : ''}`}>
        <Input
          value={name}
          placeholder='其他家长和老师看到的称呼'
          maxLength={nativeMax(MAX_NAME_LENGTH)}
          clearable
          onChange={(value: string) => {
            setName(take('displayName', value, MAX_NAME_LENGTH));
            setError(null);
          }}
        />
      </View>
      <CharCounter value={name} max={MAX_NAME_LENGTH} cut={cut.displayName} />
      {error ? <Text className='xq-field-error'>{error}</Text> : null}
      <Text className='xq-profile__tip'>建议使用便于老师识别的称呼，例如“王女士”；请不要填写孩子的姓名、证件号等信息。</Text>
      <Button block type='primary' loading={busy} disabled={busy} onClick={() => void save()}>
        保存
      </Button>
    </Section>
  );
}

/** 编辑资料: change the display name. */
export default function ProfilePage() {
  const loggedIn = useLoggedIn();
  const { state, retry } = useRemote(getMe, { enabled: loggedIn });

  return (
    <PageShell title='编辑资料'>
      {!loggedIn ? <LoginPrompt title='请先登录' description='登录后可以修改你的昵称。' /> : null}
      {loggedIn && state.status === 'loading' ? <StateView status='loading' /> : null}
      {loggedIn && state.status === 'error' ? <StateView status='error' description={state.error.message} onAction={retry} /> : null}
      {loggedIn && state.status === 'ready' ? <ProfileForm me={state.data} /> : null}
    </PageShell>
  );
}
