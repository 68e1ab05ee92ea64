import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import Taro from '@tarojs/taro';
import type { DevIdentitiesOutput, MeOutput } from '../../types';
import type { ApiResult } from '../../src/services/request';
import MePage from '../../src/pages/me/index';
import LoginPage from '../../src/packages/account/login/index';
import { getMe } from '../../src/services/me';
import { devLogin, listDevIdentities } from '../../src/services/auth';
import { TOKEN_KEY } from '../../src/services/session';

jest.mock('../../src/services/me');
jest.mock('../../src/services/auth');

const mockedGetMe = getMe as jest.MockedFunction<typeof getMe>;
const mockedIdentities = listDevIdentities as jest.MockedFunction<typeof listDevIdentities>;
const mockedDevLogin = devLogin as jest.MockedFunction<typeof devLogin>;

const ME: MeOutput = {
  user: { id: 'u1', displayName: '王女士', createdAt: '2025-09-01T00:00:00Z' },
  roles: [
    { id: 'g1', role: 'school_psychologist', scopeType: 'school', scopeId: 's1', scopeName: '思明区实验小学', grantedAt: '2025-09-01T00:00:00Z' },
  ],
  children: [
    {
      studentId: 'st1',
      name: '王小明',
      schoolId: 's1',
      schoolName: '思明区实验小学',
      schoolRegionId: 'r1',
      grade: '四年级',
      className: '2班',
      stage: 'primary',
      relation: 'mother',
      relationNote: null,
      boundAt: '2025-09-02T00:00:00Z',
    },
  ],
  privacy: { currentVersion: '2025-11', agreedVersion: '2025-11', agreedAt: '2025-11-02T08:00:00Z' },
};

beforeEach(() => {
  jest.resetAllMocks();
  Taro.removeStorageSync(TOKEN_KEY);
});

describe('我的', () => {
  it('asks a logged-out user to log in', () => {
    render(<MePage />);
    expect(screen.getByText('你还没有登录')).toBeTruthy();
    expect(screen.getByText('去登录')).toBeTruthy();
    expect(mockedGetMe).not.toHaveBeenCalled();
  });

  it('renders roles, children and privacy state from the service result', async () => {
    Taro.setStorageSync(TOKEN_KEY, 'token-1');
    mockedGetMe.mockResolvedValue({ ok: true, data: ME });
    render(<MePage />);
    expect(await screen.findByText('王女士')).toBeTruthy();
    expect(screen.getByText('学校心理教师 · 思明区实验小学')).toBeTruthy();
    expect(screen.getByText('王小明')).toBeTruthy();
    expect(screen.getByText('小学')).toBeTruthy();
    expect(screen.getByText('我是母亲')).toBeTruthy();
    expect(screen.getByText(/已同意隐私保护指引（2025-11，2025年11月2日）/)).toBeTruthy();
    expect(screen.queryByText('管理后台')).toBeNull();
  });

  it('shows the admin entry to admins and a prompt when the guide changed', async () => {
    Taro.setStorageSync(TOKEN_KEY, 'token-1');
    const admin: MeOutput = {
      ...ME,
      roles: [{ id: 'g2', role: 'admin', scopeType: 'platform', scopeId: null, scopeName: '全平台', grantedAt: '2025-09-01T00:00:00Z' }],
      children: [],
      privacy: { currentVersion: '2025-12', agreedVersion: '2025-11', agreedAt: '2025-11-02T08:00:00Z' },
    };
    mockedGetMe.mockResolvedValue({ ok: true, data: admin });
    render(<MePage />);
    expect(await screen.findByText('管理后台')).toBeTruthy();
    expect(screen.getByText('平台管理员')).toBeTruthy();
    expect(screen.getByText('还没有绑定孩子')).toBeTruthy();
    expect(screen.getByText('隐私保护指引已更新至 2025-12，请重新阅读并同意')).toBeTruthy();
  });

  it('shows the error and retries', async () => {
    Taro.setStorageSync(TOKEN_KEY, 'token-1');
    const failure: ApiResult<MeOutput> = { ok: false, error: { code: 'NETWORK_ERROR', message: '网络连接失败，请检查网络后重试', status: 0 } };
    mockedGetMe.mockResolvedValueOnce(failure).mockResolvedValueOnce({ ok: true, data: ME });
    render(<MePage />);
    expect(await screen.findByText('网络连接失败，请检查网络后重试')).toBeTruthy();
    fireEvent.click(screen.getByText('重新加载'));
    expect(await screen.findByText('王女士')).toBeTruthy();
    expect(mockedGetMe).toHaveBeenCalledTimes(2);
  });
});

describe('登录', () => {
  const identities: DevIdentitiesOutput = {
    identities: [
      { key: 'parent', label: '家长 王女士', description: '已绑定一名小学生' },
      { key: 'admin', label: '平台管理员', description: '管理地区、学校与邀请' },
    ],
  };

  it('lists the development identities and logs in with the one tapped', async () => {
    mockedIdentities.mockResolvedValue({ ok: true, data: identities });
    mockedDevLogin.mockResolvedValue({ ok: false, error: { code: 'DEV_LOGIN_DISABLED', message: '开发登录未开启', status: 403 } });
    render(<LoginPage />);
    expect(await screen.findByText('开发环境登录')).toBeTruthy();
    expect(screen.getByText('家长 王女士')).toBeTruthy();
    expect(screen.getByText('管理地区、学校与邀请')).toBeTruthy();
    fireEvent.click(screen.getByText('平台管理员'));
    await waitFor(() => expect(mockedDevLogin).toHaveBeenCalledWith('admin'));
  });

  it('explains that the web version needs WeChat when the development login is off', async () => {
    mockedIdentities.mockResolvedValue({ ok: false, error: { code: 'DEV_LOGIN_DISABLED', message: '开发登录未开启', status: 403 } });
    render(<LoginPage />);
    expect(await screen.findByText('请在微信中打开')).toBeTruthy();
    expect(screen.queryByText('开发环境登录')).toBeNull();
  });
});
