import { View, Text } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import Taro from '@tarojs/taro';
import { useState } from 'react';
import type { MyDataOutput } from '../../../../types';
import { relationText, STAGE_LABELS } from '../../../shared/labels';
import { LoginPrompt } from '../../../components/login-prompt';
import { PageShell } from '../../../components/page-shell';
import { Pill } from '../../../components/pill';
import { SafetyCard } from '../../../components/safety-card';
import { Section } from '../../../components/section';
import { StateView } from '../../../components/state-view';
import { useRemote } from '../../../components/use-remote';
import { useLoggedIn } from '../../../components/use-session';
import { newIdempotencyKey } from '../../../services/idempotency';
import { getMyData } from '../../../services/notices';
import type { ApiResult } from '../../../services/request';
import { closeAccount, setNoticeConsent, unbindChild } from '../../../services/rights';
import { CHOICE_LABELS } from '../lib/labels';
import { confirm, go, noticeRoutes, toast, when } from '../lib/nav';
import './index.scss';

function Row({ label, value }: { label: string; value: string }) {
  return (
    <View className='xq-mydata__row'>
      <Text className='xq-mydata__label'>{label}</Text>
      <Text className='xq-mydata__value'>{value}</Text>
    </View>
  );
}

/** What withdrawing the notice consent does, shown before the guardian confirms. */
export const WITHDRAW_EFFECT = '撤回后：学校会看到你已撤回同意；学校之后发出的告知书不再发给你；已收到的告知书从你的“学校通知”中移除（学校仍保留送达和确认记录）。孩子的绑定和你的学习记录不受影响，之后可以重新同意。';
/** What unbinding does. */
export const UNBIND_EFFECT = '解除后：你不再能看到这个孩子的任何告知书，学校会看到你已自行解除绑定；课程推荐不再按这个孩子的学段。如需重新绑定，需要学校发放新的绑定码。';
/** What closing the account does. */
export const CLOSE_EFFECT = '注销后立即退出所有设备、不能再登录此账号；与孩子的绑定全部解除，不再收到告知书和活动提醒。称呼、隐私授权、证书、测验作答和学习进度在 30 日内删除；为统计和审计保留的记录只剩无法对应到你的编号。再次使用需要重新开始。';

function Data({ data, onChange }: { data: MyDataOutput; onChange: () => void }) {
  const [busy, setBusy] = useState(false);
  const act = async (run: () => Promise<ApiResult<MyDataOutput>>, done: string) => {
    setBusy(true);
    const result = await run();
    setBusy(false);
    if (!result.ok) return toast(result.error.message);
    onChange();
    toast(done, 'success');
  };
  const close = async () => {
    if (!(await confirm('注销账号', CLOSE_EFFECT, '继续'))) return;
    if (!(await confirm('再次确认', '确定注销账号吗？此操作不能撤销。', '注销'))) return;
    setBusy(true);
    const result = await closeAccount();
    setBusy(false);
    if (!result.ok) return toast(result.error.message);
    toast('账号已注销', 'success');
    void Taro.reLaunch({ url: '/pages/me/index' });
  };
  return (
    <>
      <Section title='账号'>
        <Row label='昵称' value={data.user.displayName} />
        <Row label='注册时间' value={when(data.user.createdAt)} />
        <Row label='微信登录' value={data.user.wechatLinked ? '已关联（只保存微信提供的匿名标识）' : '未关联'} />
      </Section>

      <Section title='隐私授权'>
        {data.consents.length === 0 ? <Text className='xq-mydata__muted'>还没有同意过隐私保护指引。</Text> : null}
        {data.consents.map((c) => (
          <Row key={`${c.version}-${c.agreedAt}`} label={`隐私保护指引 ${c.version}`} value={`${when(c.agreedAt)} 同意`} />
        ))}
      </Section>

      <Section title='绑定的孩子' extra={`${data.children.length} 位`}>
        {data.children.length === 0 ? <Text className='xq-mydata__muted'>没有绑定的孩子。</Text> : null}
        {data.children.map((c) => (
          <View key={c.studentId} className='xq-mydata__child'>
            <Text className='xq-mydata__child-name'>
              {c.name} · {c.schoolName}
            </Text>
            <Text className='xq-mydata__muted'>
              {c.grade}
              {c.className} · {STAGE_LABELS[c.stage]} · 我是{relationText(c.relation, c.relationNote)} · {when(c.boundAt)} 绑定
            </Text>
            <Text className='xq-mydata__muted'>
              {c.noticeConsentAt
                ? `${when(c.noticeConsentAt)} 单独同意接收告知书`
                : c.noticeConsentWithdrawnAt ? `${when(c.noticeConsentWithdrawnAt)} 已撤回接收告知书的同意` : '未同意接收告知书'}
            </Text>
            <View className='xq-mydata__actions'>
              {c.noticeConsentAt ? (
                <Button size='small' fill='outline' type='primary' disabled={busy} onClick={async () => {
                  if (await confirm('撤回告知同意', WITHDRAW_EFFECT, '撤回')) await act(() => setNoticeConsent(c.studentId, false), '已撤回同意');
                }}
                >
                  撤回告知同意
                </Button>
              ) : (
                <Button size='small' fill='outline' type='primary' disabled={busy} onClick={async () => {
                  if (await confirm('重新同意', `同意后，学校之后发出的关于${c.name}的心理健康告知书会发给你（已移除的不会恢复）。`, '同意')) await act(() => setNoticeConsent(c.studentId, true), '已重新同意');
                }}
                >
                  重新同意接收
                </Button>
              )}
              <Button size='small' fill='outline' type='danger' disabled={busy} onClick={async () => {
                const key = newIdempotencyKey();
                if (await confirm('解除绑定', UNBIND_EFFECT, '解除')) await act(() => unbindChild(c.studentId, key), '已解除绑定');
              }}
              >
                解除绑定
              </Button>
            </View>
          </View>
        ))}
        {data.formerChildren.map((c) => (
          <View key={`${c.studentId}-${c.revokedAt}`} className='xq-mydata__child'>
            <Text className='xq-mydata__child-name'>
              {c.name} · {c.schoolName}
            </Text>
            <Text className='xq-mydata__muted'>
              {when(c.revokedAt)} {c.revokeReason === 'guardian' ? '你已解除绑定' : '学校已解除绑定'}
            </Text>
          </View>
        ))}
      </Section>

      <Section title='学校告知书' extra={`${data.notices.length} 份`}>
        {data.notices.length === 0 ? <Text className='xq-mydata__muted'>没有收到过告知书。</Text> : null}
        {data.notices.map((n) => (
          <View hoverClass='xq-pressed' key={n.id} className='xq-mydata__notice xq-tappable' onClick={() => !n.purged && !n.removed && go(noticeRoutes.view(n.id))}>
            <View className='xq-mydata__notice-head'>
              <Text className='xq-mydata__child-name'>
                {n.studentName} · {n.schoolName}
              </Text>
              {n.purged ? <Pill tone='default'>内容已删除</Pill> : n.removed ? <Pill tone='default'>已移除</Pill> : null}
            </View>
            <Text className='xq-mydata__muted'>
              {when(n.sentAt)} 发出 · {n.firstOpenedAt ? `${when(n.firstOpenedAt)} 首次查看` : '未查看'}
            </Text>
            <Text className='xq-mydata__muted'>
              {n.acknowledgedAt ? `${when(n.acknowledgedAt)} 确认${n.choice ? ` · ${CHOICE_LABELS[n.choice]}` : ''}` : '未确认'}
            </Text>
          </View>
        ))}
      </Section>

      {data.noticeEvents.length > 0 ? (
        <Section title='告知书访问记录' extra='防篡改审计日志'>
          {data.noticeEvents.map((e, i) => (
            <Row key={`${e.at}-${i}`} label={when(e.at)} value={e.action} />
          ))}
        </Section>
      ) : null}

      <Section title='学习与活动'>
        <Row label='报名的课程' value={`${data.learning.enrolments} 门`} />
        <Row label='学习记录' value={`${data.learning.statements} 条`} />
        <Row label='结业证书' value={`${data.learning.certificates} 张`} />
        <Row label='家长学校活动报名' value={`${data.signups} 次`} />
      </Section>

      <Section title='注销账号'>
        <Text className='xq-mydata__explain'>{CLOSE_EFFECT}</Text>
        <View className='xq-mydata__actions'>
          <Button size='small' fill='outline' type='danger' disabled={busy} onClick={() => void close()}>
            注销账号
          </Button>
        </View>
      </Section>

      <Text className='xq-mydata__rights'>
        称呼可在“编辑资料”中修改；孩子的信息由学校登记，如需更正请联系孩子的学校。告知书内容在学校结案后按期删除，删除后仍保留送达与确认的记录。
      </Text>
    </>
  );
}

/** 我的数据: everything the system holds about the guardian and their children, including each notice copy and its access log. */
export default function MyDataPage() {
  const loggedIn = useLoggedIn();
  const { state, retry, reload } = useRemote(getMyData, { enabled: loggedIn });
  return (
    <PageShell title='我的数据' subtitle='系统保存的关于你和孩子的信息'>
      {!loggedIn ? <LoginPrompt title='请先登录' description='登录后查看系统保存的关于你和孩子的信息。' /> : null}
      {loggedIn && state.status === 'loading' ? <StateView status='loading' skeleton='list' /> : null}
      {loggedIn && state.status === 'error' ? <StateView status='error' description={state.error.message} onAction={retry} /> : null}
      {loggedIn && state.status === 'ready' ? <Data data={state.data} onChange={() => void reload()} /> : null}
      <SafetyCard />
    </PageShell>
  );
}
