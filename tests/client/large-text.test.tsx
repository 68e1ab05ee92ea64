import { fireEvent, render, screen } from '@testing-library/react';
import Taro from '@tarojs/taro';
import MePage from '../../src/pages/me/index';
import { PageShell } from '../../src/components/page-shell';
import { LARGE_TEXT_KEY } from '../../src/services/display';
import { TOKEN_KEY } from '../../src/services/session';

/** The page roots on screen: PageShell's outer view. */
function pageRoots(container: HTMLElement): Element[] {
  return Array.from(container.querySelectorAll('.xq-page'));
}

describe('大字模式', () => {
  it('is read from storage at startup: every PageShell gets xq-large', () => {
    // Set before anything reads the setting (the module reads storage once, on first use).
    Taro.setStorageSync(LARGE_TEXT_KEY, true);
    const { container } = render(<PageShell title='课程'>内容</PageShell>);
    expect(pageRoots(container)).toHaveLength(1);
    expect(pageRoots(container)[0]?.classList.contains('xq-large')).toBe(true);
  });

  it('the switch on 我的 turns it off and on at once, on this page and on another page, and remembers it', () => {
    Taro.removeStorageSync(TOKEN_KEY);
    const me = render(<MePage />);
    const other = render(<PageShell title='首页'>内容</PageShell>);
    const toggle = screen.getByRole('switch', { name: '大字模式' });
    expect(toggle.getAttribute('aria-checked')).toBe('true');

    fireEvent.click(screen.getByText('大字模式'));
    expect(pageRoots(me.container)[0]?.classList.contains('xq-large')).toBe(false);
    expect(pageRoots(other.container)[0]?.classList.contains('xq-large')).toBe(false);
    expect(Taro.getStorageSync(LARGE_TEXT_KEY)).toBe(false);
    expect(localStorage.getItem(LARGE_TEXT_KEY)).toBe('{"data":false}');

    fireEvent.click(screen.getByText('大字模式'));
    expect(pageRoots(me.container)[0]?.classList.contains('xq-large')).toBe(true);
    expect(pageRoots(other.container)[0]?.classList.contains('xq-large')).toBe(true);
    expect(localStorage.getItem(LARGE_TEXT_KEY)).toBe('{"data":true}');
  });
});
