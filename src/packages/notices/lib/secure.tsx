import Taro, { useDidHide, useDidShow, useUnload } from '@tarojs/taro';
import { View, Text } from '@tarojs/components';
import { useEffect, useState } from 'react';
import './secure.scss';

/**
 * Calls a WeChat API whose answer does not matter: some return a promise, some (not promisified by Taro, or on an older
 * base library) return nothing or are missing; none of that may stop the page's other show handlers.
 */
function quietly(call: () => unknown): void {
  try {
    const result = call() as { catch?: (handler: () => void) => unknown } | undefined;
    if (typeof result?.catch === 'function') result.catch(() => undefined);
  } catch {
    // The API is missing on this client: the page stays protected by the cover and the watermark.
  }
}

/**
 * Protects a page that shows a notice: hides the share menu and blanks screenshots and recordings (mini-program),
 * and reports when the page is hidden (app switcher, another page on top, a background tab) so it can be covered.
 */
export function useSecureScreen(): boolean {
  const [covered, setCovered] = useState(false);
  useDidShow(() => {
    setCovered(false);
    if (process.env.TARO_ENV === 'weapp') {
      quietly(() => Taro.hideShareMenu({ menus: ['shareAppMessage', 'shareTimeline'] }));
      quietly(() => Taro.setVisualEffectOnCapture({ visualEffect: 'hidden' }));
    }
  });
  useDidHide(() => setCovered(true));
  useUnload(() => {
    if (process.env.TARO_ENV === 'weapp') quietly(() => Taro.setVisualEffectOnCapture({ visualEffect: 'none' }));
  });
  useEffect(() => {
    if (process.env.TARO_ENV !== 'h5') return;
    const onVisibility = () => setCovered(document.visibilityState === 'hidden');
    document.addEventListener('visibilitychange', onVisibility);
    return () => document.removeEventListener('visibilitychange', onVisibility);
  }, []);
  return covered;
}

const TILES = Array.from({ length: 80 }, (_, i) => i);

/** The viewer's name and time tiled across the screen, above the content and never in the way of a tap. */
export function Watermark({ name, at }: { name: string; at: string }) {
  return (
    <View className='xq-wm' aria-hidden>
      <View className='xq-wm__grid'>
        {TILES.map((i) => (
          <View key={i} className='xq-wm__tile'>
            <Text className='xq-wm__name'>{name}</Text>
            <Text className='xq-wm__at'>{at}</Text>
          </View>
        ))}
      </View>
    </View>
  );
}

/** What shows instead of the notice while the page is hidden, so previews in the app switcher show nothing. */
export function PrivacyCover() {
  return (
    <View className='xq-cover' role='status'>
      <Text className='xq-cover__mark'>心桥</Text>
      <Text className='xq-cover__text'>内容已隐藏，回到本页后显示</Text>
    </View>
  );
}
