import { act, fireEvent, render, renderHook, screen, waitFor } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { createHashHistory } from 'history';
import { setHistory } from '@tarojs/router';
import type { NoticeDraftContent, NoticeGuardianView } from '../../types';
import BindPage from '../../src/packages/notices/bind/index';
import { AckForm } from '../../src/packages/notices/view/ack-form';
import { AUTOSAVE_MS, useNoticeDraft } from '../../src/packages/notices/issue/draft';
import { clip, firstError, useLeaveGuard } from '../../src/components/form-kit';
import { bindChild, createNoticeDraft, noticeTemplateIds, saveNoticeDraft } from '../../src/services/notices';
import { TOKEN_KEY } from '../../src/services/session';

jest.mock('../../src/services/notices', () => ({
  ...jest.requireActual('../../src/services/notices'),
  bindChild: jest.fn(),
  noticeTemplateIds: jest.fn(),
  acknowledgeNotice: jest.fn(),
  createNoticeDraft: jest.fn(),
  saveNoticeDraft: jest.fn(),
}));

const mockedBind = bindChild as jest.MockedFunction<typeof bindChild>;
const mockedTemplates = noticeTemplateIds as jest.MockedFunction<typeof noticeTemplateIds>;
const mockedCreate = createNoticeDraft as jest.MockedFunction<typeof createNoticeDraft>;
const mockedSave = saveNoticeDraft as jest.MockedFunction<typeof saveNoticeDraft>;

const notice: NoticeGuardianView = {
  kind: 'guardian', id: 'n1', schoolName: '小店区育英小学', studentName: '孙浩然', level: 'grade', sentAt: '2025-11-24T02:00:00.000Z',
  content: {
    observed: '近两周在课堂上多次独自流泪。', recommendation: '建议尽快到精神卫生医疗机构进行专业评估。', institutions: [], meetingSlots: [],
    meetingPlace: '学校心理辅导室', contactName: '王静', contactPhone: '0351-0000101',
  },
  watermark: { name: '王芳', at: '2025-11-24T03:00:00.000Z' },
  receipt: { firstOpenedAt: '2025-11-24T03:00:00.000Z', acknowledgedAt: null, choice: null, meetingSlot: null },
  closed: false,
};

let scrolled: string[];
let toast: jest.SpyInstance;

beforeEach(() => {
  jest.resetAllMocks();
  jest.restoreAllMocks();
  scrolled = [];
  // jsdom lays nothing out: record which element was asked to scroll into view.
  Element.prototype.scrollIntoView = function scrollIntoView(this: Element) {
    scrolled.push(this.id);
  };
  toast = jest.spyOn(Taro, 'showToast').mockResolvedValue({ errMsg: 'showToast:ok' } as never);
  jest.spyOn(HTMLCanvasElement.prototype, 'getContext').mockImplementation(() => null);
  Taro.setStorageSync(TOKEN_KEY, 'token-1');
  mockedTemplates.mockResolvedValue([]);
});

afterEach(() => {
  Taro.removeStorageSync(TOKEN_KEY);
});

async function typeInto(placeholder: string, value: string): Promise<HTMLInputElement> {
  const input = await waitFor(() => {
    const found = document.querySelector<HTMLInputElement>(`input[placeholder="${placeholder}"]`);
    if (!found) throw new Error(`no input ${placeholder}`);
    return found;
  });
  fireEvent.input(input, { target: { value } });
  return input;
}

/** A beforeunload event as a reload would send it; true when the page asked to stay. */
function reloadAsks(): boolean {
  const e = new Event('beforeunload', { cancelable: true });
  window.dispatchEvent(e);
  return e.defaultPrevented;
}

describe('the first refused field is brought into view', () => {
  it('an empty 提交确认 scrolls to 确认已收到 and names it in a toast, with the number of problems', async () => {
    render(<AckForm notice={notice} onDone={jest.fn()} reload={jest.fn()} />);
    fireEvent.click(screen.getByText('提交确认'));
    await waitFor(() => expect(scrolled).toEqual(['xq-f-received']));
    expect(toast).toHaveBeenCalledWith(expect.objectContaining({ title: '请先勾选“确认已收到”（共 4 处需修改）', icon: 'none' }));
  });

  it('follows the order of the page and puts the cursor in the first refused input', async () => {
    render(<AckForm notice={notice} onDone={jest.fn()} reload={jest.fn()} />);
    fireEvent.click(screen.getByText('我已完整阅读本告知书，确认已收到'));
    fireEvent.click(screen.getByText('自行就医'));
    fireEvent.click(screen.getByText('提交确认'));
    await waitFor(() => expect(scrolled).toEqual(['xq-f-signedName']));
    expect(document.activeElement).toBe(document.querySelector('#xq-f-signedName input'));
    expect(toast).toHaveBeenCalledWith(expect.objectContaining({ title: '请输入你的姓名（至少 2 个字）（共 2 处需修改）' }));
  });

  it('绑定孩子: the separate consent, when it is the only problem, is scrolled to and toasted', async () => {
    render(<BindPage />);
    await typeInto('如 ABCD-EFGH', 'ABCD-EFGH');
    fireEvent.click(screen.getByText('母亲'));
    fireEvent.click(screen.getByText('同意并绑定'));
    await waitFor(() => expect(scrolled).toEqual(['xq-f-noticeConsent']));
    expect(toast).toHaveBeenCalledWith(expect.objectContaining({ title: '请阅读并勾选单独同意，否则无法接收孩子的告知书' }));
    expect(mockedBind).not.toHaveBeenCalled();
  });

  it('绑定孩子: a wrong code shows and toasts the tries left before the lock, at the code field', async () => {
    mockedBind.mockResolvedValue({ ok: false, error: { code: 'BINDING_CODE_INVALID', message: '绑定码无效', status: 400, remainingAttempts: 1, requestId: 'r' } as never });
    render(<BindPage />);
    await typeInto('如 ABCD-EFGH', 'ABCD-EFGH');
    fireEvent.click(screen.getByText('母亲'));
    fireEvent.click(screen.getByText('我已阅读以上内容，单独同意接收孩子的心理健康告知书'));
    fireEvent.click(screen.getByText('同意并绑定'));
    expect(await screen.findByText('绑定码无效，还可尝试 1 次')).toBeTruthy();
    await waitFor(() => expect(scrolled).toEqual(['xq-f-code']));
    expect(toast).toHaveBeenCalledWith(expect.objectContaining({ title: '绑定码无效，还可尝试 1 次' }));
  });

  it('picks the first field in the given order, else any with a message', () => {
    expect(firstError({ b: 'B', a: 'A' }, ['a', 'b'])).toEqual({ name: 'a', message: 'A' });
    expect(firstError({ a: undefined, z: 'Z' }, ['a'])).toEqual({ name: 'z', message: 'Z' });
    expect(firstError({}, ['a'])).toBeNull();
  });
});

describe('character counters', () => {
  it('count against the server limit, turn red at it and say so when input past it was refused', async () => {
    const { container } = render(<AckForm notice={notice} onDone={jest.fn()} reload={jest.fn()} />);
    fireEvent.click(screen.getByText('暂不同意'));
    const reason = await waitFor(() => {
      const found = container.querySelector('textarea');
      if (!found) throw new Error('no reason field');
      return found;
    });
    fireEvent.input(reason, { target: { value: '因'.repeat(58) } });
    expect(screen.getByText('58/500')).toBeTruthy();
    fireEvent.input(reason, { target: { value: '因'.repeat(660) } });
    await waitFor(() => expect(reason.value).toHaveLength(500));
    const counter = screen.getByText(/500\/500/);
    expect(counter.className).toContain('is-full');
    expect(counter.textContent).toContain('最多 500 字，超出的部分没有输入');

    const name = await typeInto('请输入你的真实姓名', '王'.repeat(25));
    await waitFor(() => expect(name.value).toHaveLength(20));
    expect(screen.getByText(/20\/20/).textContent).toContain('最多 20 字');
  });

  it('clip keeps what fits and reports the cut', () => {
    expect(clip('abc', 5)).toEqual({ value: 'abc', cut: false });
    expect(clip('abcdef', 5)).toEqual({ value: 'abcde', cut: true });
  });
});

describe('leaving a form with unsaved input', () => {
  it('the acknowledgement asks on reload once anything is filled in, and not after the page is gone', async () => {
    const { unmount } = render(<AckForm notice={notice} onDone={jest.fn()} reload={jest.fn()} />);
    expect(reloadAsks()).toBe(false);
    fireEvent.click(screen.getByText('我已完整阅读本告知书，确认已收到'));
    expect(reloadAsks()).toBe(true);
    unmount();
    expect(reloadAsks()).toBe(false);
  });

  it('H5: back navigation inside the app asks first and stays when the answer is 继续填写', async () => {
    const history = createHashHistory();
    setHistory(history as never);
    history.push('/form');
    const modal = jest.spyOn(Taro, 'showModal').mockResolvedValue({ confirm: false, cancel: true, errMsg: 'showModal:ok' } as never);
    const { result, unmount } = renderHook(({ dirty }) => useLeaveGuard(dirty), { initialProps: { dirty: true } });
    act(() => history.push('/elsewhere'));
    await waitFor(() => expect(modal).toHaveBeenCalledTimes(1));
    expect(history.location.pathname).toBe('/form');
    modal.mockResolvedValue({ confirm: true, cancel: false, errMsg: 'showModal:ok' } as never);
    act(() => history.push('/elsewhere'));
    await waitFor(() => expect(history.location.pathname).toBe('/elsewhere'));
    expect(modal).toHaveBeenCalledTimes(2);
    // Released (after a successful submit): leaves without asking.
    const again = renderHook(() => useLeaveGuard(true));
    act(() => again.result.current.release());
    act(() => history.push('/third'));
    expect(history.location.pathname).toBe('/third');
    expect(modal).toHaveBeenCalledTimes(2);
    expect(result.current.release).toBeInstanceOf(Function);
    unmount();
    again.unmount();
  });

  it('weapp: enableAlertBeforeUnload while dirty, disableAlertBeforeUnload when clean or released', () => {
    const before = process.env.TARO_ENV;
    process.env.TARO_ENV = 'weapp';
    try {
      const on = jest.spyOn(Taro, 'enableAlertBeforeUnload').mockImplementation(() => undefined as never);
      const off = jest.spyOn(Taro, 'disableAlertBeforeUnload').mockImplementation(() => undefined as never);
      const { result, rerender } = renderHook(({ dirty }) => useLeaveGuard(dirty), { initialProps: { dirty: false } });
      expect(on).not.toHaveBeenCalled();
      rerender({ dirty: true });
      expect(on).toHaveBeenCalledWith(expect.objectContaining({ message: expect.stringContaining('还没有提交') }));
      rerender({ dirty: false });
      expect(off).toHaveBeenCalledTimes(1);
      rerender({ dirty: true });
      act(() => result.current.release());
      expect(off).toHaveBeenCalledTimes(2);
      rerender({ dirty: true });
      expect(on).toHaveBeenCalledTimes(2);
    } finally {
      process.env.TARO_ENV = before;
    }
  });
});

describe('the draft of a notice', () => {
  const content = (observed: string): NoticeDraftContent => ({
    studentId: null, level: 'class', observed, recommendation: '', institutions: [], meetingSlots: [], meetingPlace: '', contactName: '王老师', contactPhone: '',
  });
  const saved = (id: string, c: NoticeDraftContent) => ({ ok: true as const, data: { id, schoolId: 's1', content: c, createdAt: 'x', updatedAt: '2026-11-23T08:00:00.000Z', expiresAt: 'y' } });

  it('is saved a few seconds after typing stops (created once, then replaced), and flushed before a submit', async () => {
    jest.useFakeTimers();
    try {
      mockedCreate.mockImplementation(async (_s, c) => saved('d1', c));
      mockedSave.mockImplementation(async (id, c) => saved(id, c));
      const { result, rerender } = renderHook(({ c }) => useNoticeDraft('s1', c), { initialProps: { c: null as NoticeDraftContent | null } });
      expect(result.current.unsaved).toBe(false);
      rerender({ c: content('一') });
      rerender({ c: content('一二') });
      expect(result.current.unsaved).toBe(true);
      await act(async () => {
        jest.advanceTimersByTime(AUTOSAVE_MS - 100);
      });
      expect(mockedCreate).not.toHaveBeenCalled();
      await act(async () => {
        jest.advanceTimersByTime(200);
      });
      expect(mockedCreate).toHaveBeenCalledTimes(1);
      expect(mockedCreate.mock.calls[0]![1]).toEqual(content('一二'));
      expect(result.current.unsaved).toBe(false);
      expect(result.current.status.kind).toBe('saved');
      rerender({ c: content('一二三') });
      let id: string | null = null;
      await act(async () => {
        id = await result.current.flush();
      });
      expect(id).toBe('d1');
      expect(mockedSave).toHaveBeenCalledWith('d1', content('一二三'));
      expect(mockedCreate).toHaveBeenCalledTimes(1);
    } finally {
      jest.useRealTimers();
    }
  });
});
