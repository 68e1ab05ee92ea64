/** 大字模式: the per-device display setting (Taro storage 'xq_large_text'), read once and shared by every page. */
import Taro from '@tarojs/taro';

/** The storage key of 大字模式 (true when on). */
export const LARGE_TEXT_KEY = 'xq_large_text';

let largeText: boolean | null = null;
const listeners = new Set<(on: boolean) => void>();

/** Whether 大字模式 is on (read from storage the first time, then kept in memory). */
export function isLargeText(): boolean {
  if (largeText === null) {
    try {
      largeText = Taro.getStorageSync(LARGE_TEXT_KEY) === true;
    } catch {
      largeText = false;
    }
  }
  return largeText;
}

/** Turns 大字模式 on or off, remembers it on this device, and tells every page at once. */
export function setLargeText(on: boolean): void {
  largeText = on;
  try {
    Taro.setStorageSync(LARGE_TEXT_KEY, on);
  } catch {
    // Storage full or unavailable: the setting still holds until the app is closed.
  }
  listeners.forEach((listener) => listener(on));
}

/** Calls `listener` whenever 大字模式 changes; returns the unsubscribe function. */
export function onLargeTextChange(listener: (on: boolean) => void): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}
