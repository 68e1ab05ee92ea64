/** WeChat's privacy authorization flow: holds the pending resolve of Taro.onNeedPrivacyAuthorization. */
import Taro from '@tarojs/taro';

type Resolve = (option: Taro.onNeedPrivacyAuthorization.ResolveOption) => void;

/** The id of the agree button on the privacy page (WeChat matches it in resolve). */
export const PRIVACY_AGREE_BUTTON_ID = 'xq-privacy-agree';

let pending: Resolve | null = null;

/** Registers the listener once at app start: WeChat asks before a privacy API runs; we open the guide page. */
export function installPrivacyGate(): void {
  if (process.env.TARO_ENV !== 'weapp' || typeof Taro.onNeedPrivacyAuthorization !== 'function') return;
  Taro.onNeedPrivacyAuthorization((resolve) => {
    pending = resolve;
    Taro.navigateTo({ url: '/packages/account/privacy/index?gate=1' }).catch(() => {
      settlePrivacyGate('disagree');
    });
  });
}

/** Whether WeChat is waiting for the user's answer. */
export function isPrivacyGatePending(): boolean {
  return pending !== null;
}

/** Tells WeChat the guide is on screen. */
export function exposePrivacyGate(): void {
  pending?.({ event: 'exposureAuthorization' });
}

/** Answers WeChat's pending question (agree with the button id, or disagree). */
export function settlePrivacyGate(answer: 'agree' | 'disagree'): void {
  const resolve = pending;
  pending = null;
  if (!resolve) return;
  resolve(answer === 'agree' ? { event: 'agree', buttonId: PRIVACY_AGREE_BUTTON_ID } : { event: 'disagree' });
}
