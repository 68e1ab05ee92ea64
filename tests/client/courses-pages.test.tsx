import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { setRouterParams } from './taro';
import type { CourseDetailOutput, CourseListOutput, CourseSummary, LessonSummary, QuizOutput, QuizResultOutput } from '../../types';
import CoursesPage from '../../src/pages/courses/index';
import CourseDetailPage from '../../src/packages/course/detail/index';
import QuizPage from '../../src/packages/course/quiz/index';
import { enrollCourse, getCourse, getQuiz, listCourses, submitQuiz } from '../../src/services/courses';
import { TOKEN_KEY } from '../../src/services/session';

jest.mock('../../src/services/courses', () => ({
  ...jest.requireActual('../../src/services/courses'),
  listCourses: jest.fn(),
  getCourse: jest.fn(),
  enrollCourse: jest.fn(),
  getQuiz: jest.fn(),
  submitQuiz: jest.fn(),
}));

const mockedList = listCourses as jest.MockedFunction<typeof listCourses>;
const mockedGet = getCourse as jest.MockedFunction<typeof getCourse>;
const mockedEnroll = enrollCourse as jest.MockedFunction<typeof enrollCourse>;
const mockedQuiz = getQuiz as jest.MockedFunction<typeof getQuiz>;
const mockedSubmit = submitQuiz as jest.MockedFunction<typeof submitQuiz>;

function course(over: Partial<CourseSummary> & Pick<CourseSummary, 'id' | 'title'>): CourseSummary {
  return {
    slug: over.id,
    summary: '帮助家长了解孩子的情绪变化。',
    module: 'mh_education',
    stages: ['primary'],
    lessonCount: 3,
    durationSeconds: 1500,
    hasQuiz: true,
    mine: null,
    ...over,
  };
}

const C1 = course({ id: 'c1', title: '读懂孩子的情绪', mine: { enrolledAt: '2025-11-01T00:00:00Z', completedLessons: 1, completedAt: null } });
const C2 = course({ id: 'c2', title: '青春期的亲子沟通', module: 'parent_child', stages: ['junior'], lessonCount: 4, durationSeconds: 2400, hasQuiz: false });
const C3 = course({ id: 'c3', title: '高中生的危机识别', module: 'mh_aid', stages: ['senior'] });
const LIST: CourseListOutput = { courses: [C1, C2, C3], myStages: ['primary', 'junior'], continueLearning: [C1] };

let navigate: jest.SpyInstance;

beforeEach(() => {
  jest.resetAllMocks();
  Taro.setStorageSync(TOKEN_KEY, 'token-1');
  navigate = jest.spyOn(Taro, 'navigateTo').mockResolvedValue({ errMsg: 'navigateTo:ok' } as never);
});
afterEach(() => {
  navigate.mockRestore();
  Taro.removeStorageSync(TOKEN_KEY);
});

describe('课程 catalogue', () => {
  it("shows my children's stages by default, the courses to continue, and each course's facts and progress", async () => {
    mockedList.mockResolvedValue({ ok: true, data: LIST });
    render(<CoursesPage />);
    expect(await screen.findByText('青春期的亲子沟通')).toBeTruthy();
    expect(mockedList).toHaveBeenCalledWith({ module: undefined, stage: undefined, q: '' });
    expect(screen.getByText('我的孩子（小学、初中）')).toBeTruthy();
    expect(screen.getByText('继续学习')).toBeTruthy();
    // C1 is both in the strip and in the list; C3 (高中) does not fit my children.
    expect(screen.getAllByText('读懂孩子的情绪')).toHaveLength(2);
    expect(screen.queryByText('高中生的危机识别')).toBeNull();
    expect(screen.getByText('共 2 门课程')).toBeTruthy();
    expect(screen.getAllByText('已学 1/3 课时').length).toBeGreaterThan(0);
    expect(screen.getAllByText('3 课时 · 25 分钟 · 含测验').length).toBeGreaterThan(0);
    expect(screen.getByText('4 课时 · 40 分钟')).toBeTruthy();

    fireEvent.click(screen.getByLabelText('青春期的亲子沟通'));
    expect(navigate).toHaveBeenCalledWith({ url: '/packages/course/detail/index?id=c2' });
  });

  it('filters by stage and module through the API and shows the safety card on 心理援助', async () => {
    mockedList.mockResolvedValue({ ok: true, data: LIST });
    render(<CoursesPage />);
    await screen.findByText('青春期的亲子沟通');
    fireEvent.click(screen.getAllByText('全部')[1]);
    expect(await screen.findByText('高中生的危机识别')).toBeTruthy();
    expect(screen.getByText('共 3 门课程')).toBeTruthy();

    mockedList.mockResolvedValue({ ok: true, data: { ...LIST, courses: [C3] } });
    fireEvent.click(screen.getAllByText('高中')[0]);
    await waitFor(() => expect(mockedList).toHaveBeenLastCalledWith({ module: undefined, stage: 'senior', q: '' }));
    fireEvent.click(screen.getAllByText('心理援助')[0]);
    await waitFor(() => expect(mockedList).toHaveBeenLastCalledWith({ module: 'mh_aid', stage: 'senior', q: '' }));
    expect(await screen.findByText('共 1 门课程')).toBeTruthy();
    expect(screen.getByText('立即拨打')).toBeTruthy();
  });

  it('searches and offers to clear the filters when nothing matches', async () => {
    mockedList.mockResolvedValue({ ok: true, data: LIST });
    const { container } = render(<CoursesPage />);
    await screen.findByText('青春期的亲子沟通');
    mockedList.mockResolvedValue({ ok: true, data: { ...LIST, courses: [] } });
    const input = container.querySelector('.xq-search__input');
    expect(input).toBeTruthy();
    fireEvent(input as Element, new CustomEvent('input', { detail: { value: '睡眠' } }));
    fireEvent.click(screen.getByText('搜索'));
    await waitFor(() => expect(mockedList).toHaveBeenLastCalledWith({ module: undefined, stage: undefined, q: '睡眠' }));
    expect(await screen.findByText('没有找到符合条件的课程')).toBeTruthy();
    mockedList.mockResolvedValue({ ok: true, data: LIST });
    fireEvent.click(screen.getByText('清除筛选'));
    await waitFor(() => expect(mockedList).toHaveBeenLastCalledWith({ module: undefined, stage: undefined, q: '' }));
    expect(await screen.findByText('高中生的危机识别')).toBeTruthy();
  });

  it('shows the error message and retries', async () => {
    mockedList
      .mockResolvedValueOnce({ ok: false, error: { code: 'NETWORK_ERROR', message: '网络连接失败，请检查网络后重试', status: 0 } })
      .mockResolvedValueOnce({ ok: true, data: LIST });
    render(<CoursesPage />);
    expect(await screen.findByText('网络连接失败，请检查网络后重试')).toBeTruthy();
    fireEvent.click(screen.getByText('重新加载'));
    expect(await screen.findByText('青春期的亲子沟通')).toBeTruthy();
  });
});

function lesson(id: string, over: Partial<LessonSummary> = {}): LessonSummary {
  return { id, slug: id, title: `课时 ${id}`, kind: 'video', durationSeconds: 300, safetyCard: false, progress: null, ...over };
}

const DONE = { position: 300, creditedSeconds: 300, segments: [[0, 300]] as [number, number][], completed: true, completedAt: '2025-11-02T00:00:00Z' };

function detail(over: Partial<CourseDetailOutput> = {}): CourseDetailOutput {
  return {
    course: C1,
    lessons: [
      lesson('l1', { title: '情绪从哪里来', progress: DONE }),
      lesson('l2', { title: '听见孩子的情绪', kind: 'audio', durationSeconds: 600, progress: { position: 300, creditedSeconds: 300, segments: [[0, 300]], completed: false, completedAt: null } }),
      lesson('l3', { title: '一起做情绪卡片', kind: 'article', durationSeconds: 240 }),
    ],
    quiz: { questionCount: 5, passMark: 60, attempts: 0, passed: false },
    certificate: null,
    schoolContacts: [],
    ...over,
  };
}

describe('课程详情', () => {
  beforeEach(() => setRouterParams({ id: 'c1' }));

  it('renders the outline with kinds, durations, done ticks and my progress; the quiz is locked; 继续学习 opens the next lesson', async () => {
    mockedGet.mockResolvedValue({ ok: true, data: detail() });
    render(<CourseDetailPage />);
    expect(await screen.findByText('读懂孩子的情绪')).toBeTruthy();
    expect(mockedGet).toHaveBeenCalledWith('c1');
    expect(screen.getByText('视频 · 5:00')).toBeTruthy();
    expect(screen.getByText('音频 · 10:00')).toBeTruthy();
    expect(screen.getByText('图文 · 4:00')).toBeTruthy();
    expect(screen.getAllByLabelText('已完成')).toHaveLength(1);
    expect(screen.getByText('50%')).toBeTruthy();
    expect(screen.getByText('完成全部课时后解锁测验')).toBeTruthy();
    expect(screen.getByText('5 题 · 60 分及格')).toBeTruthy();
    fireEvent.click(screen.getByText('继续学习'));
    expect(navigate).toHaveBeenCalledWith({ url: '/packages/course/lesson/index?id=l2' });
    expect(mockedEnroll).not.toHaveBeenCalled();
  });

  it('enrols before the first lesson when the parent has not joined yet', async () => {
    const fresh = detail({ course: { ...C1, mine: null }, lessons: detail().lessons.map((l) => ({ ...l, progress: null })) });
    mockedGet.mockResolvedValue({ ok: true, data: fresh });
    mockedEnroll.mockResolvedValue({ ok: true, data: { ...fresh, course: { ...C1, mine: { enrolledAt: '2025-11-23T00:00:00Z', completedLessons: 0, completedAt: null } } } });
    render(<CourseDetailPage />);
    fireEvent.click(await screen.findByText('开始学习'));
    await waitFor(() => expect(navigate).toHaveBeenCalledWith({ url: '/packages/course/lesson/index?id=l1' }));
    expect(mockedEnroll).toHaveBeenCalledWith('c1');
  });

  it('unlocks the quiz when every lesson is complete', async () => {
    const all = detail({ lessons: detail().lessons.map((l) => ({ ...l, progress: DONE })) });
    mockedGet.mockResolvedValue({ ok: true, data: all });
    render(<CourseDetailPage />);
    expect(await screen.findByText('全部课时已完成，可以参加测验了。')).toBeTruthy();
    fireEvent.click(screen.getByText('参加课后测验'));
    expect(navigate).toHaveBeenCalledWith({ url: '/packages/course/quiz/index?courseId=c1' });
  });

  it('shows the certificate of a completed course and the safety card of a lesson that carries one', async () => {
    const done = detail({
      course: { ...C1, mine: { enrolledAt: '2025-11-01T00:00:00Z', completedLessons: 3, completedAt: '2025-11-20T00:00:00Z' } },
      lessons: detail().lessons.map((l, i) => ({ ...l, progress: DONE, safetyCard: i === 2 })),
      quiz: { questionCount: 5, passMark: 60, attempts: 2, passed: true },
      certificate: { code: 'XQ-7K2M-9PQ4', displayName: '张敏', courseTitle: '读懂孩子的情绪', module: 'mh_education', issuedAt: '2025-11-20T08:00:00Z' },
      schoolContacts: [{ schoolId: 's1', schoolName: '小店区育英小学', contact: { name: '王静老师', phone: '0351-0000101', officeHours: '周一至周五 8:00–17:00' } }],
    });
    mockedGet.mockResolvedValue({ ok: true, data: done });
    render(<CourseDetailPage />);
    expect(await screen.findByText('已获得结业证书')).toBeTruthy();
    expect(screen.getByText('2025年11月20日 · 编号 XQ-7K2M-9PQ4')).toBeTruthy();
    expect(screen.getByText('已通过测验（共作答 2 次）')).toBeTruthy();
    expect(screen.getByText('立即拨打')).toBeTruthy();
    expect(screen.getByText(/王静老师/)).toBeTruthy();
    fireEvent.click(screen.getByText('查看结业证书'));
    expect(navigate).toHaveBeenCalledWith({ url: '/packages/course/certificate/index?code=XQ-7K2M-9PQ4' });
  });

  it('shows the error message and retries', async () => {
    mockedGet
      .mockResolvedValueOnce({ ok: false, error: { code: 'NOT_FOUND', message: '课程不存在', status: 404 } })
      .mockResolvedValueOnce({ ok: true, data: detail() });
    render(<CourseDetailPage />);
    expect(await screen.findByText('课程不存在')).toBeTruthy();
    fireEvent.click(screen.getByText('重新加载'));
    expect(await screen.findByText('读懂孩子的情绪')).toBeTruthy();
  });
});

/** A quiz as the server serves it: options by opaque id, in the order of this request (the key is not in it). */
const QUIZ: QuizOutput = {
  passMark: 60,
  attempts: 0,
  passed: false,
  retryAfterSeconds: null,
  remainingAttempts: 3,
  questions: [
    { id: 'q1', prompt: '孩子情绪低落多久需要留意？', options: [{ id: 'o-1c', text: '一小时' }, { id: 'o-1a', text: '两周以上' }, { id: 'o-1b', text: '一天' }] },
    { id: 'q2', prompt: '开口时首先应该？', options: [{ id: 'o-2b', text: '倾听' }, { id: 'o-2a', text: '批评' }, { id: 'o-2c', text: '比较' }] },
    { id: 'q3', prompt: '孩子有危险时应该？', options: [{ id: 'o-3c', text: '拨打 110 或 120' }, { id: 'o-3a', text: '先观察几天' }, { id: 'o-3b', text: '批评孩子' }] },
  ],
};
const result = (over: Partial<QuizResultOutput>): QuizResultOutput => ({
  score: 33, passMark: 60, passed: false, attempts: 1, wrongQuestionIds: [], review: null, retryAfterSeconds: null, remainingAttempts: 2, certificate: null, ...over,
});
const choose = (...texts: string[]) => { for (const text of texts) fireEvent.click(screen.getByText(text)); };

describe('课后测验', () => {
  beforeEach(() => setRouterParams({ courseId: 'c1' }));

  it('shows the options in the order served, lettered by position, and submits the chosen option ids once while the call is in flight', async () => {
    mockedQuiz.mockResolvedValue({ ok: true, data: QUIZ });
    let answer: (r: Awaited<ReturnType<typeof submitQuiz>>) => void = () => undefined;
    mockedSubmit.mockReturnValue(new Promise((resolve) => { answer = resolve; }));
    render(<QuizPage />);
    expect(await screen.findByText('孩子情绪低落多久需要留意？')).toBeTruthy();
    const first = screen.getByText('孩子情绪低落多久需要留意？').parentElement!;
    expect([...first.querySelectorAll('.xq-quiz__option')].map((o) => o.textContent)).toEqual(['A一小时', 'B两周以上', 'C一天']);
    expect(screen.getByText('还有 3 题未作答')).toBeTruthy();
    choose('两周以上', '倾听', '先观察几天');
    const submit = screen.getByText('提交答案');
    act(() => {
      submit.dispatchEvent(new MouseEvent('click', { bubbles: true }));
      submit.dispatchEvent(new MouseEvent('click', { bubbles: true }));
    });
    expect(mockedSubmit).toHaveBeenCalledTimes(1);
    expect(mockedSubmit).toHaveBeenCalledWith('c1', [{ questionId: 'q1', optionId: 'o-1a' }, { questionId: 'q2', optionId: 'o-2b' }, { questionId: 'q3', optionId: 'o-3a' }], expect.stringMatching(/^[A-Za-z0-9_-]{22}$/));
    // While the call is in flight the button shows as loading and disabled, and a further tap sends nothing.
    await waitFor(() => expect(document.querySelector('.xq-page__footer .nut-button-disabled.nut-button-loading')).not.toBeNull());
    fireEvent.click(screen.getByText('提交答案'));
    expect(mockedSubmit).toHaveBeenCalledTimes(1);
    await act(async () => answer({ ok: true, data: result({ score: 67, passed: true, wrongQuestionIds: ['q3'], review: [] }) }));
    expect(await screen.findByText(/恭喜通过测验/)).toBeTruthy();
  });

  it('a failed attempt says which questions were wrong and shows no answer or explanation; 再试一次 loads a new order', async () => {
    mockedQuiz.mockResolvedValue({ ok: true, data: QUIZ });
    mockedSubmit.mockResolvedValue({ ok: true, data: result({ wrongQuestionIds: ['q2', 'q3'] }) });
    render(<QuizPage />);
    await screen.findByText('开口时首先应该？');
    choose('两周以上', '批评', '先观察几天');
    fireEvent.click(screen.getByText('提交答案'));
    expect(await screen.findByText('第 2、3 题答错了，请回看课时后再试')).toBeTruthy();
    expect(screen.getByText('第 2 题答错了，请回看课时后再试')).toBeTruthy();
    expect(screen.getByText('第 3 题答错了，请回看课时后再试')).toBeTruthy();
    expect(screen.getByText('这题答对了')).toBeTruthy();
    expect(screen.getByText('还可以再试 2 次，之后需要等待一段时间')).toBeTruthy();
    expect(screen.queryByText(/正确答案|解析/)).toBeNull();
    expect(document.querySelectorAll('.xq-quiz__option.is-right')).toHaveLength(0);
    fireEvent.click(screen.getByText('再试一次'));
    await waitFor(() => expect(mockedQuiz).toHaveBeenCalledTimes(2));
    expect(await screen.findByText('还有 3 题未作答')).toBeTruthy();
  });

  it('a pass shows every explanation and marks the correct option', async () => {
    mockedQuiz.mockResolvedValue({ ok: true, data: QUIZ });
    const review = [
      { questionId: 'q1', chosenOptionId: 'o-1a', correctOptionId: 'o-1a', explanation: '持续两周以上的变化需要关注。' },
      { questionId: 'q2', chosenOptionId: 'o-2b', correctOptionId: 'o-2b', explanation: '先倾听，不评判。' },
      { questionId: 'q3', chosenOptionId: 'o-3a', correctOptionId: 'o-3c', explanation: '立即求助。' },
    ];
    mockedSubmit.mockResolvedValue({ ok: true, data: result({ score: 67, passed: true, wrongQuestionIds: ['q3'], review, remainingAttempts: 3 }) });
    render(<QuizPage />);
    await screen.findByText('开口时首先应该？');
    choose('两周以上', '倾听', '先观察几天');
    fireEvent.click(screen.getByText('提交答案'));
    expect(await screen.findByText('立即求助。')).toBeTruthy();
    expect(screen.getByText('先倾听，不评判。')).toBeTruthy();
    expect(screen.getAllByText('回答正确')).toHaveLength(2);
    expect(screen.getByText('回答错误，正确答案 A')).toBeTruthy();
    expect(screen.getByText('拨打 110 或 120').closest('.xq-quiz__option')?.className).toContain('is-right');
    expect(screen.getByText('返回课程')).toBeTruthy();
  });

  it('after too many failed attempts: the cooldown from the server (429), and on opening the page, with no submit', async () => {
    mockedQuiz.mockResolvedValue({ ok: true, data: QUIZ });
    mockedSubmit.mockResolvedValue({ ok: false, error: { code: 'TOO_MANY_ATTEMPTS', message: '测验已连续 3 次未通过，请 30 分钟后再试。可以先回看课时内容。', status: 429 } });
    const { unmount } = render(<QuizPage />);
    await screen.findByText('开口时首先应该？');
    choose('两周以上', '倾听', '先观察几天');
    fireEvent.click(screen.getByText('提交答案'));
    expect(await screen.findByText(/请 30 分钟后再试/)).toBeTruthy();
    expect(screen.queryByText('提交答案')).toBeNull();
    expect(screen.getByText('暂时不能作答，请稍后再试')).toBeTruthy();
    unmount();

    mockedQuiz.mockResolvedValue({ ok: true, data: { ...QUIZ, attempts: 3, retryAfterSeconds: 1150, remainingAttempts: 0 } });
    mockedSubmit.mockClear();
    render(<QuizPage />);
    expect(await screen.findByText(/请 20 分钟后再试/)).toBeTruthy();
    choose('两周以上', '倾听', '先观察几天');
    fireEvent.click(screen.getByText('暂时不能作答，请稍后再试'));
    expect(mockedSubmit).not.toHaveBeenCalled();
  });
});
