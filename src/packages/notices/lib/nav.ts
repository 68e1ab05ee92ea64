/** Routes of the notices subpackage, and the small actions its pages share (open, toast, dial, copy, time format). */
import Taro from '@tarojs/taro';
import dayjs from 'dayjs';

const ROOT = '/packages/notices';
const q = (key: string, value: string | undefined) => (value ? `?${key}=${encodeURIComponent(value)}` : '');

/** The pages of the subpackage. */
export const noticeRoutes = {
  bind: () => `${ROOT}/bind/index`,
  inbox: () => `${ROOT}/inbox/index`,
  view: (id: string) => `${ROOT}/view/index${q('id', id)}`,
  board: (schoolId?: string) => `${ROOT}/board/index${q('school', schoolId)}`,
  issue: (schoolId: string, studentId?: string) => `${ROOT}/issue/index${q('school', schoolId)}${studentId ? `&student=${encodeURIComponent(studentId)}` : ''}`,
  students: (schoolId: string) => `${ROOT}/students/index${q('school', schoolId)}`,
  settings: (schoolId: string) => `${ROOT}/settings/index${q('school', schoolId)}`,
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
  const res = await Taro.showModal({ title, content, confirmText, cancelText: '取消', confirmColor: '#2e8b7a' }).catch(() => ({ confirm: false }));
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
