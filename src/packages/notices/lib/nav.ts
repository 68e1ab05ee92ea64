/** Routes of the notices subpackage, and the small actions its pages share (open, toast, dial, copy, time format). */
import Taro from '@tarojs/taro';
import dayjs from 'dayjs';

const ROOT = '/packages/notices';

/** `?a=1&b=2` from the given values (empty ones left out). */
function q(params: Record<string, string | undefined>): string {
  const parts = Object.entries(params).filter((e): e is [string, string] => Boolean(e[1])).map(([k, v]) => `${k}=${encodeURIComponent(v)}`);
  return parts.length > 0 ? `?${parts.join('&')}` : '';
}

/** The pages of the subpackage. */
export const noticeRoutes = {
  bind: () => `${ROOT}/bind/index`,
  inbox: () => `${ROOT}/inbox/index`,
  view: (id: string) => `${ROOT}/view/index${q({ id })}`,
  board: (school?: string) => `${ROOT}/board/index${q({ school })}`,
  /** A new notice; `from` copies a notice sent back for changes. */
  issue: (school: string, student?: string, from?: string) => `${ROOT}/issue/index${q({ school, student, from })}`,
  students: (school: string) => `${ROOT}/students/index${q({ school })}`,
  settings: (school: string) => `${ROOT}/settings/index${q({ school })}`,
  classes: (school: string) => `${ROOT}/classes/index${q({ school })}`,
  mydata: () => `${ROOT}/mydata/index`,
};

/** Opens a page on top of the current one. */
export function go(url: string): void {
  Taro.navigateTo({ url }).catch(() => undefined);
}

/** Shows a short message. */
export function toast(title: string, icon: 'success' | 'none' = 'none'): void {
  void Taro.showToast({ title, icon, duration: 2000 });
}

/** Dials a number; when the dialer is unavailable, shows it to dial by hand. */
export function dial(phoneNumber: string): void {
  Taro.makePhoneCall({ phoneNumber }).catch(() => toast(`请拨打 ${phoneNumber}`));
}

/** Copies text to the clipboard and says so. */
export function copy(data: string, done: string): void {
  Taro.setClipboardData({ data }).then(
    () => toast(done, 'success'),
    () => toast('复制失败，请长按文字手动复制'),
  );
}

/** Asks the user to confirm an action (the button's text at most 4 characters, as WeChat requires); resolves true when they do. */
export async function confirm(title: string, content: string, confirmText = '确定'): Promise<boolean> {
  const res = await Taro.showModal({ title, content, confirmText, cancelText: '取消', confirmColor: '#267667' }).catch(() => ({ confirm: false }));
  return res.confirm;
}

/** 11月23日 18:40 (with the year when it is not this year). */
export function when(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = dayjs(iso);
  return d.format(d.year() === dayjs().year() ? 'M月D日 HH:mm' : 'YYYY年M月D日 HH:mm');
}

/** 2025年11月23日. */
export function day(iso: string | null | undefined): string {
  return iso ? dayjs(iso).format('YYYY年M月D日') : '';
}

/** A meeting slot as a guardian reads it: 11月25日（周二）16:00. */
export function slotText(iso: string): string {
  return dayjs(iso).format('M月D日（ddd）HH:mm');
}
