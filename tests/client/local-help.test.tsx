import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import Taro from '@tarojs/taro';
import type { HotlineOutput } from '../../types';
import { SafetyCard } from '../../src/components/safety-card';
import BindPage from '../../src/packages/notices/bind/index';
import { bindCodeFromQuery } from '../../src/packages/notices/lib/bind-link';
import { checkHotlineForm } from '../../src/packages/admin/hotline/index';
import { nearestHotline } from '../../src/services/hotline';
import { noticeTemplateIds } from '../../src/services/notices';
import { TOKEN_KEY } from '../../src/services/session';
import { setRouterParams } from './taro';

jest.mock('../../src/services/hotline', () => ({
  ...jest.requireActual('../../src/services/hotline'),
  nearestHotline: jest.fn(),
}));
jest.mock('../../src/services/notices', () => ({
  ...jest.requireActual('../../src/services/notices'),
  noticeTemplateIds: jest.fn(),
}));

const mockedNearest = nearestHotline as jest.MockedFunction<typeof nearestHotline>;
const NATIONAL = { number: '12356', label: '24小时学生心理援助热线', hours: '24小时', regionId: null, regionName: null };
const TAIYUAN = { number: '0351-7654321', label: '太原市心理援助热线', hours: '每天 8:00–22:00', regionId: 'r-ty', regionName: '太原市' };
const JINZHONG = { number: '0354-1111111', label: '晋中市心理援助热线', hours: '', regionId: 'r-jz', regionName: '晋中市' };

beforeEach(() => {
  jest.resetAllMocks();
  jest.restoreAllMocks();
  Taro.setStorageSync(TOKEN_KEY, 'token-1');
  setRouterParams({});
});

afterEach(() => {
  Taro.removeStorageSync(TOKEN_KEY);
});

describe('the safety card shows the nearest hotline', () => {
  it('shows 12356 at once, then the parent\'s local line with the national one beside it, and dials the local line', async () => {
    let answer: (v: { ok: true; data: HotlineOutput }) => void = () => undefined;
    mockedNearest.mockReturnValue(new Promise((resolve) => { answer = resolve; }));
    const call = jest.spyOn(Taro, 'makePhoneCall').mockResolvedValue({ errMsg: 'makePhoneCall:ok' });
    render(<SafetyCard />);
    expect(screen.getByText('12356')).toBeTruthy();
    answer({ ok: true, data: { hotlines: [TAIYUAN, JINZHONG], national: NATIONAL } });
    expect(await screen.findByText('0351-7654321')).toBeTruthy();
    expect(screen.getByText('太原市心理援助热线')).toBeTruthy();
    expect(screen.getByText(/接听时间：每天 8:00–22:00。也可拨打全国心理援助热线 12356/)).toBeTruthy();
    // A second child's region with another line: listed below, with its own call button.
    expect(screen.getByText('晋中市心理援助热线')).toBeTruthy();
    fireEvent.click(screen.getByText('立即拨打'));
    expect(call).toHaveBeenCalledWith({ phoneNumber: '0351-7654321' });
    fireEvent.click(screen.getByText('拨打'));
    expect(call).toHaveBeenLastCalledWith({ phoneNumber: '0354-1111111' });
  });

  it('keeps 12356 when the server cannot be reached', async () => {
    mockedNearest.mockResolvedValue({ ok: false, error: { code: 'NETWORK_ERROR', message: '网络连接失败', status: 0 } });
    render(<SafetyCard />);
    await waitFor(() => expect(mockedNearest).toHaveBeenCalled());
    expect(screen.getByText('12356')).toBeTruthy();
    expect(screen.getByText(/全国统一心理援助热线/)).toBeTruthy();
  });
});

describe('a printed sheet\'s QR link fills in the binding code', () => {
  it('reads the code from the H5 link or from WeChat\'s q, and ignores anything that is not a code', () => {
    expect(bindCodeFromQuery({ code: 'ab2c-de3f' })).toBe('AB2C-DE3F');
    expect(bindCodeFromQuery({ q: encodeURIComponent('https://x.example/#/packages/notices/bind/index?code=AB2C-DE3F') })).toBe('AB2C-DE3F');
    expect(bindCodeFromQuery({ code: '<script>' })).toBe('');
    expect(bindCodeFromQuery({})).toBe('');
  });

  it('opens the bind page with the code already in the field', async () => {
    (noticeTemplateIds as jest.MockedFunction<typeof noticeTemplateIds>).mockResolvedValue([]);
    mockedNearest.mockResolvedValue({ ok: true, data: { hotlines: [NATIONAL], national: NATIONAL } });
    setRouterParams({ code: 'AB2C-DE3F' });
    render(<BindPage />);
    await waitFor(() => expect((screen.getByPlaceholderText('如 ABCD-EFGH') as HTMLInputElement).value).toBe('AB2C-DE3F'));
  });
});

describe('the hotline form', () => {
  it('accepts digits with single dashes (3–15 digits) and asks for a name', () => {
    expect(checkHotlineForm({ number: '0351-7654321', label: '太原市心理援助热线', hours: '' })).toEqual({});
    expect(checkHotlineForm({ number: '12356', label: '热线', hours: '24小时' })).toEqual({});
    expect(checkHotlineForm({ number: '0351 765', label: 'x', hours: '' }).number).toMatch(/只能包含数字/);
    expect(checkHotlineForm({ number: '0351--765', label: 'x', hours: '' }).number).toMatch(/只能包含数字/);
    expect(checkHotlineForm({ number: '12', label: 'x', hours: '' }).number).toMatch(/3—15 位/);
    expect(checkHotlineForm({ number: '', label: ' ', hours: '' })).toEqual({ number: '请填写热线号码', label: '请填写热线名称' });
  });
});
