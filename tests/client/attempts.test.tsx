import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import Taro from '@tarojs/taro';
import type { EventDetail } from '../../types';
import BindPage from '../../src/packages/notices/bind/index';
import InvitePage from '../../src/packages/account/invite/index';
import EventDetailPage from '../../src/packages/events/detail/index';
import { codeErrorMessage } from '../../src/services/attempts';
import { checkInSelf, getEvent } from '../../src/services/events';
import { redeemInvitation } from '../../src/services/invitations';
import { bindChild, noticeTemplateIds } from '../../src/services/notices';
import { interpretResponse } from '../../src/services/request';
import { TOKEN_KEY } from '../../src/services/session';
import { setRouterParams } from './taro';

jest.mock('../../src/services/notices', () => ({ ...jest.requireActual('../../src/services/notices'), bindChild: jest.fn(), noticeTemplateIds: jest.fn() }));
jest.mock('../../src/services/invitations', () => ({ ...jest.requireActual('../../src/services/invitations'), redeemInvitation: jest.fn() }));
jest.mock('../../src/services/events', () => ({ ...jest.requireActual('../../src/services/events'), getEvent: jest.fn(), checkInSelf: jest.fn() }));

const mockedBind = bindChild as jest.MockedFunction<typeof bindChild>;
const mockedTemplates = noticeTemplateIds as jest.MockedFunction<typeof noticeTemplateIds>;
const mockedRedeem = redeemInvitation as jest.MockedFunction<typeof redeemInvitation>;
const mockedGetEvent = getEvent as jest.MockedFunction<typeof getEvent>;
const mockedCheckIn = checkInSelf as jest.MockedFunction<typeof checkInSelf>;

const invalid = (code: string, remainingAttempts: number, retryAfterSeconds?: number) =>
  ({ ok: false as const, error: { code, message: '服务器的说明', status: 400, remainingAttempts, ...(retryAfterSeconds ? { retryAfterSeconds } : {}) } });
const tooMany = (retryAfterSeconds: number) => ({ ok: false as const, error: { code: 'TOO_MANY_ATTEMPTS', message: '尝试次数过多，请稍后再试', status: 429, retryAfterSeconds } });

async function typeInto(placeholder: string, value: string): Promise<void> {
  const input = await waitFor(() => {
    const found = document.querySelector(`input[placeholder="${placeholder}"]`);
    if (!found) throw new Error(`no input ${placeholder}`);
    return found;
  });
  fireEvent.input(input, { target: { value } });
}

beforeEach(() => {
  Taro.setStorageSync(TOKEN_KEY, 'token-1');
  jest.clearAllMocks();
});
afterEach(() => Taro.removeStorageSync(TOKEN_KEY));

describe('the error envelope', () => {
  it('carries the tries left and the wait', () => {
    const wrong = interpretResponse(400, { error: { code: 'BINDING_CODE_INVALID', message: '绑定码无效', remainingAttempts: 2 } });
    expect(wrong).toEqual({ ok: false, error: { code: 'BINDING_CODE_INVALID', message: '绑定码无效', remainingAttempts: 2, status: 400 } });
    const locked = interpretResponse(429, { error: { code: 'TOO_MANY_ATTEMPTS', message: '尝试次数过多', retryAfterSeconds: 1800 } });
    expect(locked).toEqual({ ok: false, error: { code: 'TOO_MANY_ATTEMPTS', message: '尝试次数过多', retryAfterSeconds: 1800, status: 429 } });
    const plain = interpretResponse(404, { error: { code: 'NOT_FOUND', message: '不存在', remainingAttempts: 'x' } });
    expect(plain).toEqual({ ok: false, error: { code: 'NOT_FOUND', message: '不存在', status: 404 } });
  });
});

describe('codeErrorMessage', () => {
  it('says how many tries are left, or how long to wait', () => {
    expect(codeErrorMessage(invalid('BINDING_CODE_INVALID', 4).error, '绑定码无效')).toBe('绑定码无效，还可尝试 4 次');
    expect(codeErrorMessage(invalid('BINDING_CODE_INVALID', 0, 1800).error, '绑定码无效')).toBe('绑定码无效，请 30 分钟后再试');
    expect(codeErrorMessage(tooMany(599).error, '绑定码无效')).toBe('尝试次数过多，请 10 分钟后再试');
    expect(codeErrorMessage(tooMany(86_400).error, '邀请码无效')).toBe('尝试次数过多，请 24 小时后再试');
    expect(codeErrorMessage({ code: 'BINDING_CODE_USED', message: '该绑定码已被使用', status: 409 }, '绑定码无效')).toBe('该绑定码已被使用');
  });
});

describe('where a code is typed', () => {
  it('绑定孩子 shows the tries left at the code field, then the wait', async () => {
    mockedTemplates.mockResolvedValue([]);
    mockedBind.mockResolvedValueOnce(invalid('BINDING_CODE_INVALID', 3)).mockResolvedValueOnce(tooMany(1800));
    render(<BindPage />);
    await typeInto('如 ABCD-EFGH', 'ABCD-EFGH');
    fireEvent.click(screen.getByText('母亲'));
    fireEvent.click(screen.getByText('我已阅读以上内容，单独同意接收孩子的心理健康告知书'));
    fireEvent.click(screen.getByText('同意并绑定'));
    expect(await screen.findByText('绑定码无效，还可尝试 3 次')).toBeTruthy();
    fireEvent.click(screen.getByText('同意并绑定'));
    expect(await screen.findByText('尝试次数过多，请 30 分钟后再试')).toBeTruthy();
  });

  it('邀请码 shows the tries left, then the wait', async () => {
    mockedRedeem.mockResolvedValueOnce(invalid('INVITATION_INVALID', 9)).mockResolvedValueOnce(tooMany(3600));
    render(<InvitePage />);
    await typeInto('请输入邀请码，如 ABCD-EFGH', 'ABCD-EFGH');
    fireEvent.click(screen.getByText('确认开通'));
    expect(await screen.findByText('邀请码无效，还可尝试 9 次')).toBeTruthy();
    fireEvent.click(screen.getByText('确认开通'));
    expect(await screen.findByText('尝试次数过多，请 60 分钟后再试')).toBeTruthy();
  });

  it('现场签到 toasts the tries left', async () => {
    const event: EventDetail = {
      id: 'e1', title: '亲子沟通家长讲座', topic: '心理健康教育', mentalHealth: true, host: { type: 'station', id: 's1', name: '坞城街道家庭教育指导服务站' },
      startsAt: '2026-11-23T08:00:00.000Z', endsAt: '2026-11-23T10:00:00.000Z', mode: 'onsite', address: '坞城路 96 号', capacity: 50, seatsTaken: 1,
      waitlistLength: 0, signupDeadline: '2026-11-23T07:00:00.000Z', status: 'published', ended: false, relevance: 'nearby', mySignup: 'confirmed',
      description: '讲解沟通方法。', speaker: '李红', latitude: null, longitude: null, onlineUrl: null, cancelReason: null, signupOpen: false, canManage: false,
      signup: { id: 'su1', status: 'confirmed', companion: false, ticketCode: null, waitlistPosition: null, offerExpiresAt: null, checkedInAt: null, createdAt: '2026-11-20T08:00:00.000Z' },
    };
    setRouterParams({ id: 'e1' });
    mockedGetEvent.mockResolvedValue({ ok: true, data: event });
    mockedCheckIn.mockResolvedValueOnce(invalid('TICKET_INVALID', 7));
    const showToast = jest.spyOn(Taro, 'showToast');
    render(<EventDetailPage />);
    await typeInto('输入现场展示的 6 位签到码', '123456');
    fireEvent.click(screen.getByText('签到'));
    await waitFor(() => expect(showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '签到码不正确，还可尝试 7 次' })));
    expect(mockedCheckIn).toHaveBeenCalledWith('e1', '123456');
  });
});
