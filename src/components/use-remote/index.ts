import { useCallback, useEffect, useRef, useState } from 'react';
import { useDidShow } from '@tarojs/taro';
import type { ApiError, ApiResult } from '../../services/request';
import { onReconnect } from './reconnect';

/** The state of data loaded from the API. */
export type Remote<T> = { status: 'loading' } | { status: 'error'; error: ApiError } | { status: 'ready'; data: T };

/** Options of useRemote. */
export interface UseRemoteOptions {
  /** Skip loading (e.g. while logged out); the state reads 'loading' while disabled and old data is dropped. */
  enabled?: boolean;
  /** Load at mount too: for components mounted after their page was shown (the page show they would wait for has passed). */
  loadOnMount?: boolean;
  /** Load again whenever the loader changes after mount (its filters or search changed). */
  reloadOnChange?: boolean;
}

/**
 * Loads data through a service call each time the page shows; keeps the last data while reloading. The state reads
 * 'loading' from the first render, so a page draws its loading state at mount; a load that got no answer is tried again
 * when the network comes back.
 */
export function useRemote<T>(loader: () => Promise<ApiResult<T>>, options: UseRemoteOptions = {}) {
  const enabled = options.enabled ?? true;
  const loadOnMount = options.loadOnMount ?? false;
  const [state, setState] = useState<Remote<T>>({ status: 'loading' });
  const loaderRef = useRef(loader);
  const enabledRef = useRef(enabled);
  const generation = useRef(0);
  const mounted = useRef(false);
  const stale = useRef(false);

  const reload = useCallback(async () => {
    if (!enabledRef.current) return;
    const mine = ++generation.current;
    const keep = !stale.current;
    stale.current = false;
    setState((prev) => (prev.status === 'ready' && keep ? prev : { status: 'loading' }));
    const result = await loaderRef.current();
    if (mine !== generation.current) return;
    setState(result.ok ? { status: 'ready', data: result.data } : { status: 'error', error: result.error });
  }, []);

  const reloadOnChange = options.reloadOnChange ?? false;
  useEffect(() => {
    const changed = loaderRef.current !== loader;
    loaderRef.current = loader;
    if (changed && reloadOnChange) void reload();
  }, [loader, reloadOnChange, reload]);

  // No answer at all (no network, a timeout): load again as soon as the network is back.
  const offline = enabled && state.status === 'error' && state.error.status === 0;
  useEffect(() => {
    if (!offline) return undefined;
    return onReconnect(() => {
      void reload();
    });
  }, [offline, reload]);

  useEffect(() => {
    enabledRef.current = enabled;
    if (!mounted.current) {
      mounted.current = true;
      if (loadOnMount && enabled) void reload();
      return;
    }
    if (enabled) {
      void reload();
    } else {
      generation.current++;
      stale.current = true;
    }
  }, [enabled, loadOnMount, reload]);

  useDidShow(() => {
    void reload();
  });

  const retry = useCallback(() => {
    setState({ status: 'loading' });
    void reload();
  }, [reload]);

  const shown: Remote<T> = enabled ? state : { status: 'loading' };
  return { state: shown, reload, retry };
}
