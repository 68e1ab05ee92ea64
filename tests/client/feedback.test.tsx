/** Issue 14's feedback: the unread-notice badge and 首页 card, loading states drawn at mount, reloading when the network returns, the H5 navigation bar. */
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { setRouterParams } from './taro';
import type { ApiResult } from '../../src/services/request';
import type { MeOutput, MyLearningOutput, MyNoticeCountsOutput } from '../../types';
import IndexPage from '../../src/pages/index/index';
import MePage from '../../src/pages/me/index';
import CoursesPage from '../../src/pages/courses/index';
import CourseDetailPage from '../../src/packages/course/detail/index';
import LessonPage from '../../src/packages/course/lesson/index';
import InboxPage from '../../src/packages/notices/inbox/index';
import { useRemote } from '../../src/components/use-remote';
import { RECONNECT_SETTLE_MS } from '../../src/components/use-remote/reconnect';
import { StateView, RECONNECT_HINT } from '../../src/components/state-view';
import { refreshNoticeCounts } from '../../src/components/notice-alert';
import { NAV_FEEDBACK_CLASS, installNavigationFeedback } from '../../src/components/nav-feedback';
import { getMe } from '../../src/services/me';
import { getCourse, getLesson, getMyLearning, listCourses } from '../../src/services/courses';
import { getMyNoticeCounts } from '../../src/services/notice-inbox';
import { listMyNotices } from '../../src/services/notices';
import { TOKEN_KEY, clearToken } from '../../src/services/session';

jest.mock('../../src/services/me');
jest.mock('../../src/services/notice-inbox');
jest.mock('../../src/services/notices', () => ({ ...jest.requireActual('../../src/services/notices'), listMyNotices: jest.fn() }));
jest.mock('../../src/services/courses', () => ({
  ...jest.requireActual('../../src/services/courses'),
  listCourses: jest.fn(),
  getCourse: jest.fn(),
  getLesson: jest.fn(),
  getMyLearning: jest.fn(),
}));

// The one network-status callback the app installs (on the first page that needs it), captured.
const networkCallbacks: ((res: { isConnected: boolean; networkType: string }) => void)[] = [];
const networkSpy = jest.spyOn(Taro, 'onNetworkStatusChange');
const captureNetwork = () =>
  networkSpy.mockImplementation((cb) => {
    networkCallbacks.push(cb as (typeof networkCallbacks)[number]);
  });
captureNetwork();

const mockedMe = getMe as jest.MockedFunction<typeof getMe>;
const mockedCounts = getMyNoticeCounts as jest.MockedFunction<typeof getMyNoticeCounts>;
const mockedLearning = getMyLearning as jest.MockedFunction<typeof getMyLearning>;
const mockedList = listCourses as jest.MockedFunction<typeof listCourses>;
const mockedCourse = getCourse as jest.MockedFunction<typeof getCourse>;
const mockedLesson = getLesson as jest.MockedFunction<typeof getLesson>;
const mockedInbox = listMyNotices as jest.MockedFunction<typeof listMyNotices>;

const ME: MeOutput = {
  user: { id: 'u1', displayName: '张敏', createdAt: '2025-09-01T00:00:00Z' },
  roles: [],
  children: [
    {
      studentId: 'st1', name: '李子涵', schoolId: 's1', schoolName: '小店区育英小学', schoolRegionId: 'r1', grade: '五年级', className: '2班',
      stage: 'primary', relation: 'mother', relationNote: null, boundAt: '2025-09-02T00:00:00Z',
    },
  ],
  privacy: { currentVersion: '2025-11', agreedVersion: '2025-11', agreedAt: '2025-11-02T08:00:00Z' },
};
const LEARNING: MyLearningOutput = { inProgress: [], completed: [], totalSeconds: 0, completedLessons: 0 };
const counts = (unread: number, unconfirmed: number, waiting: number): ApiResult<MyNoticeCountsOutput> => ({ ok: true, data: { unread, unconfirmed, waiting } });
const OFFLINE = { ok: false as const, error: { code: 'NETWORK_ERROR', message: '网络连接失败，请检查网络后重试', status: 0 } };
const never = <T,>() => new Promise<T>(() => undefined);

let badge: jest.SpyInstance;
let unbadge: jest.SpyInstance;
let navigate: jest.SpyInstance;

beforeEach(async () => {
  jest.resetAllMocks();
  captureNetwork();
  badge = jest.spyOn(Taro, 'setTabBarBadge').mockResolvedValue({ errMsg: 'setTabBarBadge:ok' } as never);
  unbadge = jest.spyOn(Taro, 'removeTabBarBadge').mockResolvedValue({ errMsg: 'removeTabBarBadge:ok' } as never);
  navigate = jest.spyOn(Taro, 'navigateTo').mockResolvedValue({ errMsg: 'navigateTo:ok' } as never);
  mockedMe.mockResolvedValue({ ok: true, data: ME });
  mockedLearning.mockResolvedValue({ ok: true, data: LEARNING });
  // Loads still pending from the pages of a test before answer nothing.
  mockedList.mockReturnValue(never());
  mockedCourse.mockReturnValue(never());
  mockedLesson.mockReturnValue(never());
  mockedInbox.mockReturnValue(never());
  mockedCounts.mockResolvedValue(counts(0, 0, 0));
  // A fresh session for each test: the counts of the last one are forgotten; the token is then stored without an event.
  clearToken();
  await refreshNoticeCounts();
  Taro.setStorageSync(TOKEN_KEY, 'token-1');
  badge.mockClear();
  unbadge.mockClear();
});
afterEach(() => {
  badge.mockRestore();
  unbadge.mockRestore();
  navigate.mockRestore();
  clearToken();
});

describe('unread school notices outside 我的', () => {
  it('首页 shows a calm card with the number only, the 我的 tab gets the badge, and a tap opens 学校通知', async () => {
    mockedCounts.mockResolvedValue(counts(2, 2, 2));
    render(<IndexPage />);
    const card = await screen.findByText('学校发来 2 份告知书，请查看并确认');
    expect(badge).toHaveBeenCalledWith({ index: 3, text: '2' });
    // Nothing of the notices themselves: no pupil, no school.
    const box = card.closest('.xq-notice-card') as HTMLElement;
    expect(box.textContent).not.toMatch(/李子涵|育英/);
    fireEvent.click(card);
    expect(navigate).toHaveBeenCalledWith({ url: '/packages/notices/inbox/index' });
  });

  it('read but not confirmed: the card asks for the confirmation; nothing waiting: no card and the badge is removed', async () => {
    mockedCounts.mockResolvedValueOnce(counts(0, 1, 1)).mockResolvedValue(counts(0, 0, 0));
    render(<IndexPage />);
    expect(await screen.findByText('有 1 份学校告知书等你确认')).toBeTruthy();
    expect(badge).toHaveBeenLastCalledWith({ index: 3, text: '1' });
    await act(async () => {
      await refreshNoticeCounts();
    });
    expect(screen.queryByText(/告知书/)).toBeNull();
    expect(unbadge).toHaveBeenLastCalledWith({ index: 3 });
  });

  it('我的 refreshes the badge and tells the number unread on 学校通知; logging out clears the badge', async () => {
    mockedCounts.mockResolvedValue(counts(1, 1, 1));
    render(<MePage />);
    expect(await screen.findByText('1 份告知书未读，请尽快查看', {}, { timeout: 5000 })).toBeTruthy();
    expect(badge).toHaveBeenCalledWith({ index: 3, text: '1' });
    unbadge.mockClear();
    act(() => clearToken());
    await waitFor(() => expect(unbadge).toHaveBeenCalledWith({ index: 3 }));
  });

  it('logged out: no request, no card', async () => {
    clearToken();
    render(<IndexPage />);
    await act(async () => {
      await refreshNoticeCounts();
    });
    expect(mockedCounts).not.toHaveBeenCalled();
    expect(screen.queryByText(/告知书/)).toBeNull();
  });
});

describe('a loading state at mount', () => {
  it('课程, a course and a lesson draw skeletons in their first render, before any answer', () => {
    mockedList.mockReturnValue(never());
    mockedCourse.mockReturnValue(never());
    mockedLesson.mockReturnValue(never());
    mockedInbox.mockReturnValue(never());
    setRouterParams({ id: 'c1' });
    for (const [name, Page] of [['课程', CoursesPage], ['课程详情', CourseDetailPage], ['课时', LessonPage], ['学校通知', InboxPage]] as const) {
      const { container, unmount } = render(<Page />);
      // Synchronously after the first render: no waiting for a load or a page show.
      expect([name, container.querySelector('.xq-skeleton') !== null]).toEqual([name, true]);
      expect(container.querySelector('.xq-skeleton__item')).not.toBeNull();
      expect(container.textContent).toContain('加载中');
      unmount();
    }
  });

  it('course lists are drawn as cards, the course itself as a detail page', () => {
    mockedList.mockReturnValue(never());
    mockedCourse.mockReturnValue(never());
    setRouterParams({ id: 'c1' });
    expect(render(<CoursesPage />).container.querySelectorAll('.xq-skeleton--cards .xq-skeleton__item').length).toBe(3);
    expect(render(<CourseDetailPage />).container.querySelector('.xq-skeleton--detail .xq-skeleton__block')).not.toBeNull();
  });
});

describe('reloading when the network returns', () => {
  function Probe({ loader }: { loader: () => Promise<ApiResult<{ text: string }>> }) {
    const { state } = useRemote(loader);
    if (state.status === 'ready') return <p>{state.data.text}</p>;
    if (state.status === 'error') return <StateView status='error' description={state.error.message} />;
    return <StateView status='loading' />;
  }

  it('a load that found no network says it will reload, and does on the browser\'s online event without a tap', async () => {
    const loader = jest.fn<Promise<ApiResult<{ text: string }>>, []>().mockResolvedValueOnce(OFFLINE).mockResolvedValue({ ok: true, data: { text: '课程列表' } });
    render(<Probe loader={loader} />);
    expect(await screen.findByText('网络连接失败，请检查网络后重试')).toBeTruthy();
    expect(screen.getByText(RECONNECT_HINT)).toBeTruthy();
    act(() => {
      window.dispatchEvent(new Event('online'));
    });
    expect(await screen.findByText('课程列表', {}, { timeout: RECONNECT_SETTLE_MS + 1000 })).toBeTruthy();
    expect(loader).toHaveBeenCalledTimes(2);
  });

  it('and on Taro\'s network status change (the mini-program), once per reconnection', async () => {
    const loader = jest.fn<Promise<ApiResult<{ text: string }>>, []>().mockResolvedValueOnce(OFFLINE).mockResolvedValue({ ok: true, data: { text: '活动列表' } });
    render(<Probe loader={loader} />);
    await screen.findByText(RECONNECT_HINT);
    expect(networkCallbacks.length).toBe(1);
    act(() => {
      networkCallbacks[0]!({ isConnected: false, networkType: 'none' });
    });
    await new Promise((r) => setTimeout(r, RECONNECT_SETTLE_MS + 100));
    expect(loader).toHaveBeenCalledTimes(1);
    act(() => {
      networkCallbacks[0]!({ isConnected: true, networkType: 'wifi' });
      window.dispatchEvent(new Event('online'));
    });
    expect(await screen.findByText('活动列表', {}, { timeout: RECONNECT_SETTLE_MS + 1000 })).toBeTruthy();
    expect(loader).toHaveBeenCalledTimes(2);
  });

  it('a refusal from the server is not retried by the network coming back', async () => {
    const loader = jest.fn<Promise<ApiResult<{ text: string }>>, []>().mockResolvedValue({ ok: false, error: { code: 'NOT_FOUND', message: '课程不存在', status: 404 } });
    render(<Probe loader={loader} />);
    await screen.findByText('课程不存在');
    expect(screen.queryByText(RECONNECT_HINT)).toBeNull();
    act(() => {
      window.dispatchEvent(new Event('online'));
    });
    await new Promise((r) => setTimeout(r, RECONNECT_SETTLE_MS + 100));
    expect(loader).toHaveBeenCalledTimes(1);
  });
});

describe('H5 navigation feedback', () => {
  it('a bar and 正在打开… within 100 ms of a navigation starting, gone when the page shows', async () => {
    installNavigationFeedback();
    const root = document.querySelector(`.${NAV_FEEDBACK_CLASS}`) as HTMLElement;
    expect(root.hidden).toBe(true);
    Taro.eventCenter.trigger('__taroRouterChange', { toLocation: { path: '/packages/course/detail/index' } });
    await new Promise((r) => setTimeout(r, 100));
    expect(root.hidden).toBe(false);
    expect(root.classList.contains('is-active')).toBe(true);
    expect(root.textContent).toContain('正在打开');
    Taro.eventCenter.trigger('__afterTaroRouterChange', { toLocation: { path: '/packages/course/detail/index' } });
    expect(root.hidden).toBe(true);
  });

  it('a page that opens at once shows no bar at all', async () => {
    installNavigationFeedback();
    const root = document.querySelector(`.${NAV_FEEDBACK_CLASS}`) as HTMLElement;
    Taro.eventCenter.trigger('__taroRouterChange', { toLocation: { path: '/pages/courses/index' } });
    Taro.eventCenter.trigger('__afterTaroRouterChange', { toLocation: { path: '/pages/courses/index' } });
    await new Promise((r) => setTimeout(r, 100));
    expect(root.hidden).toBe(true);
  });
});
