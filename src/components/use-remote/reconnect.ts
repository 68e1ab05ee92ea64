/** One subscription to "the network is back" for every page: Taro's network status on both platforms, and the browser's 'online' event on H5. */
import Taro from '@tarojs/taro';

/** Several signals of one reconnection (H5 fires both) are merged, and the network gets a moment to settle before pages reload. */
export const RECONNECT_SETTLE_MS = 500;

const listeners = new Set<() => void>();
let installed = false;
let timer: ReturnType<typeof setTimeout> | undefined;

function fire(): void {
  if (timer !== undefined) return;
  timer = setTimeout(() => {
    timer = undefined;
    for (const listener of [...listeners]) listener();
  }, RECONNECT_SETTLE_MS);
}

function install(): void {
  if (installed) return;
  installed = true;
  try {
    if (typeof Taro.onNetworkStatusChange === 'function') {
      Taro.onNetworkStatusChange((res) => {
        if (res.isConnected) fire();
      });
    }
  } catch {
    // Not available on this platform.
  }
  if (process.env.TARO_ENV === 'h5' && typeof window !== 'undefined') window.addEventListener('online', fire);
}

/** Calls the listener each time the network comes back; returns the unsubscribe function. */
export function onReconnect(listener: () => void): () => void {
  install();
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}
