import Taro from '@tarojs/taro';
import { View, Text } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import { ArrowRight, User, Weixin } from '../../../components/icon';
import { useState } from 'react';
import type { LoginOutput } from '../../../../types';
import { PageShell } from '../../../components/page-shell';
import { Section } from '../../../components/section';
import { StateView } from '../../../components/state-view';
import { useRemote } from '../../../components/use-remote';
import { useSubmit } from '../../../components/use-submit';
import { devLogin, listDevIdentities, loginWithWeChat } from '../../../services/auth';
import type { ApiResult } from '../../../services/request';
import './index.scss';

const IS_WEAPP = process.env.TARO_ENV === 'weapp';

/** Statuses meaning "the development login is off here", not a failure worth showing. */
function devLoginUnavailable(status: number, code: string): boolean {
  return code === 'DEV_LOGIN_DISABLED' || status === 404 || status === 403;
}

function afterLogin(result: ApiResult<LoginOutput>): void {
  if (!result.ok) {
    Taro.showToast({ title: result.error.message, icon: 'none', duration: 2500 });
    return;
  }
  Taro.showToast({ title: `欢迎，${result.data.me.user.displayName}`, icon: 'success' });
  setTimeout(() => {
    Taro.navigateBack().catch(() => Taro.switchTab({ url: '/pages/me/index' }));
  }, 600);
}

/** 登录: WeChat login on the mini-program, demo identities wherever the development login is on. */
export default function LoginPage() {
  const { state, retry } = useRemote(listDevIdentities);
  const [busy, setBusy] = useState<string | null>(null);
  const { run } = useSubmit();

  /** One login at a time; `busy` names the button that shows it. */
  const login = async (what: string, call: () => Promise<ApiResult<LoginOutput>>) => {
    const result = await run(async () => {
      setBusy(what);
      try {
        return await call();
      } finally {
        setBusy(null);
      }
    });
    if (result) afterLogin(result);
  };
  const wechat = () => void login('wechat', loginWithWeChat);
  const asIdentity = (key: string) => login(key, () => devLogin(key));

  const devOff = state.status === 'error' && devLoginUnavailable(state.error.status, state.error.code);

  return (
    <PageShell className='xq-login'>
      <View className='xq-login__brand'>
        <View className='xq-login__logo'>
          <Text>心桥</Text>
        </View>
        <Text className='xq-login__title'>欢迎来到心桥</Text>
        <Text className='xq-login__subtitle'>学生心理健康 · 家庭教育</Text>
      </View>

      {IS_WEAPP ? (
        <Button block type='primary' size='large' icon={<Weixin size={18} />} loading={busy === 'wechat'} disabled={busy !== null} onClick={wechat}>
          微信一键登录
        </Button>
      ) : null}

      {state.status === 'loading' ? <StateView compact status='loading' title='正在检查登录方式…' /> : null}
      {state.status === 'error' && !devOff ? (
        <StateView compact status='error' title='无法获取登录方式' description={state.error.message} onAction={retry} />
      ) : null}
      {devOff && !IS_WEAPP ? (
        <StateView compact status='empty' icon='wechat' title='请在微信中打开' description='网页版仅用于演示。请在微信中搜索“心桥”小程序，使用微信登录。' />
      ) : null}
      {state.status === 'ready' ? (
        <Section title='开发环境登录' extra='演示身份' flush>
          <Text className='xq-login__hint'>仅在开发和演示环境开放，正式环境不可用。</Text>
          {state.data.identities.length === 0 ? (
            <StateView compact status='empty' icon='person' title='没有可用的演示身份' />
          ) : (
            state.data.identities.map((identity) => (
              <View hoverClass='xq-pressed'
                key={identity.key}
                className={`xq-login__identity${busy === identity.key ? ' is-busy' : ''} xq-tappable`}
                onClick={() => {
                  if (busy === null) void asIdentity(identity.key);
                }}
              >
                <View className='xq-login__identity-icon'>
                  <User size={18} color='#267667' />
                </View>
                <View className='xq-login__identity-text'>
                  <Text className='xq-login__identity-label'>{identity.label}</Text>
                  <Text className='xq-login__identity-desc'>{identity.description}</Text>
                </View>
                <Text className='xq-login__identity-go'>{busy === identity.key ? '登录中…' : ''}</Text>
                <ArrowRight size={14} color='#5f6b67' />
              </View>
            ))
          )}
        </Section>
      ) : null}

      <View hoverClass='xq-pressed' className='xq-login__agreement xq-tappable' onClick={() => void Taro.navigateTo({ url: '/packages/account/privacy/index' })}>
        <Text>登录即表示你已阅读并同意</Text>
        <Text className='xq-login__link'>《心桥隐私保护指引》</Text>
      </View>
    </PageShell>
  );
}
