import { useEffect, useState } from 'react';
import { useDidShow } from '@tarojs/taro';
import { isLargeText, onLargeTextChange } from '../../services/display';

/** Whether 大字模式 is on; the page re-renders when it changes (and checks again each time it is shown). */
export function useLargeText(): boolean {
  const [on, setOn] = useState(isLargeText);
  useEffect(() => onLargeTextChange(setOn), []);
  useDidShow(() => setOn(isLargeText()));
  return on;
}

export default useLargeText;
