// @tarojs/taro under jest: the real H5 APIs, plus the page hooks that the Taro app runtime would otherwise install.
import { useEffect, useRef } from 'react';
import * as h5 from '@tarojs/plugin-platform-h5/dist/runtime/apis';

export * from '@tarojs/plugin-platform-h5/dist/runtime/apis';

/** The default export carries every API, as Taro's build-time api-loader arranges in a real H5 build. */
const Taro = Object.assign(h5.default, h5) as typeof h5.default;
export default Taro;

/** Runs once after mount, as the first page show does. */
export function useDidShow(callback: () => void): void {
  useEffect(() => {
    callback();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
}

/** Runs once after mount. */
export function useLaunch(callback: () => void): void {
  useDidShow(callback);
}

/** Pages are never hidden under jest: the callback is kept for a test to call (see hidePage). */
const hideCallbacks = new Set<() => void>();
export function useDidHide(callback: () => void): void {
  const latest = useRef(callback);
  useEffect(() => {
    latest.current = callback;
  });
  useEffect(() => {
    const call = () => latest.current();
    hideCallbacks.add(call);
    return () => {
      hideCallbacks.delete(call);
    };
  }, []);
}

/** Hides the rendered pages, as leaving for another page or the app switcher would. */
export function hidePage(): void {
  for (const call of hideCallbacks) call();
}

/** Runs on unmount. */
export function useUnload(callback: () => void): void {
  const latest = useRef(callback);
  useEffect(() => {
    latest.current = callback;
  });
  useEffect(() => () => latest.current(), []);
}

const routerParams: Record<string, string> = {};

/** Sets the query parameters that useRouter returns to pages under test. */
export function setRouterParams(params: Record<string, string>): void {
  for (const key of Object.keys(routerParams)) delete routerParams[key];
  Object.assign(routerParams, params);
}

/** The current route's parameters (set by setRouterParams). */
export function useRouter(): { params: Record<string, string>; path: string } {
  return { params: { ...routerParams }, path: '' };
}
