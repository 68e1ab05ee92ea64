import Taro, { useRouter, useUnload } from '@tarojs/taro';
import { Button as NativeButton, View, Text } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import dayjs from 'dayjs';
import { useEffect, useState } from 'react';
import type { MeOutput, PrivacyGuideOutput } from '../../../../types';
import { PageShell } from '../../../components/page-shell';
import { Section } from '../../../components/section';
import { StateView } from '../../../components/state-view';
import { useRemote } from '../../../components/use-remote';
import { useSubmit } from '../../../components/use-submit';
import { getPrivacyGuide } from '../../../services/privacy';
import { agreePrivacy, getMe } from '../../../services/me';
import { getPendingPrivacyVersion, isLoggedIn, setPendingPrivacyVersion } from '../../../services/session';
import { exposePrivacyGate, isPrivacyGatePending, PRIVACY_AGREE_BUTTON_ID, settlePrivacyGate } from '../../../services/privacy-gate';
import type { ApiResult } from '../../../services/request';
import './index.scss';

const IS_WEAPP = process.env.TARO_ENV === 'weapp';

/** The guide, and the version this user (or this device, while logged out) already agreed to. */
export interface PrivacyPageData {
  guide: PrivacyGuideOutput;
  agreedVersion: string | null;
  agreedAt: string | null;
}

/** Loads the guide and the user's agreement state. */
export async function loadPrivacy(): Promise<ApiResult<PrivacyPageData>> {
  const guide = await getPrivacyGuide();
  if (!guide.ok) return guide;
  if (!isLoggedIn()) return { ok: true, data: { guide: guide.data, agreedVersion: getPendingPrivacyVersion(), agreedAt: null } };
  const me: ApiResult<MeOutput> = await getMe();
  if (!me.ok) return me;
  return { ok: true, data: { guide: guide.data, agreedVersion: me.data.privacy.agreedVersion, agreedAt: me.data.privacy.agreedAt } };
}

/** 隐私保护指引: the full guide from the server, with WeChat's privacy authorization agree button. */
export default function PrivacyPage() {
  const router = useRouter();
  const fromGate = router.params.gate === '1';
  const { state, retry } = useRemote(loadPrivacy);
  const { busy: saving, run } = useSubmit();
  const [agreedNow, setAgreedNow] = useState<string | null>(null);

  useEffect(() => {
    if (fromGate && isPrivacyGatePending()) exposePrivacyGate();
  }, [fromGate]);

  useUnload(() => {
    if (isPrivacyGatePending()) settlePrivacyGate('disagree');
  });

  const agree = async () => {
    if (state.status !== 'ready') return;
    const version = state.data.guide.version;
    settlePrivacyGate('agree');
    if (!isLoggedIn()) {
      setPendingPrivacyVersion(version);
      setAgreedNow(version);
      Taro.showToast({ title: '已同意，登录后自动同步', icon: 'none' });
      return;
    }
    const result = await run(() => agreePrivacy(version));
    if (!result) return;
    if (!result.ok) {
      Taro.showToast({ title: result.error.message, icon: 'none', duration: 2500 });
      return;
    }
    setAgreedNow(version);
    Taro.showToast({ title: '已同意', icon: 'success' });
    if (fromGate) setTimeout(() => void Taro.navigateBack(), 600);
  };

  const disagree = () => {
    settlePrivacyGate('disagree');
    Taro.navigateBack().catch(() => undefined);
  };

  if (state.status === 'loading') return <PageShell><StateView status='loading' /></PageShell>;
  if (state.status === 'error') {
    return (
      <PageShell>
        <StateView status='error' title='隐私保护指引加载失败' description={state.error.message} onAction={retry} />
      </PageShell>
    );
  }

  const { guide } = state.data;
  const agreedVersion = agreedNow ?? state.data.agreedVersion;
  const agreed = agreedVersion === guide.version;
  const buttonText = agreed ? '已同意此版本' : '同意并继续';

  const footer = (
    <View className='xq-privacy__footer'>
      {fromGate && !agreed ? (
        <Button className='xq-privacy__disagree' fill='outline' onClick={disagree}>
          不同意
        </Button>
      ) : null}
      {IS_WEAPP ? (
        <NativeButton
          id={PRIVACY_AGREE_BUTTON_ID}
          className={`xq-privacy__agree${agreed ? ' is-done' : ''}`}
          openType='agreePrivacyAuthorization'
          onAgreePrivacyAuthorization={() => void agree()}
          disabled={agreed || saving}
          loading={saving}
        >
          {buttonText}
        </NativeButton>
      ) : (
        <Button className='xq-privacy__agree-h5' type='primary' block disabled={agreed} loading={saving} onClick={() => void agree()}>
          {buttonText}
        </Button>
      )}
    </View>
  );

  return (
    <PageShell footer={footer} className='xq-privacy'>
      <View className='xq-privacy__head'>
        <Text className='xq-privacy__title'>{guide.title}</Text>
        <Text className='xq-privacy__meta'>
          版本 {guide.version} · {dayjs(guide.effectiveDate).isValid() ? dayjs(guide.effectiveDate).format('YYYY年M月D日') : guide.effectiveDate} 起生效
        </Text>
        {agreed ? (
          <Text className='xq-privacy__status'>
            你已同意此版本{state.data.agreedAt && !agreedNow ? `（${dayjs(state.data.agreedAt).format('YYYY年M月D日')}）` : ''}
          </Text>
        ) : agreedVersion ? (
          <Text className='xq-privacy__status is-todo'>指引已更新（你曾同意 {agreedVersion}），请阅读后重新同意</Text>
        ) : null}
      </View>
      {guide.sections.map((section) => (
        <Section key={section.heading} title={section.heading}>
          {section.body.map((paragraph, index) => (
            <Text key={index} className='xq-privacy__para'>
              {paragraph}
            </Text>
          ))}
        </Section>
      ))}
    </PageShell>
  );
}
