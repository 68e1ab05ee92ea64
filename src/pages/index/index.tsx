import Taro from '@tarojs/taro';
import { View, Text } from '@tarojs/components';
import { ArrowRight, Articles, Clock, ShieldCheck, Star, User } from '../../components/icon';
import type { ReactNode } from 'react';
import { PageShell } from '../../components/page-shell';
import { SafetyCard } from '../../components/safety-card';
import { LoginPrompt } from '../../components/login-prompt';
import { Section } from '../../components/section';
import { useLoggedIn } from '../../components/use-session';
import { useRemote } from '../../components/use-remote';
import { getMe } from '../../services/me';
import { getMyLearning } from '../../services/courses';
import { CourseCard } from '../../components/course-card';
import { NoticeCard } from '../../components/notice-alert';
import './index.scss';

interface Entry {
  key: string;
  title: string;
  desc: string;
  icon: ReactNode;
  open: () => void;
}

const ENTRIES: Entry[] = [
  {
    key: 'courses',
    title: '家庭教育课程',
    desc: '五大模块，按孩子学段学习',
    icon: <Articles size={22} color='#267667' />,
    open: () => void Taro.switchTab({ url: '/pages/courses/index' }),
  },
  {
    key: 'events',
    title: '家长学校活动',
    desc: '身边的家长学校与指导站点',
    icon: <Clock size={22} color='#267667' />,
    open: () => void Taro.switchTab({ url: '/pages/events/index' }),
  },
  {
    key: 'me',
    title: '我的孩子',
    desc: '孩子的学校、年级与学段',
    icon: <User size={22} color='#267667' />,
    open: () => void Taro.switchTab({ url: '/pages/me/index' }),
  },
  {
    key: 'verify',
    title: '证书查验',
    desc: '输入或扫码核对结业证书的真伪',
    icon: <Star size={22} color='#2e8b7a' />,
    open: () => void Taro.navigateTo({ url: '/packages/course/verify/index' }),
  },
  {
    key: 'privacy',
    title: '隐私保护指引',
    desc: '我们如何保护你和孩子的信息',
    icon: <ShieldCheck size={22} color='#267667' />,
    open: () => void Taro.navigateTo({ url: '/packages/account/privacy/index' }),
  },
];

/** 早上好 / 中午好 / 下午好 / 晚上好 by the hour. */
export function greetingFor(hour: number): string {
  if (hour < 5) return '夜深了';
  if (hour < 11) return '早上好';
  if (hour < 13) return '中午好';
  if (hour < 18) return '下午好';
  return '晚上好';
}

/** 首页: greeting, the help hotline, entries to the parts, and a login prompt when logged out. */
export default function IndexPage() {
  const loggedIn = useLoggedIn();
  const { state, retry } = useRemote(getMe, { enabled: loggedIn });
  const learning = useRemote(getMyLearning, { enabled: loggedIn });
  const continuing = learning.state.status === 'ready' ? learning.state.data.inProgress[0] : undefined;
  const greeting = greetingFor(new Date().getHours());
  const name = loggedIn && state.status === 'ready' ? state.data.user.displayName : '家长朋友';

  return (
    <PageShell className='xq-home'>
      <View className='xq-home__hero'>
        <Text className='xq-home__greeting'>
          {greeting}，{name}
        </Text>
        <Text className='xq-home__tagline'>心桥 · 陪伴孩子心理健康成长</Text>
        {loggedIn && state.status === 'error' ? (
          <View hoverClass='xq-pressed' className='xq-home__notice xq-tappable' onClick={retry}>
            <Text>暂时无法获取账户信息：{state.error.message}</Text>
            <Text className='xq-home__notice-retry'>点此重试</Text>
          </View>
        ) : null}
      </View>

      {loggedIn ? <NoticeCard /> : null}

      <SafetyCard />

      {continuing ? (
        <View className='xq-home__continue'>
          <View className='xq-home__continue-head'>
            <Text className='xq-home__continue-title'>继续学习</Text>
            <Text className='xq-home__continue-all xq-link' onClick={() => void Taro.navigateTo({ url: '/packages/course/learning/index' })}>
              我的学习
            </Text>
          </View>
          <CourseCard course={continuing} onClick={() => void Taro.navigateTo({ url: `/packages/course/detail/index?id=${encodeURIComponent(continuing.id)}` })} />
        </View>
      ) : null}

      {!loggedIn ? <LoginPrompt description='登录后可以绑定孩子、学习家庭教育课程、报名家长学校活动。' /> : null}

      <Section title='服务入口' flush>
        {ENTRIES.map((entry) => (
          <View hoverClass='xq-pressed' key={entry.key} className='xq-home__entry xq-tappable' onClick={entry.open}>
            <View className='xq-home__entry-icon'>{entry.icon}</View>
            <View className='xq-home__entry-text'>
              <Text className='xq-home__entry-title'>{entry.title}</Text>
              <Text className='xq-home__entry-desc'>{entry.desc}</Text>
            </View>
            <ArrowRight size={14} color='#5f6b67' />
          </View>
        ))}
      </Section>

      <Section title='关于心桥'>
        <Text className='xq-home__about'>
          心桥依据山西省教育厅等部门落实《全面加强和改进新时代学生心理健康工作专项行动计划（2023—2025年）》的通知（晋教政〔2023〕6号）建设：家长学校或家庭教育指导服务站点每年面向家长至少开展一次心理健康教育。课程参照《厦门市全面加强新时代学生心理健康教育工作实施方案》，帮助家长掌握家庭心理健康教育、心理援助、心理保健、心理异常认知和亲子沟通的知识与方法。
        </Text>
      </Section>
    </PageShell>
  );
}
