import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import Taro from '@tarojs/taro';
import type { LessonDetailOutput, LessonProgress } from '../../types';
import LessonPage from '../../src/packages/course/lesson/index';
import { enrollCourse, getCaptions, getLesson } from '../../src/services/courses';
import { reportProgress, type FlushResult } from '../../src/services/progress';
import { TOKEN_KEY } from '../../src/services/session';
import { setRouterParams } from './taro';

// The page hooks the jest Taro shim lacks: hiding never happens here; reaching the bottom is triggered by the test.
const reachBottom: { current: (() => void) | null } = { current: null };
jest.mock('@tarojs/taro', () => {
  const actual = jest.requireActual('@tarojs/taro');
  return {
    __esModule: true,
    ...actual,
    default: actual.default,
    useDidHide: () => undefined,
    useReachBottom: (callback: () => void) => {
      reachBottom.current = callback;
    },
  };
});
jest.mock('../../src/services/courses', () => ({ ...jest.requireActual('../../src/services/courses'), getLesson: jest.fn(), enrollCourse: jest.fn(), getCaptions: jest.fn() }));
jest.mock('../../src/services/progress', () => ({ ...jest.requireActual('../../src/services/progress'), reportProgress: jest.fn() }));

const mockedGet = getLesson as jest.MockedFunction<typeof getLesson>;
const mockedEnroll = enrollCourse as jest.MockedFunction<typeof enrollCourse>;
const mockedCaptions = getCaptions as jest.MockedFunction<typeof getCaptions>;
const mockedReport = reportProgress as jest.MockedFunction<typeof reportProgress>;

function progress(over: Partial<LessonProgress> = {}): LessonProgress {
  return { position: 0, creditedSeconds: 0, segments: [], completed: false, completedAt: null, ...over };
}

function lessonData(over: Partial<LessonDetailOutput['lesson']> = {}, rest: Partial<LessonDetailOutput> = {}): LessonDetailOutput {
  return {
    lesson: { id: 'l2', slug: 'l2', title: '听见孩子的情绪', kind: 'video', durationSeconds: 300, safetyCard: false, progress: null, ...over },
    courseId: 'c1',
    courseTitle: '读懂孩子的情绪',
    body: ['第一段文稿。', '第二段文稿。'],
    mediaUrl: '/media/emotions.mp4',
    captionsUrl: null,
    schoolContacts: [],
    nextLessonId: 'l3',
    ...rest,
  };
}

function flushed(lessonId: string, p: LessonProgress, over: Partial<FlushResult> = {}): FlushResult {
  return { lessons: [{ lessonId, progress: p }], rejected: [], pending: 0, sent: 1, error: null, ...over };
}

function videoOf(container: HTMLElement): Element {
  const video = container.querySelector('taro-video-core');
  if (!video) throw new Error('no video');
  return video;
}

function timeupdate(video: Element, times: number[]): void {
  for (const currentTime of times) fireEvent(video, new CustomEvent('timeupdate', { detail: { currentTime, duration: 300 } }));
}

beforeEach(() => {
  jest.resetAllMocks();
  reachBottom.current = null;
  Taro.setStorageSync(TOKEN_KEY, 'token-1');
  setRouterParams({ id: 'l2' });
});

describe('课时 player', () => {
  it('shows the caption of the moment under the video, highlights it in the transcript, and the 字幕 switch hides it', async () => {
    mockedGet.mockResolvedValue({ ok: true, data: lessonData({}, { body: ['孩子哭的时候，先蹲下来。看着他的眼睛。', '等他平静下来，再说道理。'], captionsUrl: '/media/emotions.vtt' }) });
    mockedReport.mockResolvedValue(flushed('l2', progress()));
    mockedCaptions.mockResolvedValue([
      { start: 4.5, end: 7, text: '孩子哭的时候，先蹲下来。' },
      { start: 7.3, end: 9, text: '看着他的眼睛。' },
      { start: 9.8, end: 12, text: '等他平静下来，再说道理。' },
    ]);
    const { container } = render(<LessonPage />);
    await screen.findByText('听见孩子的情绪');
    await waitFor(() => expect(mockedCaptions).toHaveBeenCalledWith('/media/emotions.vtt'));
    const caption = () => container.querySelector('.xq-lesson__caption-text')?.textContent;
    const highlighted = () => container.querySelector('.xq-lesson__cue.is-current')?.textContent ?? null;
    await waitFor(() => expect(caption()).toBe(''));
    expect(highlighted()).toBeNull();
    const video = videoOf(container);
    fireEvent(video, new CustomEvent('play', { detail: {} }));
    timeupdate(video, [5]);
    expect(caption()).toBe('孩子哭的时候，先蹲下来。');
    expect(highlighted()).toBe('孩子哭的时候，先蹲下来。');
    timeupdate(video, [8]);
    expect(caption()).toBe('看着他的眼睛。');
    expect(highlighted()).toBe('看着他的眼睛。');
    // Between two cues: no caption; a seek backwards finds the earlier cue again.
    timeupdate(video, [9.5]);
    expect(caption()).toBe('');
    timeupdate(video, [10, 4.6]);
    expect(caption()).toBe('孩子哭的时候，先蹲下来。');
    // The transcript still reads as the script, paragraph by paragraph.
    expect([...container.querySelectorAll('.xq-lesson__transcript > .xq-lesson__para, .xq-lesson__transcript taro-text-core.xq-lesson__para')].map((p) => p.textContent)).toEqual(['孩子哭的时候，先蹲下来。看着他的眼睛。', '等他平静下来，再说道理。']);
    const toggle = screen.getByLabelText('字幕');
    expect(toggle.textContent).toBe('字幕：开');
    fireEvent.click(toggle);
    expect(container.querySelector('.xq-lesson__caption-text')).toBeNull();
    expect(screen.getByLabelText('字幕').textContent).toBe('字幕：关');
  });

  it('renders an article\'s ## headings and - lists', async () => {
    mockedGet.mockResolvedValue({ ok: true, data: lessonData({ kind: 'article', durationSeconds: 20 }, { mediaUrl: null, body: ['开头一段。', '## 先听孩子说', '听完再说。', '- 放下手机', '- 看着孩子', '结尾一段。'] }) });
    const { container } = render(<LessonPage />);
    await screen.findByText('先听孩子说');
    expect(container.querySelector('.xq-lesson__h')?.textContent).toBe('先听孩子说');
    expect([...container.querySelectorAll('.xq-lesson__li-text')].map((n) => n.textContent)).toEqual(['放下手机', '看着孩子']);
    expect(container.querySelectorAll('.xq-lesson__list')).toHaveLength(1);
    expect(screen.queryByText('## 先听孩子说')).toBeNull();
    expect(mockedCaptions).not.toHaveBeenCalled();
  });

  it('resumes where the parent left off and reports played segments (a seek splits them) on pause', async () => {
    mockedGet.mockResolvedValue({ ok: true, data: lessonData({ progress: progress({ position: 100, creditedSeconds: 90, segments: [[0, 90]] }) }) });
    mockedReport.mockResolvedValue(flushed('l2', progress({ position: 203, creditedSeconds: 98, segments: [[0, 90], [100, 105], [200, 203]] })));
    const { container } = render(<LessonPage />);
    expect(await screen.findByText('视频 · 5:00 · 从 1:40 继续')).toBeTruthy();
    expect(screen.getByText('已计入学习 30%')).toBeTruthy();
    const video = videoOf(container);
    // The segment opens where playback starts, even though the first time update comes a little later.
    fireEvent(video, new CustomEvent('play', { detail: {} }));
    timeupdate(video, [100.4, 100.5, 101, 102, 103, 104, 105, 200, 201, 202, 203]);
    fireEvent(video, new CustomEvent('pause', { detail: {} }));
    await waitFor(() => expect(mockedReport).toHaveBeenCalledTimes(1));
    const statement = mockedReport.mock.calls[0][0];
    expect(statement).toMatchObject({ lessonId: 'l2', verb: 'played', segments: [[100, 105], [200, 203]], position: 203 });
    expect(statement.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await screen.findByText('已计入学习 33%')).toBeTruthy();
    expect(screen.getByText('进度已保存')).toBeTruthy();
  });

  it('joins the course and sends the same statement again when the server says the parent has not joined', async () => {
    mockedGet.mockResolvedValue({ ok: true, data: lessonData() });
    mockedReport.mockImplementationOnce(async (statement) => ({ lessons: [], rejected: [{ statement, error: { code: 'NOT_ENROLLED', message: '请先加入该课程再学习', status: 200 } }], pending: 0, sent: 1, error: null }));
    mockedReport.mockResolvedValueOnce(flushed('l2', progress({ position: 4, creditedSeconds: 4, segments: [[0, 4]] })));
    mockedEnroll.mockResolvedValue({ ok: true, data: {} as never });
    const { container } = render(<LessonPage />);
    await screen.findByText('听见孩子的情绪');
    const video = videoOf(container);
    timeupdate(video, [0, 1, 2, 3, 4]);
    fireEvent(video, new CustomEvent('ended', { detail: {} }));
    await waitFor(() => expect(mockedReport).toHaveBeenCalledTimes(2));
    expect(mockedEnroll).toHaveBeenCalledWith('c1');
    expect(mockedReport.mock.calls[1][0]).toBe(mockedReport.mock.calls[0][0]);
    expect(await screen.findByText('进度已保存')).toBeTruthy();
  });

  it('says so when the network is down and the report waits in the queue', async () => {
    mockedGet.mockResolvedValue({ ok: true, data: lessonData() });
    mockedReport.mockResolvedValue({ lessons: [], rejected: [], pending: 1, sent: 0, error: { code: 'NETWORK_ERROR', message: '网络连接失败，请检查网络后重试', status: 0 } });
    const { container } = render(<LessonPage />);
    await screen.findByText('听见孩子的情绪');
    const video = videoOf(container);
    timeupdate(video, [0, 1, 2]);
    fireEvent(video, new CustomEvent('pause', { detail: {} }));
    expect(await screen.findByText('网络不可用，进度将在联网后自动同步')).toBeTruthy();
  });

  it('counts an article as read once its end was reached and it was open long enough; shows the safety card; 下一课 opens the next lesson', async () => {
    const schoolContacts = [{ schoolId: 's1', schoolName: '小店区育英小学', contact: { name: '王静老师', phone: '0351-0000101', officeHours: '周一至周五 8:00–17:00' } }];
    mockedGet.mockResolvedValue({ ok: true, data: lessonData({ kind: 'article', durationSeconds: 4, safetyCard: true }, { mediaUrl: null, schoolContacts }) });
    mockedReport.mockResolvedValue(flushed('l2', progress({ creditedSeconds: 4, completed: true, completedAt: '2025-11-23T08:00:00Z' })));
    const redirect = jest.spyOn(Taro, 'redirectTo').mockResolvedValue({ errMsg: 'redirectTo:ok' } as never);
    render(<LessonPage />);
    expect(await screen.findByText('第二段文稿。')).toBeTruthy();
    expect(screen.getByText('立即拨打')).toBeTruthy();
    expect(screen.getByText('小店区育英小学 · 心理教师王静老师')).toBeTruthy();
    expect(screen.getByText('0351-0000101（周一至周五 8:00–17:00）')).toBeTruthy();
    const call = jest.spyOn(Taro, 'makePhoneCall').mockResolvedValue({ errMsg: 'makePhoneCall:ok' });
    fireEvent.click(screen.getByText('拨打'));
    expect(call).toHaveBeenCalledWith({ phoneNumber: '0351-0000101' });
    call.mockRestore();
    expect(screen.getByText('— 全文完 —')).toBeTruthy();
    act(() => reachBottom.current?.());
    expect(screen.getByText('已读到结尾，请再细读片刻，稍后自动记为已读')).toBeTruthy();
    expect(mockedReport).not.toHaveBeenCalled();
    await waitFor(() => expect(mockedReport).toHaveBeenCalledTimes(1), { timeout: 3000 });
    expect(mockedReport.mock.calls[0][0]).toMatchObject({ lessonId: 'l2', verb: 'read', segments: [] });
    expect(await screen.findByText('本课时已完成')).toBeTruthy();
    fireEvent.click(screen.getByText('下一课'));
    expect(redirect).toHaveBeenCalledWith({ url: '/packages/course/lesson/index?id=l3' });
    redirect.mockRestore();
  });
});
