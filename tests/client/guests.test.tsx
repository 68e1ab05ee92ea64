// Guests (issue 14): the catalogue and a course outline render without logging in, login is asked only to start
// learning; 证书查验 is on 首页 and 我的 logged out; a certificate carries the QR code of its verification link.
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import Taro from '@tarojs/taro';
import qrcode from 'qrcode-generator';
import { setRouterParams } from './taro';
import type { CertificateOutput, CourseDetailOutput, CourseListOutput, CourseSummary } from '../../types';
import CoursesPage from '../../src/pages/courses/index';
import CourseDetailPage from '../../src/packages/course/detail/index';
import CertificatePage from '../../src/packages/course/certificate/index';
import VerifyPage from '../../src/packages/course/verify/index';
import IndexPage from '../../src/pages/index/index';
import MePage from '../../src/pages/me/index';
import { asciiBase64, qrDataUri, qrMatrix, QUIET_MODULES } from '../../src/packages/course/lib/qr-image';
import { codeFromQuery, verifyLink } from '../../src/packages/course/lib/verify-link';
import { enrollCourse, getCourse, listCourses, verifyCertificate } from '../../src/services/courses';
import { TOKEN_KEY } from '../../src/services/session';

jest.mock('../../src/services/courses', () => ({
  ...jest.requireActual('../../src/services/courses'),
  listCourses: jest.fn(),
  getCourse: jest.fn(),
  enrollCourse: jest.fn(),
  verifyCertificate: jest.fn(),
}));

const mockedList = listCourses as jest.MockedFunction<typeof listCourses>;
const mockedGet = getCourse as jest.MockedFunction<typeof getCourse>;
const mockedEnroll = enrollCourse as jest.MockedFunction<typeof enrollCourse>;
const mockedVerify = verifyCertificate as jest.MockedFunction<typeof verifyCertificate>;

function course(over: Partial<CourseSummary> & Pick<CourseSummary, 'id' | 'title'>): CourseSummary {
  return { slug: over.id, summary: '帮助家长了解孩子的情绪变化。', module: 'mh_education', stages: ['primary'], lessonCount: 2, durationSeconds: 600, hasQuiz: true, mine: null, ...over };
}
const C1 = course({ id: 'c1', title: '读懂孩子的情绪' });
const C2 = course({ id: 'c2', title: '青春期的亲子沟通', module: 'parent_child', stages: ['junior'] });
const GUEST_LIST: CourseListOutput = { courses: [C1, C2], myStages: [], continueLearning: [] };
const OUTLINE: CourseDetailOutput = {
  course: C1,
  lessons: [
    { id: 'l1', slug: 'l1', title: '情绪从哪里来', kind: 'video', durationSeconds: 300, safetyCard: false, progress: null },
    { id: 'l2', slug: 'l2', title: '和孩子聊聊感受', kind: 'article', durationSeconds: 300, safetyCard: false, progress: null },
  ],
  quiz: { questionCount: 5, passMark: 60, attempts: 0, passed: false },
  certificate: null,
  schoolContacts: [],
};
const CERT: CertificateOutput = { code: 'ABCD-EFGH-JKLM', displayName: '张敏', courseTitle: '读懂孩子的情绪', module: 'mh_education', issuedAt: '2026-11-20T08:00:00Z' };
const LOGIN = '/packages/account/login/index';

let navigate: jest.SpyInstance;

beforeEach(() => {
  jest.resetAllMocks();
  Taro.removeStorageSync(TOKEN_KEY);
  navigate = jest.spyOn(Taro, 'navigateTo').mockResolvedValue({ errMsg: 'navigateTo:ok' } as never);
});
afterEach(() => navigate.mockRestore());

describe('a guest on 课程', () => {
  it('sees the catalogue without a login prompt, and a module filters it', async () => {
    mockedList.mockResolvedValue({ ok: true, data: GUEST_LIST });
    render(<CoursesPage />);
    expect(await screen.findByText('青春期的亲子沟通')).toBeTruthy();
    expect(screen.getByText('共 2 门课程')).toBeTruthy();
    expect(screen.queryByText('去登录')).toBeNull();
    expect(screen.queryByText('继续学习')).toBeNull();
    expect(screen.queryByText(/我的孩子/)).toBeNull();

    mockedList.mockResolvedValue({ ok: true, data: { ...GUEST_LIST, courses: [C2] } });
    fireEvent.click(screen.getAllByText('亲子沟通')[0]);
    await waitFor(() => expect(mockedList).toHaveBeenLastCalledWith({ module: 'parent_child', stage: undefined, q: '' }));
    expect(await screen.findByText('共 1 门课程')).toBeTruthy();
    expect(screen.queryByText('读懂孩子的情绪')).toBeNull();

    fireEvent.click(screen.getByText('青春期的亲子沟通'));
    expect(navigate).toHaveBeenCalledWith({ url: '/packages/course/detail/index?id=c2' });
  });
});

describe('a guest on 课程详情', () => {
  beforeEach(() => setRouterParams({ id: 'c1' }));

  it('reads the outline; 开始学习 and a lesson open the login page and enrol nobody', async () => {
    mockedGet.mockResolvedValue({ ok: true, data: OUTLINE });
    render(<CourseDetailPage />);
    expect(await screen.findByText('情绪从哪里来')).toBeTruthy();
    expect(mockedGet).toHaveBeenCalledWith('c1');
    expect(screen.getByText('和孩子聊聊感受')).toBeTruthy();
    expect(screen.getByText('视频 · 5:00')).toBeTruthy();
    expect(screen.getByText('5 题 · 60 分及格')).toBeTruthy();
    expect(screen.getByText('登录后即可开始学习，学习进度和结业证书会保存在你的账号里。')).toBeTruthy();

    fireEvent.click(screen.getByText('开始学习'));
    expect(navigate).toHaveBeenLastCalledWith({ url: LOGIN });
    fireEvent.click(screen.getByText('和孩子聊聊感受'));
    expect(navigate).toHaveBeenLastCalledWith({ url: LOGIN });
    expect(mockedEnroll).not.toHaveBeenCalled();
  });

  it('a logged-in parent is not sent to log in: 开始学习 enrols and opens the first lesson', async () => {
    Taro.setStorageSync(TOKEN_KEY, 'token-1');
    mockedGet.mockResolvedValue({ ok: true, data: OUTLINE });
    mockedEnroll.mockResolvedValue({ ok: true, data: { ...OUTLINE, course: { ...C1, mine: { enrolledAt: '2026-11-23T00:00:00Z', completedLessons: 0, completedAt: null } } } });
    render(<CourseDetailPage />);
    fireEvent.click(await screen.findByText('开始学习'));
    await waitFor(() => expect(navigate).toHaveBeenCalledWith({ url: '/packages/course/lesson/index?id=l1' }));
    expect(navigate).not.toHaveBeenCalledWith({ url: LOGIN });
    expect(screen.queryByText('登录后即可开始学习，学习进度和结业证书会保存在你的账号里。')).toBeNull();
  });
});

describe('证书查验 for strangers', () => {
  it('is an entry on 首页 and on the logged-out 我的', () => {
    const home = render(<IndexPage />);
    fireEvent.click(screen.getByText('证书查验'));
    expect(navigate).toHaveBeenLastCalledWith({ url: '/packages/course/verify/index' });
    home.unmount();
    render(<MePage />);
    fireEvent.click(screen.getByText('证书查验'));
    expect(navigate).toHaveBeenLastCalledWith({ url: '/packages/course/verify/index' });
  });

  it('checks the code of a scanned link as the page opens (code=…, or the whole link in q as WeChat passes it)', async () => {
    mockedVerify.mockResolvedValue({ ok: true, data: { valid: true, certificate: CERT } });
    setRouterParams({ code: CERT.code });
    const first = render(<VerifyPage />);
    expect(await screen.findByText('证书有效')).toBeTruthy();
    expect(mockedVerify).toHaveBeenCalledWith(CERT.code);
    expect(screen.getByText('张敏')).toBeTruthy();
    first.unmount();

    mockedVerify.mockClear();
    mockedVerify.mockResolvedValue({ ok: true, data: { valid: false, certificate: null } });
    setRouterParams({ q: encodeURIComponent(verifyLink('WXYZ-WXYZ-WXYZ', 'https://xq.example.cn')) });
    render(<VerifyPage />);
    expect(await screen.findByText('未找到该证书')).toBeTruthy();
    expect(mockedVerify).toHaveBeenCalledWith('WXYZ-WXYZ-WXYZ');
  });

  it('opened without a code, waits for one to be typed', async () => {
    setRouterParams({});
    render(<VerifyPage />);
    expect(screen.getByText('查验')).toBeTruthy();
    await new Promise((r) => setTimeout(r, 50));
    expect(mockedVerify).not.toHaveBeenCalled();
  });
});

/** The dark modules of an SVG made by qrSvg, read back from its path (each run `Mx yhNv1h-Nz`), without the quiet zone. */
function modulesOfSvg(svg: string): boolean[][] {
  const side = Number(/viewBox="0 0 (\d+) /.exec(svg)![1]) - QUIET_MODULES * 2;
  const out = Array.from({ length: side }, () => Array.from({ length: side }, () => false));
  for (const m of svg.matchAll(/M(\d+) (\d+)h(\d+)v1h-\3z/g)) {
    const [x, y, n] = [Number(m[1]) - QUIET_MODULES, Number(m[2]) - QUIET_MODULES, Number(m[3])];
    for (let i = 0; i < n; i++) out[y][x + i] = true;
  }
  return out;
}

describe('the QR code of a certificate', () => {
  it('links to the verify page with the code; codeFromQuery reads the code back from that link', () => {
    const link = verifyLink(CERT.code, 'https://xq.example.cn');
    expect(link).toBe('https://xq.example.cn/#/packages/course/verify/index?code=ABCD-EFGH-JKLM');
    expect(codeFromQuery({ q: encodeURIComponent(link) })).toBe(CERT.code);
    expect(codeFromQuery({ code: CERT.code })).toBe(CERT.code);
    expect(codeFromQuery({})).toBe('');
    expect(verifyLink(CERT.code)).toBe(`${window.location.origin}/#/packages/course/verify/index?code=ABCD-EFGH-JKLM`);
  });

  it("the image's modules are exactly qrcode-generator's for the link", () => {
    const link = verifyLink(CERT.code, 'https://xq.example.cn');
    const uri = qrDataUri(link);
    expect(uri.startsWith('data:image/svg+xml;base64,')).toBe(true);
    const svg = Buffer.from(uri.slice('data:image/svg+xml;base64,'.length), 'base64').toString('ascii');
    const reference = qrcode(0, 'M');
    reference.addData(link);
    reference.make();
    const n = reference.getModuleCount();
    const expected = Array.from({ length: n }, (_, r) => Array.from({ length: n }, (_, c) => reference.isDark(r, c)));
    expect(modulesOfSvg(svg)).toEqual(expected);
    expect(qrMatrix(link)).toEqual(expected);
    expect(qrMatrix(`${link}X`)).not.toEqual(expected);
  });

  it('base64 matches Node for ASCII of every length', () => {
    for (const text of ['', 'a', 'ab', 'abc', 'abcd', '<svg viewBox="0 0 9 9"/>', 'M4 4h1v1h-1z~']) expect(asciiBase64(text)).toBe(Buffer.from(text, 'ascii').toString('base64'));
  });

  it('shows on the certificate page with the link and the code as text', async () => {
    mockedVerify.mockResolvedValue({ ok: true, data: { valid: true, certificate: CERT } });
    setRouterParams({ code: CERT.code });
    render(<CertificatePage />);
    const link = verifyLink(CERT.code);
    expect(await screen.findByText(link)).toBeTruthy();
    const image = screen.getByLabelText('证书查验二维码');
    const src = image.getAttribute('src') ?? image.querySelector('img')?.getAttribute('src');
    expect(src).toBe(qrDataUri(link));
    expect(screen.getByText(/验证码 ABCD-EFGH-JKLM/)).toBeTruthy();
    expect(screen.getByText('复制查验链接')).toBeTruthy();
  });
});
