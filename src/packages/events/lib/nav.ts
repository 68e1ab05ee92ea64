/** Routes of the sessions subpackage. */
import Taro from '@tarojs/taro';

const ROOT = '/packages/events';

export const eventRoutes = {
  detail: (id: string) => `${ROOT}/detail/index?id=${encodeURIComponent(id)}`,
  manage: () => `${ROOT}/manage/index`,
  create: (copyFrom?: string) => `${ROOT}/edit/index${copyFrom ? `?copy=${encodeURIComponent(copyFrom)}` : ''}`,
  edit: (id: string) => `${ROOT}/edit/index?id=${encodeURIComponent(id)}`,
  roster: (id: string) => `${ROOT}/roster/index?id=${encodeURIComponent(id)}`,
};

/** Opens a page on top of the current one. */
export function go(url: string): void {
  Taro.navigateTo({ url }).catch(() => undefined);
}

/** Shows a short message. */
export function toast(title: string, icon: 'success' | 'none' = 'none'): void {
  void Taro.showToast({ title, icon, duration: 2000 });
}
