import Taro from '@tarojs/taro';
import { View, Text } from '@tarojs/components';
import { Button } from '../../components/button';
import { Cell, CellGroup } from '../../components/cell';
import { Articles, Edit, QrCode, Service, Setting, ShieldCheck, Star, User } from '../../components/icon';
import dayjs from 'dayjs';
import type { ReactNode } from 'react';
import type { MeOutput, RoleGrant } from '../../../types';
import { relationText, ROLE_LABELS, STAGE_LABELS } from '../../shared/labels';
import { Pill } from '../../components/pill';
import { PageShell } from '../../components/page-shell';
import { Section } from '../../components/section';
import { StateView } from '../../components/state-view';
import { LoginPrompt } from '../../components/login-prompt';
import { useLoggedIn } from '../../components/use-session';
import { useRemote } from '../../components/use-remote';
import { useSubmit } from '../../components/use-submit';
import { useLargeText } from '../../components/use-large-text';
import { setLargeText } from '../../services/display';
import { getMe } from '../../services/me';
import { logout } from '../../services/auth';
import { useNoticeCounts, useOpenTasks } from '../../components/notice-alert';
import './index.scss';

/** 平台管理员, or 学校心理教师 · 厦门市第一中学: a role with the name of its scope. */
export function roleText(role: RoleGrant): string {
  const label = ROLE_LABELS[role.role];
  return role.scopeType === 'platform' || !role.scopeName ? label : `${label} · ${role.scopeName}`;
}

function open(url: string): void {
  Taro.navigateTo({ url }).catch(() => undefined);
}

const NOTICE_ROLES = new Set(['school_psychologist', 'head_teacher', 'school_leader', 'admin']);

function Profile({ me }: { me: MeOutput }) {
  const { busy: leaving, run } = useSubmit();
  const isAdmin = me.roles.some((role) => role.role === 'admin');
  const noticeStaff = me.roles.some((role) => NOTICE_ROLES.has(role.role));
  const reports = me.roles.some((role) => role.role === 'federation_staff' || role.role === 'admin');
  const unread = useNoticeCounts()?.unread ?? 0;
  const tasks = useOpenTasks(noticeStaff);
  const privacy = me.privacy;
  const agreedCurrent = privacy.agreedVersion !== null && privacy.agreedVersion === privacy.currentVersion;

  const handleLogout = async () => {
    const confirm = await Taro.showModal({ title: '退出登录', content: '确定要退出当前账号吗？', confirmText: '退出', cancelText: '取消' }).catch(() => ({ confirm: false }));
    if (!confirm.confirm) return;
    const result = await run(() => logout());
    if (!result) return;
    Taro.showToast({ title: result.ok ? '已退出登录' : '已在本机退出登录', icon: 'none' });
  };

  return (
    <>
      <View className='xq-me__card'>
        <View className='xq-me__avatar'>
          <Text>{me.user.displayName.slice(0, 1) || '心'}</Text>
        </View>
        <View className='xq-me__who'>
          <Text className='xq-me__name'>{me.user.displayName}</Text>
          <View className='xq-me__roles'>
            {me.roles.length === 0 ? (
              <Pill tone='default'>
                家长
              </Pill>
            ) : (
              me.roles.map((role) => (
                <Pill key={role.id} tone='primary' className='xq-me__role'>
                  {roleText(role)}
                </Pill>
              ))
            )}
          </View>
        </View>
      </View>

      <Section title='我的孩子' extra={me.children.length > 0 ? `${me.children.length} 位` : undefined}>
        {me.children.length === 0 ? (
          <StateView compact status='empty' icon='person' title='还没有绑定孩子' description='学校会为每位学生发放绑定码，家长凭码绑定后即可在这里看到孩子的学校和年级。' />
        ) : (
          me.children.map((child) => (
            <View key={child.studentId} className='xq-me__child'>
              <View className='xq-me__child-head'>
                <Text className='xq-me__child-name'>{child.name}</Text>
                <Pill tone='success'>
                  {STAGE_LABELS[child.stage]}
                </Pill>
                <Text className='xq-me__child-relation'>我是{relationText(child.relation, child.relationNote)}</Text>
              </View>
              <Text className='xq-me__child-school'>{child.schoolName}</Text>
              <Text className='xq-me__child-class'>
                {child.grade} {child.className}
              </Text>
            </View>
          ))
        )}
      </Section>

      <View hoverClass='xq-pressed' className={`xq-me__privacy${agreedCurrent ? '' : ' xq-me__privacy--todo'} xq-tappable`} onClick={() => open('/packages/account/privacy/index')}>
        <ShieldCheck size={18} color={agreedCurrent ? '#267667' : '#b35420'} />
        <View className='xq-me__privacy-text'>
          {agreedCurrent ? (
            <Text>
              已同意隐私保护指引（{privacy.agreedVersion}，{privacy.agreedAt ? dayjs(privacy.agreedAt).format('YYYY年M月D日') : '日期未知'}）
            </Text>
          ) : (
            <Text>
              {privacy.agreedVersion ? `隐私保护指引已更新至 ${privacy.currentVersion}，请重新阅读并同意` : '你还没有同意隐私保护指引，请阅读并同意'}
            </Text>
          )}
        </View>
        {agreedCurrent ? null : <Text className='xq-me__privacy-go'>去查看</Text>}
      </View>

      <CellGroup>
        <Cell
          title={<Entry icon={<Service size={16} color={unread > 0 ? '#b93a35' : '#267667'} />} text='学校通知' />}
          description={unread > 0 ? `${unread} 份告知书未读，请尽快查看` : '孩子学校发出的心理健康告知书'}
          extra={unread > 0 ? <Text className='xq-me__badge'>{unread}</Text> : undefined}
          clickable
          onClick={() => open('/packages/notices/inbox/index')}
        />
        <Cell title={<Entry icon={<User size={16} color='#267667' />} text='绑定孩子' />} description='凭学校发放的绑定码绑定' clickable onClick={() => open('/packages/notices/bind/index')} />
        <Cell title={<Entry icon={<ShieldCheck size={16} color='#267667' />} text='我的数据' />} description='系统保存的关于你和孩子的信息' clickable onClick={() => open('/packages/notices/mydata/index')} />
        {noticeStaff ? (
          <Cell
            title={<Entry icon={<Setting size={16} color='#267667' />} text='告知书工作台' />}
            description={tasks > 0 ? `${tasks} 项跟进任务待处理` : '发出告知书、查看回执与跟进任务'}
            extra={tasks > 0 ? <Text className='xq-me__badge'>{tasks}</Text> : undefined}
            clickable
            onClick={() => open('/packages/notices/board/index')}
          />
        ) : null}
      </CellGroup>

      <CellGroup>
        <Cell title={<Entry icon={<Articles size={16} color='#267667' />} text='我的学习' />} description='学习中的课程、学习时长与结业证书' clickable onClick={() => open('/packages/course/learning/index')} />
        <Cell title={<Entry icon={<Star size={16} color='#267667' />} text='证书查验' />} clickable onClick={() => open('/packages/course/verify/index')} />
        <Cell title={<Entry icon={<QrCode size={16} color='#267667' />} text='邀请码' />} description='学校、站点或妇联工作人员凭邀请码开通身份' clickable onClick={() => open('/packages/account/invite/index')} />
        <Cell title={<Entry icon={<Edit size={16} color='#267667' />} text='编辑资料' />} clickable onClick={() => open('/packages/account/profile/index')} />
        <Cell title={<Entry icon={<ShieldCheck size={16} color='#267667' />} text='隐私保护指引' />} clickable onClick={() => open('/packages/account/privacy/index')} />
        {reports ? (
          <Cell title={<Entry icon={<Articles size={16} color='#267667' />} text='妇联统计' />} description='站点覆盖率、家庭参与与课程学习' clickable onClick={() => open('/packages/reports/dashboard/index')} />
        ) : null}
        {reports ? (
          <Cell title={<Entry icon={<Edit size={16} color='#267667' />} text='课程编写' />} description='新建和修改课程、上传音视频、预览后发布' clickable onClick={() => open('/packages/admin/courses/index')} />
        ) : null}
        {reports ? (
          <Cell title={<Entry icon={<Setting size={16} color='#267667' />} text='心理援助热线' />} description='为本地区设置就近的热线，下级地区沿用' clickable onClick={() => open('/packages/admin/hotline/index')} />
        ) : null}
        {isAdmin ? (
          <Cell title={<Entry icon={<Setting size={16} color='#267667' />} text='管理后台' />} description='地区、学校、站点与邀请' clickable onClick={() => open('/packages/admin/registry/index')} />
        ) : reports ? (
          <Cell title={<Entry icon={<Setting size={16} color='#267667' />} text='名录批量导入' />} description='从表格导入本地区的下级地区、学校和站点' clickable onClick={() => open('/packages/admin/import/index')} />
        ) : null}
      </CellGroup>

      <LargeTextSwitch />

      <Button block fill='outline' type='default' loading={leaving} disabled={leaving} className='xq-me__logout' onClick={handleLogout}>
        退出登录
      </Button>
    </>
  );
}

/** 大字模式: a switch row; the change shows at once on this page and on every other page. */
export function LargeTextSwitch() {
  const on = useLargeText();
  return (
    <View
      hoverClass='xq-pressed'
      className={`xq-me__large xq-tappable${on ? ' is-on' : ''}`}
      role='switch'
      aria-checked={on}
      aria-label='大字模式'
      onClick={() => setLargeText(!on)}
    >
      <View className='xq-me__large-text'>
        <Text className='xq-me__large-title'>大字模式</Text>
        <Text className='xq-me__large-desc'>字号和按钮更大，看得清、点得准（只在本机生效）</Text>
      </View>
      <View className='xq-me__toggle'>
        <View className='xq-me__toggle-knob' />
      </View>
    </View>
  );
}

function Entry({ icon, text }: { icon: ReactNode; text: string }) {
  return (
    <View className='xq-me__entry'>
      {icon}
      <Text className='xq-me__entry-text'>{text}</Text>
    </View>
  );
}

/** 我的: who I am, my roles and children, my privacy agreement, and account entries. */
export default function MePage() {
  const loggedIn = useLoggedIn();
  const { state, retry } = useRemote(getMe, { enabled: loggedIn });

  if (!loggedIn) {
    return (
      <PageShell title='我的' subtitle='登录后管理孩子信息与账户'>
        <LoginPrompt title='你还没有登录' description='登录后可以查看绑定的孩子、身份和隐私授权状态。' />
        <LargeTextSwitch />
        <CellGroup>
          <Cell title={<Entry icon={<Star size={16} color='#2e8b7a' />} text='证书查验' />} description='核对结业证书的真伪，无需登录' clickable onClick={() => open('/packages/course/verify/index')} />
          <Cell title='隐私保护指引' clickable onClick={() => open('/packages/account/privacy/index')} />
        </CellGroup>
      </PageShell>
    );
  }

  return (
    <PageShell className='xq-me'>
      {state.status === 'loading' ? <StateView status='loading' skeleton='list' /> : null}
      {state.status === 'error' ? <StateView status='error' description={state.error.message} onAction={retry} /> : null}
      {state.status === 'ready' ? <Profile me={state.data} /> : null}
    </PageShell>
  );
}
