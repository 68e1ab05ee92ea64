/** 我的数据 (issue 15): each right explains its effect before the guardian confirms, then calls the API; closing the account asks twice and leaves the page. */
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import Taro from '@tarojs/taro';
import type { MyDataOutput } from '../../types';
import MyDataPage, { CLOSE_EFFECT, UNBIND_EFFECT, WITHDRAW_EFFECT } from '../../src/packages/notices/mydata/index';
import { getMyData } from '../../src/services/notices';
import { closeAccount, setNoticeConsent, unbindChild } from '../../src/services/rights';
import { TOKEN_KEY } from '../../src/services/session';

jest.mock('../../src/services/notices', () => ({ ...jest.requireActual('../../src/services/notices'), getMyData: jest.fn() }));
jest.mock('../../src/services/rights');

const mockedData = getMyData as jest.MockedFunction<typeof getMyData>;
const mockedConsent = setNoticeConsent as jest.MockedFunction<typeof setNoticeConsent>;
const mockedUnbind = unbindChild as jest.MockedFunction<typeof unbindChild>;
const mockedClose = closeAccount as jest.MockedFunction<typeof closeAccount>;

const DATA: MyDataOutput = {
  user: { displayName: '张敏', createdAt: '2025-09-01T00:00:00.000Z', wechatLinked: true },
  consents: [{ version: '2026.11', agreedAt: '2025-09-01T00:00:00.000Z' }],
  children: [{
    studentId: 'st1', name: '李子涵', schoolId: 's1', schoolName: '小店区育英小学', schoolRegionId: 'r1', grade: '五年级', className: '2班', stage: 'primary',
    relation: 'other', relationNote: '姑姑', boundAt: '2025-09-02T00:00:00.000Z', noticeConsentAt: '2025-09-02T00:00:00.000Z', noticeConsentWithdrawnAt: null,
  }],
  formerChildren: [{ studentId: 'st2', name: '李子轩', schoolName: '小店区第二实验中学', boundAt: '2025-09-02T00:00:00.000Z', revokedAt: '2025-10-02T00:00:00.000Z', revokeReason: 'guardian' }],
  notices: [{
    id: 'n1', schoolName: '小店区育英小学', studentName: '李子涵', sentAt: '2025-11-24T02:00:00.000Z', firstOpenedAt: null, acknowledgedAt: null, choice: null, purged: false, removed: true,
  }],
  noticeEvents: [],
  learning: { enrolments: 1, statements: 3, certificates: 0 },
  signups: 0,
};

let modal: jest.SpyInstance;
let relaunch: jest.SpyInstance;
beforeEach(() => {
  Taro.setStorageSync(TOKEN_KEY, 'token-1');
  mockedData.mockResolvedValue({ ok: true, data: DATA });
  mockedConsent.mockResolvedValue({ ok: true, data: DATA });
  mockedUnbind.mockResolvedValue({ ok: true, data: DATA });
  mockedClose.mockResolvedValue({ ok: true, data: { closedAt: '2025-12-01T00:00:00.000Z', purgeBy: '2025-12-31T00:00:00.000Z' } });
  modal = jest.spyOn(Taro, 'showModal').mockResolvedValue({ confirm: true, cancel: false, errMsg: 'showModal:ok' } as never);
  relaunch = jest.spyOn(Taro, 'reLaunch').mockResolvedValue({ errMsg: 'reLaunch:ok' } as never);
});
afterEach(() => {
  modal.mockRestore();
  relaunch.mockRestore();
  Taro.removeStorageSync(TOKEN_KEY);
  jest.clearAllMocks();
});

describe('我的数据: a guardian\'s rights', () => {
  it('shows the relation with its note, a removed notice and a former child', async () => {
    render(<MyDataPage />);
    expect(await screen.findByText(/我是其他监护人（姑姑）/)).toBeTruthy();
    expect(screen.getByText('已移除')).toBeTruthy();
    expect(screen.getByText(/你已解除绑定/)).toBeTruthy();
  });

  it('withdrawing the notice consent explains the effect first; declining the dialog sends nothing', async () => {
    render(<MyDataPage />);
    const button = await screen.findByText('撤回告知同意');
    modal.mockResolvedValueOnce({ confirm: false, cancel: true } as never);
    fireEvent.click(button);
    await waitFor(() => expect(modal).toHaveBeenCalledWith(expect.objectContaining({ title: '撤回告知同意', content: WITHDRAW_EFFECT })));
    expect(mockedConsent).not.toHaveBeenCalled();
    fireEvent.click(button);
    await waitFor(() => expect(mockedConsent).toHaveBeenCalledWith('st1', false));
    expect(WITHDRAW_EFFECT).toMatch(/学校会看到/);
    expect(WITHDRAW_EFFECT).toMatch(/不再发给你/);
    expect(WITHDRAW_EFFECT).toMatch(/移除/);
  });

  it('unbinding explains the effect and sends one keyed request', async () => {
    render(<MyDataPage />);
    fireEvent.click(await screen.findByText('解除绑定'));
    await waitFor(() => expect(mockedUnbind).toHaveBeenCalledWith('st1', expect.stringMatching(/^[A-Za-z0-9_-]{8,100}$/)));
    expect(modal).toHaveBeenCalledWith(expect.objectContaining({ content: UNBIND_EFFECT }));
  });

  it('closing the account asks twice, then leaves for 我的', async () => {
    render(<MyDataPage />);
    const buttons = await screen.findAllByText('注销账号');
    fireEvent.click(buttons[buttons.length - 1]!);
    await waitFor(() => expect(mockedClose).toHaveBeenCalledTimes(1));
    expect(modal.mock.calls.map((c) => (c[0] as { title: string }).title)).toEqual(['注销账号', '再次确认']);
    expect(modal).toHaveBeenCalledWith(expect.objectContaining({ content: CLOSE_EFFECT }));
    await waitFor(() => expect(relaunch).toHaveBeenCalledWith({ url: '/pages/me/index' }));
  });
});
