import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import Taro from '@tarojs/taro';
import type { MeOutput, NoticeGuardianView, NoticeStaffView } from '../../types';
import BindPage from '../../src/packages/notices/bind/index';
import NoticePage from '../../src/packages/notices/view/index';
import { AckForm, checkAck } from '../../src/packages/notices/view/ack-form';
import { SignaturePad, hasSignature, toBox } from '../../src/packages/notices/lib/signature-pad';
import { acknowledgeNotice, bindChild, completeNoticeTask, getNotice, noticeTemplateIds } from '../../src/services/notices';
import { getMe } from '../../src/services/me';
import { TOKEN_KEY } from '../../src/services/session';
import { hidePage, setRouterParams } from './taro';

jest.mock('../../src/services/notices', () => ({
  ...jest.requireActual('../../src/services/notices'),
  bindChild: jest.fn(),
  noticeTemplateIds: jest.fn(),
  acknowledgeNotice: jest.fn(),
  getNotice: jest.fn(),
  completeNoticeTask: jest.fn(),
}));
jest.mock('../../src/services/me');

const mockedBind = bindChild as jest.MockedFunction<typeof bindChild>;
const mockedTemplates = noticeTemplateIds as jest.MockedFunction<typeof noticeTemplateIds>;
const mockedAck = acknowledgeNotice as jest.MockedFunction<typeof acknowledgeNotice>;
const mockedGet = getNotice as jest.MockedFunction<typeof getNotice>;
const mockedTask = completeNoticeTask as jest.MockedFunction<typeof completeNoticeTask>;
const mockedMe = getMe as jest.MockedFunction<typeof getMe>;

const SLOT = '2025-11-26T08:00:00.000Z';

function guardianView(over: Partial<NoticeGuardianView> = {}): NoticeGuardianView {
  return {
    kind: 'guardian',
    id: 'n1',
    schoolName: '小店区育英小学',
    studentName: '孙浩然',
    level: 'grade',
    sentAt: '2025-11-24T02:00:00.000Z',
    content: {
      observed: '近两周在课堂上多次独自流泪，作业完成情况明显下降。',
      recommendation: '建议尽快到精神卫生医疗机构进行专业评估。',
      institutions: [{ name: '太原市精神卫生中心（演示）', phone: '0351-0000301', address: '示例路 1 号' }],
      meetingSlots: [SLOT],
      meetingPlace: '学校心理辅导室',
      contactName: '王静',
      contactPhone: '0351-0000101',
    },
    watermark: { name: '王芳', at: '2025-11-24T03:00:00.000Z' },
    receipt: { firstOpenedAt: '2025-11-24T03:00:00.000Z', acknowledgedAt: null, choice: null, meetingSlot: null },
    closed: false,
    ...over,
  };
}

/** The calls a pad made on its 2D context, to see that it really draws. */
interface PenLog {
  moveTo: number[][];
  lineTo: number[][];
  clearRect: number;
}

let pen: PenLog;

/** jsdom has no canvas drawing: a recording context stands in, and every canvas measures 500 × 200 at (10, 20). */
function fakeCanvas(): void {
  pen = { moveTo: [], lineTo: [], clearRect: 0 };
  const ctx = {
    lineWidth: 1, lineCap: 'butt', lineJoin: 'miter', strokeStyle: '#000', fillStyle: '#000',
    setTransform: () => undefined,
    clearRect: () => { pen.clearRect++; },
    beginPath: () => undefined,
    moveTo: (x: number, y: number) => { pen.moveTo.push([x, y]); },
    lineTo: (x: number, y: number) => { pen.lineTo.push([x, y]); },
    arc: () => undefined,
    stroke: () => undefined,
    fill: () => undefined,
  };
  jest.spyOn(HTMLCanvasElement.prototype, 'getContext').mockImplementation(() => ctx as never);
  jest.spyOn(HTMLCanvasElement.prototype, 'getBoundingClientRect').mockImplementation(
    () => ({ left: 10, top: 20, width: 500, height: 200, right: 510, bottom: 220, x: 10, y: 20, toJSON: () => ({}) }) as DOMRect,
  );
}

function canvasOf(container: HTMLElement): HTMLCanvasElement {
  const canvas = container.querySelector('canvas.xq-sig__canvas');
  if (!canvas) throw new Error('no signature canvas');
  return canvas as HTMLCanvasElement;
}

/** Draws a stroke with the mouse through the given page positions. */
function drawWithMouse(canvas: HTMLCanvasElement, points: [number, number][]): void {
  const [first, ...rest] = points as [[number, number], ...[number, number][]];
  fireEvent.mouseDown(canvas, { clientX: first[0], clientY: first[1], button: 0 });
  for (const [x, y] of rest) fireEvent.mouseMove(window, { clientX: x, clientY: y });
  fireEvent.mouseUp(window);
}

/** Types into a NutUI input found by its placeholder (the inner <input> renders a moment after the page). */
async function typeInto(placeholder: string, value: string): Promise<void> {
  const input = await waitFor(() => {
    const found = document.querySelector(`input[placeholder="${placeholder}"]`);
    if (!found) throw new Error(`no input ${placeholder}`);
    return found;
  });
  fireEvent.input(input, { target: { value } });
}

beforeEach(() => {
  jest.resetAllMocks();
  jest.restoreAllMocks();
  fakeCanvas();
  Taro.setStorageSync(TOKEN_KEY, 'token-1');
});

afterEach(() => {
  Taro.removeStorageSync(TOKEN_KEY);
});

describe('signature pad', () => {
  it('maps positions into the 1000 × 400 box, clamped to whole numbers', () => {
    expect(toBox(250, 100, 500, 200)).toEqual([500, 200]);
    expect(toBox(-5, 260, 500, 200)).toEqual([0, 400]);
    expect(toBox(123.4, 56.7, 500, 200)).toEqual([247, 113]);
    expect(toBox(10, 10, 0, 0)).toEqual([0, 0]);
  });

  it('records mouse strokes as flat x, y lists in the box and draws them on the canvas', () => {
    const onChange = jest.fn();
    const { container } = render(<SignaturePad id='sig' strokes={[]} onChange={onChange} />);
    const canvas = canvasOf(container);
    // The canvas sits at (10, 20) and is 500 × 200: page (60, 70) is box (100, 100).
    drawWithMouse(canvas, [[60, 70], [110, 120], [160, 70], [210, 170]]);
    expect(onChange).toHaveBeenCalledTimes(1);
    expect(onChange.mock.calls[0][0]).toEqual([[100, 100, 200, 200, 300, 100, 400, 300]]);
    // Each segment was drawn (in CSS pixels: box units × 0.5).
    expect(pen.lineTo).toEqual(expect.arrayContaining([[100, 100], [150, 50], [200, 150]]));
  });

  it('records finger strokes, and skips points closer than a few units', () => {
    const onChange = jest.fn();
    const { container } = render(<SignaturePad id='sig' strokes={[]} onChange={onChange} />);
    const canvas = canvasOf(container);
    const touch = (type: 'touchStart' | 'touchMove', x: number, y: number) => fireEvent[type](canvas, { touches: [{ clientX: x, clientY: y }] });
    touch('touchStart', 10, 20);
    touch('touchMove', 10.5, 20.5);
    touch('touchMove', 260, 120);
    fireEvent.touchEnd(canvas, { touches: [] });
    expect(onChange.mock.calls[0][0]).toEqual([[0, 0, 500, 200]]);
  });

  it('draws given strokes back and ignores input when read-only', () => {
    const { container } = render(<SignaturePad id='sig' strokes={[[0, 0, 1000, 400], [500, 0, 500, 400]]} />);
    expect(pen.moveTo).toEqual([[0, 0], [250, 0]]);
    expect(pen.lineTo).toEqual([[500, 200], [250, 200]]);
    drawWithMouse(canvasOf(container), [[60, 70], [110, 120]]);
    expect(pen.lineTo).toHaveLength(2);
  });

  it('counts a signature only when it is more than a tap or a dash', () => {
    expect(hasSignature([])).toBe(false);
    expect(hasSignature([[10, 10]])).toBe(false);
    expect(hasSignature([[10, 10, 20, 20]])).toBe(false);
    expect(hasSignature([[10, 10, 20, 20, 30, 30, 40, 40, 50, 50, 60, 60, 70, 70, 80, 80]])).toBe(true);
  });
});

describe('绑定孩子', () => {
  it('refuses to bind without the separate consent, then binds with it', async () => {
    mockedTemplates.mockResolvedValue([]);
    mockedBind.mockResolvedValue({
      ok: true,
      data: {
        child: {
          studentId: 's1', name: '孙浩然', schoolId: 'sc1', schoolName: '小店区育英小学', schoolRegionId: 'r1', grade: '五年级', className: '2班',
          stage: 'primary', relation: 'mother', relationNote: null, boundAt: '2025-11-24T00:00:00.000Z',
        },
      },
    });
    render(<BindPage />);
    expect(screen.getByText('告知书接收单独同意')).toBeTruthy();
    expect(screen.getByText(/每一次打开告知书都会被记录/)).toBeTruthy();
    expect(screen.getByText(/只有孩子的监护人和发出告知书学校的授权老师/)).toBeTruthy();
    await typeInto('如 ABCD-EFGH', 'sr75-xzcf');
    fireEvent.click(screen.getByText('母亲'));
    fireEvent.click(screen.getByText('同意并绑定'));
    expect(await screen.findByText('请阅读并勾选单独同意，否则无法接收孩子的告知书', { selector: '.xq-field-error' })).toBeTruthy();
    expect(mockedBind).not.toHaveBeenCalled();

    fireEvent.click(screen.getByText('我已阅读以上内容，单独同意接收孩子的心理健康告知书'));
    fireEvent.click(screen.getByText('同意并绑定'));
    expect(await screen.findByText('已绑定 孙浩然')).toBeTruthy();
    expect(mockedBind).toHaveBeenCalledWith({ code: 'SR75-XZCF', relation: 'mother', noticeConsent: true, relationNote: null, phoneCode: null, acceptSchoolNotice: false }, expect.stringMatching(/^[A-Za-z0-9_-]{22}$/));
  });

  it('asks for the code and the relation, and shows the server refusing a code at the code field', async () => {
    mockedTemplates.mockResolvedValue([]);
    mockedBind.mockResolvedValue({ ok: false, error: { code: 'BINDING_CODE_EXPIRED', message: '绑定码已过期，请联系学校重新发放', status: 410 } });
    render(<BindPage />);
    fireEvent.click(screen.getByText('我已阅读以上内容，单独同意接收孩子的心理健康告知书'));
    fireEvent.click(screen.getByText('同意并绑定'));
    expect(await screen.findByText('请输入学校发放的绑定码')).toBeTruthy();
    expect(screen.getByText('请选择你与孩子的关系')).toBeTruthy();
    expect(mockedBind).not.toHaveBeenCalled();
    await typeInto('如 ABCD-EFGH', 'ABCD-EFGH');
    fireEvent.click(screen.getByText('父亲'));
    fireEvent.click(screen.getByText('同意并绑定'));
    expect(await screen.findByText('绑定码已过期，请联系学校重新发放')).toBeTruthy();
    expect(screen.queryByText(/^已绑定/)).toBeNull();
  });
});

describe('告知书确认', () => {
  const fillReceiptAndName = async () => {
    fireEvent.click(screen.getByText('我已完整阅读本告知书，确认已收到'));
    await typeInto('请输入你的真实姓名', '王芳');
  };
  const sign = (container: HTMLElement) => drawWithMouse(canvasOf(container), [[20, 40], [60, 80], [100, 60], [140, 100], [180, 70], [220, 110], [260, 60], [300, 120], [340, 90]]);

  it('keeps receipt, choice, name and signature required, and sends nothing until they are given', async () => {
    render(<AckForm notice={guardianView()} onDone={jest.fn()} reload={jest.fn()} />);
    fireEvent.click(screen.getByText('提交确认'));
    expect(await screen.findByText('请先勾选“确认已收到”')).toBeTruthy();
    expect(screen.getByText('请选择后续安排')).toBeTruthy();
    expect(screen.getByText('请输入你的姓名（至少 2 个字）')).toBeTruthy();
    expect(screen.getByText('请在签名区手写签名')).toBeTruthy();
    expect(screen.getByText('确认收到只表示你已知悉学校告知的情况，不代表同意学校的建议。')).toBeTruthy();
    expect(mockedAck).not.toHaveBeenCalled();
  });

  it('requires a reason for 暂不同意 and sends it with the signature strokes', async () => {
    const onDone = jest.fn();
    mockedAck.mockResolvedValue({ ok: true, data: guardianView({ receipt: { firstOpenedAt: '2025-11-24T03:00:00.000Z', acknowledgedAt: '2025-11-24T03:05:00.000Z', choice: 'decline', meetingSlot: null } }) });
    const { container } = render(<AckForm notice={guardianView()} onDone={onDone} reload={jest.fn()} />);
    await fillReceiptAndName();
    sign(container);
    fireEvent.click(screen.getByText('暂不同意'));
    fireEvent.click(screen.getByText('提交确认'));
    expect(await screen.findByText('选择“暂不同意”时，请写明原因', { selector: '.xq-field-error' })).toBeTruthy();
    expect(mockedAck).not.toHaveBeenCalled();

    const reason = container.querySelector('textarea');
    if (!reason) throw new Error('no reason field');
    fireEvent.input(reason, { target: { value: '想先带孩子回老家休息一周再决定' } });
    fireEvent.click(screen.getByText('提交确认'));
    await waitFor(() => expect(mockedAck).toHaveBeenCalledTimes(1));
    const [id, input] = mockedAck.mock.calls[0];
    expect(id).toBe('n1');
    expect(input).toMatchObject({ choice: 'decline', reason: '想先带孩子回老家休息一周再决定', meetingSlot: null, signedName: '王芳' });
    expect(input.signature.strokes).toHaveLength(1);
    expect(input.signature.strokes[0]).toEqual([20, 40, 100, 120, 180, 80, 260, 160, 340, 100, 420, 180, 500, 80, 580, 200, 660, 140]);
    await waitFor(() => expect(onDone).toHaveBeenCalled());
  });

  it('requires one of the offered times for 预约面谈, and offers no 预约面谈 without times', async () => {
    mockedAck.mockResolvedValue({ ok: true, data: guardianView() });
    const { container, unmount } = render(<AckForm notice={guardianView()} onDone={jest.fn()} reload={jest.fn()} />);
    await fillReceiptAndName();
    sign(container);
    fireEvent.click(screen.getByText('预约面谈'));
    fireEvent.click(screen.getByText('提交确认'));
    expect(await screen.findByText('请选择一个面谈时间', { selector: '.xq-field-error' })).toBeTruthy();
    expect(mockedAck).not.toHaveBeenCalled();
    fireEvent.click(screen.getByText(/11月26日/));
    fireEvent.click(screen.getByText('提交确认'));
    await waitFor(() => expect(mockedAck).toHaveBeenCalledTimes(1));
    expect(mockedAck.mock.calls[0][1]).toMatchObject({ choice: 'meeting', meetingSlot: SLOT, reason: null });
    unmount();

    const noSlots = guardianView();
    render(<AckForm notice={{ ...noSlots, content: { ...noSlots.content!, meetingSlots: [] } }} onDone={jest.fn()} reload={jest.fn()} />);
    expect(screen.getByText('预约面谈').closest('[role="radio"]')?.getAttribute('aria-disabled')).toBe('true');
    expect(screen.getByText('学校未提供面谈时间；如需面谈，请直接联系学校。')).toBeTruthy();
  });

  it('reloads to show the recorded acknowledgement when it was already given', async () => {
    const reload = jest.fn();
    mockedAck.mockResolvedValue({ ok: false, error: { code: 'ALREADY_ACKNOWLEDGED', message: '你已经确认过这份告知书', status: 409 } });
    const { container } = render(<AckForm notice={guardianView()} onDone={jest.fn()} reload={reload} />);
    await fillReceiptAndName();
    sign(container);
    fireEvent.click(screen.getByText('同意转介'));
    fireEvent.click(screen.getByText('提交确认'));
    await waitFor(() => expect(reload).toHaveBeenCalledTimes(1));
  });

  it('shows the server refusing a field next to it', async () => {
    mockedAck.mockResolvedValue({
      ok: false,
      error: { code: 'VALIDATION_FAILED', message: '请求参数不正确', status: 400, details: [{ path: 'body.signature', message: '签名过短，请完整手写签名' }] },
    });
    const { container } = render(<AckForm notice={guardianView()} onDone={jest.fn()} reload={jest.fn()} />);
    await fillReceiptAndName();
    sign(container);
    fireEvent.click(screen.getByText('自行就医'));
    fireEvent.click(screen.getByText('提交确认'));
    expect(await screen.findByText('签名过短，请完整手写签名')).toBeTruthy();
  });

  it('checks the values without the form', () => {
    const base = { received: true, choice: 'self_care' as const, reason: '', meetingSlot: null, signedName: '王芳', strokes: [[0, 0, 10, 10, 20, 20, 30, 30, 40, 40, 50, 50, 60, 60, 70, 70]] };
    expect(checkAck(base)).toEqual({});
    expect(checkAck({ ...base, strokes: [[0, 0, 10, 10]] })).toEqual({ signature: '签名过短，请完整手写签名' });
  });
});

describe('告知书页面', () => {
  it("shows the guardian's copy with the green channel, a watermark of the viewer, and covers it while hidden", async () => {
    setRouterParams({ id: 'n1' });
    mockedGet.mockResolvedValue({ ok: true, data: guardianView() });
    const call = jest.spyOn(Taro, 'makePhoneCall').mockResolvedValue({ errMsg: 'makePhoneCall:ok' });
    const { container } = render(<NoticePage />);
    expect(await screen.findByText('学生心理问题告知书')).toBeTruthy();
    expect(screen.getByText('近两周在课堂上多次独自流泪，作业完成情况明显下降。')).toBeTruthy();
    expect(container.querySelectorAll('.xq-wm__name').length).toBeGreaterThan(20);
    expect(container.querySelector('.xq-wm__name')?.textContent).toBe('王芳');
    fireEvent.click(screen.getAllByText('拨打')[0] as HTMLElement);
    expect(call).toHaveBeenCalledWith({ phoneNumber: '0351-0000301' });
    expect(screen.getByText('12356')).toBeTruthy();

    act(() => hidePage());
    expect(screen.getByText('内容已隐藏，回到本页后显示')).toBeTruthy();
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'visible' });
    act(() => {
      document.dispatchEvent(new Event('visibilitychange'));
    });
    expect(screen.queryByText('内容已隐藏，回到本页后显示')).toBeNull();
  });

  it('shows the recorded acknowledgement instead of the form', async () => {
    setRouterParams({ id: 'n1' });
    mockedGet.mockResolvedValue({
      ok: true,
      data: guardianView({ receipt: { firstOpenedAt: '2025-11-24T03:00:00.000Z', acknowledgedAt: '2025-11-24T03:05:00.000Z', choice: 'meeting', meetingSlot: SLOT } }),
    });
    render(<NoticePage />);
    expect(await screen.findByText('你的确认')).toBeTruthy();
    expect(screen.getByText('预约面谈')).toBeTruthy();
    expect(screen.queryByText('提交确认')).toBeNull();
  });

  it('shows why a notice cannot be opened', async () => {
    setRouterParams({ id: 'n1' });
    mockedGet.mockResolvedValue({ ok: false, error: { code: 'NOT_FOUND', message: '找不到该告知书', status: 404 } });
    render(<NoticePage />);
    expect(await screen.findByText('找不到该告知书')).toBeTruthy();
    expect(screen.getByText('重新加载')).toBeTruthy();
  });
});

describe('告知书 · 学校视图', () => {
  const ME: MeOutput = {
    user: { id: 'u1', displayName: '王静', createdAt: '2025-09-01T00:00:00Z' },
    roles: [{ id: 'g1', role: 'school_psychologist', scopeType: 'school', scopeId: 'sc1', scopeName: '小店区育英小学', grantedAt: '2025-09-01T00:00:00Z' }],
    children: [],
    privacy: { currentVersion: '2025-11', agreedVersion: '2025-11', agreedAt: '2025-11-02T08:00:00Z' },
  };

  function staffView(over: Partial<NoticeStaffView> = {}): NoticeStaffView {
    const g = guardianView();
    return {
      kind: 'staff', id: 'n1', school: { id: 'sc1', name: '小店区育英小学' }, student: { id: 's1', name: '孙浩然', grade: '五年级', className: '2班' },
      level: 'grade', status: 'sent', createdAt: '2025-11-24T01:00:00.000Z', createdByName: '王静', approvedByName: '周建国', rejectionReason: null,
      sentAt: '2025-11-24T02:00:00.000Z', closedAt: null, purgeAfter: null, content: g.content,
      recipients: [{
        id: 'r1', guardianName: '王芳', relation: 'mother', relationNote: null, removedReason: null, deliveredAt: null, firstOpenedAt: '2025-11-24T03:00:00.000Z', openCount: 2, secondPushAt: null,
        acknowledgedAt: '2025-11-24T03:05:00.000Z', choice: 'referral', meetingSlot: null, reason: null, signedName: '王芳', signature: { strokes: [[0, 0, 1000, 400]] },
      }],
      tasks: [{
        id: 't1', kind: 'call_guardian', assigneeRole: 'head_teacher', status: 'open', createdAt: '2025-11-26T02:00:00.000Z', dueAt: '2025-11-27T02:00:00.000Z',
        overdue: true, doneAt: null, outcome: null,
      }],
      referrals: [],
      timeline: [{ seq: 1, at: '2025-11-24T01:00:00.000Z', action: '撰写告知书', actorName: '王静' }],
      permissions: { canReadContent: true, canApprove: false, canClose: true, canWorkTasks: true, canCloseReferral: true },
      ...over,
    };
  }

  it("draws each guardian's signature back and marks an overdue task done with its outcome", async () => {
    setRouterParams({ id: 'n1' });
    mockedMe.mockResolvedValue({ ok: true, data: ME });
    mockedGet.mockResolvedValue({ ok: true, data: staffView() });
    mockedTask.mockResolvedValue({ ok: true, data: staffView({ tasks: [{ ...staffView().tasks[0]!, status: 'done', doneAt: '2025-11-27T05:00:00.000Z', outcome: 'reached', overdue: false }] }) });
    render(<NoticePage />);
    expect(await screen.findByText('王芳（母亲）')).toBeTruthy();
    expect(screen.getByText('签名人：王芳')).toBeTruthy();
    expect(pen.lineTo).toContainEqual([500, 200]);
    expect(screen.getByText('已逾期')).toBeTruthy();
    fireEvent.click(screen.getByText('完成'));
    fireEvent.click(screen.getByText('已联系上监护人'));
    fireEvent.click(screen.getByText('确认完成'));
    await waitFor(() => expect(mockedTask).toHaveBeenCalledWith('t1', 'reached', expect.stringMatching(/^[A-Za-z0-9_-]{22}$/)));
    expect(await screen.findByText('已完成')).toBeTruthy();
  });

  it('shows why a notice was sent back and offers its author to rewrite it', async () => {
    setRouterParams({ id: 'n1' });
    mockedMe.mockResolvedValue({ ok: true, data: ME });
    mockedGet.mockResolvedValue({ ok: true, data: staffView({ status: 'rejected', rejectionReason: '请补充具体日期', sentAt: null, recipients: [], tasks: [], closedAt: '2025-11-24T02:00:00.000Z' }) });
    const navigate = jest.spyOn(Taro, 'navigateTo').mockResolvedValue({ errMsg: 'navigateTo:ok' } as never);
    render(<NoticePage />);
    expect(await screen.findByText('退回意见：请补充具体日期')).toBeTruthy();
    fireEvent.click(await screen.findByText('修改后重新提交'));
    expect(navigate).toHaveBeenCalledWith({ url: '/packages/notices/issue/index?school=sc1&student=s1&from=n1' });
  });
});

