/** What every form shares: reveal the first refused field, count characters against the server's limits, confirm before leaving with unsaved input. */
import Taro from '@tarojs/taro';
import { Text } from '@tarojs/components';
import { useCallback, useEffect, useRef, useState } from 'react';
import './index.scss';

export { LIMITS } from './limits';

/** The element id of a form field by its name (the same name as its key in the form's errors). */
export function fieldId(name: string): string {
  return `xq-f-${name}`;
}

/** The first field, in the order the form shows them, that has a message; null when none has. */
export function firstError(errors: Partial<Record<string, string | undefined>>, order: readonly string[]): { name: string; message: string } | null {
  for (const name of order) {
    const message = errors[name];
    if (message) return { name, message };
  }
  const rest = Object.entries(errors).find(([, m]) => Boolean(m));
  return rest ? { name: rest[0], message: rest[1] as string } : null;
}

/** Scrolls the field with this name to the upper part of the screen (the toast shows in the middle) and, on H5, puts the cursor in its input. */
export function scrollToField(name: string): void {
  const id = fieldId(name);
  if (process.env.TARO_ENV === 'h5') {
    const el = typeof document === 'undefined' ? null : document.getElementById(id);
    if (!el) return;
    el.style.scrollMarginTop = '24px';
    if (typeof el.scrollIntoView === 'function') el.scrollIntoView({ block: 'start', behavior: 'smooth' });
    const input = el.querySelector<HTMLElement>('input:not([type=hidden]), textarea');
    input?.focus({ preventScroll: true });
    return;
  }
  // Mini-program: the page scrolls to the selector, a little above it so the label shows.
  Taro.pageScrollTo({ selector: `#${id}`, offsetTop: -24, duration: 300 }).catch(() => undefined);
}

/**
 * After a refused submit: brings the first field with a message into view and focuses it, and names the problem in a
 * toast (with the count when there are more). Returns the field's name, or null when there is nothing to show.
 */
export function revealErrors(errors: Partial<Record<string, string | undefined>>, order: readonly string[]): string | null {
  const first = firstError(errors, order);
  if (!first) return null;
  const count = Object.values(errors).filter(Boolean).length;
  void Taro.showToast({ title: count > 1 ? `${first.message}（共 ${count} 处需修改）` : first.message, icon: 'none', duration: 2500 });
  // After the messages have rendered, so the scroll lands on the field as it now is.
  setTimeout(() => scrollToField(first.name), 50);
  return first.name;
}

/** Text clipped to a limit: the kept value and whether anything was dropped. */
export function clip(value: string, max: number): { value: string; cut: boolean } {
  return value.length > max ? { value: value.slice(0, max), cut: true } : { value, cut: false };
}

/**
 * The native maxlength to give a limited field: one more than the limit, so typing or pasting past it reaches onChange
 * (which clips it and says so) instead of being cut silently by the input.
 */
export function nativeMax(max: number): number {
  return max + 1;
}

/** Per field, whether the last input was clipped at its limit; `take` clips a new value and records it. */
export function useLimits(): { cut: Record<string, boolean>; take: (name: string, value: string, max: number) => string } {
  const [cut, setCut] = useState<Record<string, boolean>>({});
  const take = useCallback((name: string, value: string, max: number) => {
    const c = clip(value, max);
    setCut((prev) => (prev[name] === c.cut ? prev : { ...prev, [name]: c.cut }));
    return c.value;
  }, []);
  return { cut, take };
}

/** A character counter under a limited field ("58/60"): red at the limit, with a message when input was refused. */
export function CharCounter({ value, max, cut }: { value: string; max: number; cut?: boolean }) {
  const full = value.length >= max;
  return (
    <Text className={`xq-count${full ? ' is-full' : ''}`} aria-live='polite'>
      {cut ? `最多 ${max} 字，超出的部分没有输入 ` : full ? '已达字数上限 ' : ''}
      {`${value.length}/${max}`}
    </Text>
  );
}

type UnblockFn = () => void;
interface H5History {
  block(blocker: (tx: { retry(): void }) => void): UnblockFn;
}

/** The H5 router's history (hash mode), or null outside an H5 app. */
function h5History(): H5History | null {
  // Inside the platform branch only, so the mini-program build never bundles the H5 router.
  if (process.env.TARO_ENV === 'h5') {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const router = require('@tarojs/router') as { history?: H5History };
      if (router.history && typeof router.history.block === 'function') return router.history;
    } catch {
      return null;
    }
  }
  return null;
}

/** The question asked before leaving a form with unsaved input. */
export const LEAVE_MESSAGE = '填写的内容还没有提交，离开后将不会保存。确定离开吗？';

/**
 * While `dirty`, asks before the page is left: on weapp with enableAlertBeforeUnload (back button and gesture); on H5
 * with a beforeunload prompt (reload, close) and a confirm on in-app back navigation. `release()` stops asking at
 * once (call it after a successful submit, before navigating away).
 */
export function useLeaveGuard(dirty: boolean, message: string = LEAVE_MESSAGE): { release: () => void } {
  const released = useRef(false);
  const undo = useRef<(() => void) | null>(null);
  const release = useCallback(() => {
    released.current = true;
    undo.current?.();
    undo.current = null;
  }, []);

  useEffect(() => {
    if (!dirty || released.current) return undefined;
    if (process.env.TARO_ENV === 'weapp') {
      Taro.enableAlertBeforeUnload({ message });
      const off = () => Taro.disableAlertBeforeUnload();
      undo.current = off;
      return () => {
        off();
        undo.current = null;
      };
    }
    if (typeof window === 'undefined') return undefined;
    const onUnload = (e: BeforeUnloadEvent) => {
      e.preventDefault();
      e.returnValue = message;
      return message;
    };
    window.addEventListener('beforeunload', onUnload);
    let unblock: UnblockFn | null = null;
    const history = h5History();
    if (history) {
      unblock = history.block((tx) => {
        void Taro.showModal({ title: '还没有提交', content: message, confirmText: '离开', cancelText: '继续填写' }).then((r) => {
          if (!r.confirm) return;
          unblock?.();
          unblock = null;
          tx.retry();
        });
      });
    }
    const off = () => {
      window.removeEventListener('beforeunload', onUnload);
      unblock?.();
      unblock = null;
    };
    undo.current = off;
    return () => {
      off();
      undo.current = null;
    };
  }, [dirty, message]);

  return { release };
}
