import Taro from '@tarojs/taro';
import { View, Text } from '@tarojs/components';
import { Button, Input } from '@nutui/nutui-react-taro';
import { Success } from '../../../components/icon/more';
import { useState } from 'react';
import { PageShell } from '../../../components/page-shell';
import { Section } from '../../../components/section';
import { LoginPrompt } from '../../../components/login-prompt';
import { useLoggedIn } from '../../../components/use-session';
import { useSubmit } from '../../../components/use-submit';
import { codeErrorMessage } from '../../../services/attempts';
import { redeemInvitation } from '../../../services/invitations';
import './index.scss';

/** 邀请码: staff redeem the invitation code an admin gave them and receive their role. */
export default function InvitePage() {
  const loggedIn = useLoggedIn();
  const [code, setCode] = useState('');
  const { busy, run } = useSubmit();
  const [error, setError] = useState<{ code: string; message: string } | null>(null);
  const [done, setDone] = useState(false);

  const submit = async () => {
    const trimmed = code.trim();
    if (trimmed === '') {
      setError({ code: 'EMPTY', message: '请输入邀请码' });
      return;
    }
    setError(null);
    const result = await run((key) => redeemInvitation(trimmed, key));
    if (!result) return;
    if (!result.ok) {
      setError({ code: result.error.code, message: codeErrorMessage(result.error, '邀请码无效') });
      return;
    }
    setDone(true);
  };

  if (!loggedIn) {
    return (
      <PageShell title='使用邀请码' subtitle='学校、站点和妇联工作人员凭邀请码开通工作身份'>
        <LoginPrompt title='请先登录' description='登录后再输入邀请码，身份会开通到你的账号上。' />
      </PageShell>
    );
  }

  if (done) {
    return (
      <PageShell>
        <View className='xq-invite__done'>
          <Success size={56} color='#267667' />
          <Text className='xq-invite__done-title'>身份已开通</Text>
          <Text className='xq-invite__done-desc'>新的工作身份已添加到你的账号，可在「我的」中查看。</Text>
          <Button type='primary' onClick={() => void Taro.switchTab({ url: '/pages/me/index' })}>
            返回我的
          </Button>
        </View>
      </PageShell>
    );
  }

  return (
    <PageShell title='使用邀请码' subtitle='学校、站点和妇联工作人员凭邀请码开通工作身份'>
      <Section title='输入邀请码'>
        <View className={`xq-field${error ? ' has-error' : ''}`}>
          <Input
            value={code}
            placeholder='请输入邀请码，如 ABCD-EFGH'
            maxLength={20}
            clearable
            onChange={(value: string) => {
              setCode(value);
              setError(null);
            }}
          />
        </View>
        {error ? <Text className='xq-field-error'>{error.message}</Text> : null}
        {error?.code === 'PRIVACY_CONSENT_REQUIRED' ? (
          <Text className='xq-invite__link xq-link' onClick={() => void Taro.navigateTo({ url: '/packages/account/privacy/index' })}>
            去阅读并同意隐私保护指引
          </Text>
        ) : null}
        <Text className='xq-invite__tip'>邀请码只能使用一次，过期后请联系平台管理员重新生成。</Text>
        <Button block type='primary' loading={busy} disabled={busy} onClick={() => void submit()}>
          确认开通
        </Button>
      </Section>
    </PageShell>
  );
}
