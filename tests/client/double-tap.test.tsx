import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { act, render, screen, waitFor } from '@testing-library/react';
import Taro from '@tarojs/taro';
import IssuePage from '../../src/packages/notices/issue/index';
import EditEventPage from '../../src/packages/events/edit/index';
import { newIdempotencyKey } from '../../src/services/idempotency';
import { setApiBase } from '../../src/services/request';
import { TOKEN_KEY } from '../../src/services/session';
import { setRouterParams } from './taro';

/** A POST the fake API received. */
interface Posted {
  path: string;
  key: string | undefined;
  body: unknown;
}

type Answer = { status: number; body: unknown };

let server: http.Server;
let gets: Record<string, unknown> = {};
let posted: Posted[] = [];
/** The answers of the next POSTs, in order; each waits for its release when one is given. */
let answers: { answer: Answer; release?: Promise<void> }[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    req.on('end', () => {
      const path = (req.url ?? '').split('?')[0] ?? '';
      const send = ({ status, body }: Answer) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.method === 'GET') {
        return send(path in gets ? { status: 200, body: gets[path] } : { status: 404, body: { error: { code: 'NOT_FOUND', message: '内容不存在' } } });
      }
      const key = req.headers['idempotency-key'];
      posted.push({ path, key: Array.isArray(key) ? key[0] : key, body: raw ? JSON.parse(raw) : null });
      const next = answers.shift() ?? { answer: { status: 500, body: { error: { code: 'INTERNAL', message: '没有准备答复' } } } };
      void (next.release ?? Promise.resolve()).then(() => send(next.answer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  setApiBase(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});

afterAll(async () => {
  setApiBase(null);
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

let redirect: jest.SpyInstance;
beforeEach(() => {
  gets = {};
  posted = [];
  answers = [];
  Taro.setStorageSync(TOKEN_KEY, 'token-1');
  redirect = jest.spyOn(Taro, 'redirectTo').mockResolvedValue({ errMsg: 'redirectTo:ok' } as never);
  jest.spyOn(Taro, 'showToast').mockResolvedValue({ errMsg: 'showToast:ok' } as never);
});
afterEach(() => {
  jest.restoreAllMocks();
  Taro.removeStorageSync(TOKEN_KEY);
});

/** A POST answer held back until the returned function is called. */
function held(answer: Answer): { release: () => void } {
  let release: () => void = () => undefined;
  answers.push({ answer, release: new Promise<void>((resolve) => { release = resolve; }) });
  return { release: () => release() };
}

/** Two taps on a button before the page can redraw (as on the mini-program, where the view updates asynchronously). */
function doubleTap(text: string): void {
  const target = screen.getByText(text);
  act(() => {
    target.dispatchEvent(new MouseEvent('click', { bubbles: true }));
    target.dispatchEvent(new MouseEvent('click', { bubbles: true }));
  });
}

/** One tap. */
function tap(text: string): void {
  const target = screen.getByText(text);
  act(() => {
    target.dispatchEvent(new MouseEvent('click', { bubbles: true }));
  });
}

const KEY = /^[A-Za-z0-9_-]{22}$/;
const failure: Answer = { status: 503, body: { error: { code: 'INTERNAL', message: '服务器开小差了，请稍后重试' } } };

describe('one submit per tap', () => {
  test('new keys are 22 URL-safe characters and differ', () => {
    const keys = new Set(Array.from({ length: 200 }, () => newIdempotencyKey()));
    expect(keys.size).toBe(200);
    for (const k of keys) expect(k).toMatch(KEY);
  });

  test('提交审批: a double tap sends one notice with an Idempotency-Key; the retry after a failure sends the same key; a tap as the page leaves sends nothing', async () => {
    gets = {
      '/api/schools/sc1/notice-settings': {
        schoolId: 'sc1', schoolName: '小店区育英小学', requireApproval: true, unreadHours: 24, headTeacherHours: 48, leaderHours: 72, retentionDays: 365,
        institutions: [{ name: '太原市精神卫生中心（演示）', phone: '0351-0000301', address: '示例路 1 号' }], canEdit: false,
      },
      '/api/me': { user: { id: 'u1', displayName: '王静' }, roles: [], children: [], privacy: { agreedVersion: 'v1', currentVersion: 'v1' } },
      '/api/schools/sc1/students': { students: [{ id: 'st1', name: '孙浩然', grade: '五年级', className: '2班', stage: 'primary', guardians: 1 }] },
      '/api/notices/n0': {
        kind: 'staff', id: 'n0', level: 'grade',
        content: {
          observed: '近两周课间常一个人坐在走廊尽头，午饭吃得很少。', recommendation: '建议家长本周内与孩子谈一谈，并带孩子做一次情绪评估。',
          institutions: [{ name: '太原市精神卫生中心（演示）', phone: '0351-0000301', address: '示例路 1 号' }], meetingSlots: [], meetingPlace: '心理辅导室',
          contactName: '王静', contactPhone: '0351-0000101',
        },
      },
    };
    setRouterParams({ school: 'sc1', student: 'st1', from: 'n0' });
    render(<IssuePage />);
    await screen.findByText('提交审批');
    await screen.findByText('孙浩然');

    const first = held(failure);
    doubleTap('提交审批');
    await waitFor(() => expect(posted).toHaveLength(1));
    first.release();
    expect(await screen.findAllByText('服务器开小差了，请稍后重试')).not.toHaveLength(0);
    expect(posted).toHaveLength(1);
    expect(posted[0]).toMatchObject({ path: '/api/notices', key: expect.stringMatching(KEY), body: { studentId: 'st1', level: 'grade' } });

    const second = held({ status: 201, body: { id: 'n1', status: 'pending_approval' } });
    doubleTap('提交审批');
    await waitFor(() => expect(posted).toHaveLength(2));
    second.release();
    await waitFor(() => expect(redirect).toHaveBeenCalledWith({ url: expect.stringContaining('n1') }));
    expect(posted[1]!.key).toBe(posted[0]!.key);
    expect(posted[1]!.body).toEqual(posted[0]!.body);

    tap('提交审批');
    await new Promise((r) => setTimeout(r, 50));
    expect(posted).toHaveLength(2);
  });

  test('发布活动: a double tap sends one session with an Idempotency-Key; the retry after a failure sends the same key', async () => {
    gets = {
      '/api/events/manage': { hosts: [{ type: 'station', id: 'st1', name: '坞城街道家庭教育指导服务站' }], duties: [], events: [] },
      '/api/events/e0': {
        id: 'e0', title: '识别孩子的焦虑：家长讲座', topic: '心理健康教育', mentalHealth: true, speaker: '李红', mode: 'onsite', address: '坞城路 96 号二层',
        onlineUrl: null, capacity: 30, description: '讲解焦虑的早期信号。', latitude: null, longitude: null,
        startsAt: '2026-11-20T11:00:00.000Z', endsAt: '2026-11-20T12:30:00.000Z', signupDeadline: '2026-11-20T09:00:00.000Z',
        host: { type: 'station', id: 'st1', name: '坞城街道家庭教育指导服务站' },
      },
    };
    setRouterParams({ copy: 'e0' });
    render(<EditEventPage />);
    await screen.findByText('发布活动');
    await waitFor(() => expect((document.querySelector('input[placeholder="如：青春期孩子的情绪与压力"]') as HTMLInputElement | null)?.value).toBe('识别孩子的焦虑：家长讲座'));

    const first = held(failure);
    doubleTap('发布活动');
    await waitFor(() => expect(posted).toHaveLength(1));
    first.release();
    await waitFor(() => expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '服务器开小差了，请稍后重试' })));
    expect(posted).toHaveLength(1);
    expect(posted[0]).toMatchObject({ path: '/api/events', key: expect.stringMatching(KEY), body: { title: '识别孩子的焦虑：家长讲座', capacity: 30 } });

    const second = held({ status: 201, body: { id: 'e1' } });
    doubleTap('发布活动');
    await waitFor(() => expect(posted).toHaveLength(2));
    second.release();
    await waitFor(() => expect(redirect).toHaveBeenCalledWith({ url: expect.stringContaining('e1') }));
    expect(posted[1]!.key).toBe(posted[0]!.key);

    tap('发布活动');
    await new Promise((r) => setTimeout(r, 50));
    expect(posted).toHaveLength(2);
  });
});
