import { View, Text } from '@tarojs/components';
import type { MyDataOutput } from '../../../../types';
import { RELATION_LABELS, STAGE_LABELS } from '../../../shared/labels';
import { LoginPrompt } from '../../../components/login-prompt';
import { PageShell } from '../../../components/page-shell';
import { Pill } from '../../../components/pill';
import { SafetyCard } from '../../../components/safety-card';
import { Section } from '../../../components/section';
import { StateView } from '../../../components/state-view';
import { useRemote } from '../../../components/use-remote';
import { useLoggedIn } from '../../../components/use-session';
import { getMyData } from '../../../services/notices';
import { CHOICE_LABELS } from '../lib/labels';
import { go, noticeRoutes, when } from '../lib/nav';
import './index.scss';

function Row({ label, value }: { label: string; value: string }) {
  return (
    <View className='xq-mydata__row'>
      <Text className='xq-mydata__label'>{label}</Text>
      <Text className='xq-mydata__value'>{value}</Text>
    </View>
  );
}

function Data({ data }: { data: MyDataOutput }) {
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
              {c.className} · {STAGE_LABELS[c.stage]} · 我是{RELATION_LABELS[c.relation]} · {when(c.boundAt)} 绑定
            </Text>
            <Text className='xq-mydata__muted'>{c.noticeConsentAt ? `${when(c.noticeConsentAt)} 单独同意接收告知书` : '未同意接收告知书'}</Text>
          </View>
        ))}
      </Section>

      <Section title='学校告知书' extra={`${data.notices.length} 份`}>
        {data.notices.length === 0 ? <Text className='xq-mydata__muted'>没有收到过告知书。</Text> : null}
        {data.notices.map((n) => (
          <View hoverClass='xq-pressed' key={n.id} className='xq-mydata__notice xq-tappable' onClick={() => !n.purged && go(noticeRoutes.view(n.id))}>
            <View className='xq-mydata__notice-head'>
              <Text className='xq-mydata__child-name'>
                {n.studentName} · {n.schoolName}
              </Text>
              {n.purged ? <Pill tone='default'>内容已删除</Pill> : null}
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

      <Text className='xq-mydata__rights'>
        如需更正信息，可在“编辑资料”中修改；如需解除与孩子的绑定、撤回接收告知书的同意，请联系孩子的学校。告知书内容在学校结案后按期删除，删除后仍保留送达与确认的记录。
      </Text>
    </>
  );
}

/** 我的数据: everything the system holds about the guardian and their children, including each notice copy and its access log. */
export default function MyDataPage() {
  const loggedIn = useLoggedIn();
  const { state, retry } = useRemote(getMyData, { enabled: loggedIn });
  return (
    <PageShell title='我的数据' subtitle='系统保存的关于你和孩子的信息'>
      {!loggedIn ? <LoginPrompt title='请先登录' description='登录后查看系统保存的关于你和孩子的信息。' /> : null}
      {loggedIn && state.status === 'loading' ? <StateView status='loading' skeleton='list' /> : null}
      {loggedIn && state.status === 'error' ? <StateView status='error' description={state.error.message} onAction={retry} /> : null}
      {loggedIn && state.status === 'ready' ? <Data data={state.data} /> : null}
      <SafetyCard />
    </PageShell>
  );
}
