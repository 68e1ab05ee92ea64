import { fireEvent, render, screen } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { StateView } from '../../src/components/state-view';
import { SafetyCard } from '../../src/components/safety-card';
import { HELP_HOTLINE } from '../../src/shared/labels';

describe('StateView', () => {
  it('shows a loading text', () => {
    render(<StateView status='loading' />);
    expect(screen.getByText('加载中…')).toBeTruthy();
  });

  it('shows an error message with a retry that calls back', () => {
    const retry = jest.fn();
    render(<StateView status='error' description='网络连接失败，请检查网络后重试' onAction={retry} />);
    expect(screen.getByText('加载失败')).toBeTruthy();
    expect(screen.getByText('网络连接失败，请检查网络后重试')).toBeTruthy();
    fireEvent.click(screen.getByText('重新加载'));
    expect(retry).toHaveBeenCalledTimes(1);
  });

  it('shows an empty state without a button unless given an action', () => {
    render(<StateView status='empty' title='还没有绑定孩子' description='绑定后可见' />);
    expect(screen.getByText('还没有绑定孩子')).toBeTruthy();
    expect(screen.queryByText('重新加载')).toBeNull();
  });
});

describe('SafetyCard', () => {
  it('shows the hotline and dials it on tap', () => {
    const call = jest.spyOn(Taro, 'makePhoneCall').mockResolvedValue({ errMsg: 'makePhoneCall:ok' });
    render(<SafetyCard extra='也可以联系学校心理教师' />);
    expect(screen.getByText(HELP_HOTLINE.name)).toBeTruthy();
    expect(screen.getByText(HELP_HOTLINE.number)).toBeTruthy();
    expect(screen.getByText('也可以联系学校心理教师')).toBeTruthy();
    fireEvent.click(screen.getByText('立即拨打'));
    expect(call).toHaveBeenCalledWith({ phoneNumber: HELP_HOTLINE.number });
    call.mockRestore();
  });

  it("lists the school psychology teachers instead of the generic line, and dials the one tapped", () => {
    const call = jest.spyOn(Taro, 'makePhoneCall').mockResolvedValue({ errMsg: 'makePhoneCall:ok' });
    render(
      <SafetyCard
        extra='也可以联系学校心理教师'
        contacts={[
          { schoolId: 'a', schoolName: '育英小学', contact: { name: '王老师', phone: '0351-0000101', officeHours: '' } },
          { schoolId: 'b', schoolName: '第二实验中学', contact: { name: '李老师', phone: '0351-0000202', officeHours: '周三下午' } },
        ]}
      />,
    );
    expect(screen.queryByText('也可以联系学校心理教师')).toBeNull();
    expect(screen.getByText('0351-0000101')).toBeTruthy();
    expect(screen.getByText('0351-0000202（周三下午）')).toBeTruthy();
    fireEvent.click(screen.getAllByText('拨打')[1]);
    expect(call).toHaveBeenCalledWith({ phoneNumber: '0351-0000202' });
    call.mockRestore();
  });
});
