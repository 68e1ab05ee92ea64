import Taro from '@tarojs/taro';
import { View, Text } from '@tarojs/components';
import { Star } from '../../../components/icon';
import type { MyLearningOutput } from '../../../../types';
import { PageShell } from '../../../components/page-shell';
import { Section } from '../../../components/section';
import { StateView } from '../../../components/state-view';
import { LoginPrompt } from '../../../components/login-prompt';
import { CourseCard } from '../../../components/course-card';
import { useLoggedIn } from '../../../components/use-session';
import { useRemote } from '../../../components/use-remote';
import { getMyLearning } from '../../../services/courses';
import { courseRoutes, go } from '../lib/nav';
import './index.scss';

/** Time learned: whole minutes under an hour, else hours with one decimal. */
export function learnedTime(seconds: number): { value: string; unit: '分钟' | '小时' } {
  if (seconds < 3600) return { value: String(Math.round(seconds / 60)), unit: '分钟' };
  return { value: (Math.round((seconds / 3600) * 10) / 10).toFixed(1), unit: '小时' };
}

function Learning({ data }: { data: MyLearningOutput }) {
  const empty = data.inProgress.length === 0 && data.completed.length === 0;
  const learned = learnedTime(data.totalSeconds);
  return (
    <>
      <View className='xq-learning__stats'>
        <View className='xq-learning__stat'>
          <Text className='xq-learning__stat-value'>{learned.value}</Text>
          <Text className='xq-learning__stat-label'>学习时长（{learned.unit}）</Text>
        </View>
        <View className='xq-learning__stat'>
          <Text className='xq-learning__stat-value'>{data.completedLessons}</Text>
          <Text className='xq-learning__stat-label'>完成课时</Text>
        </View>
        <View className='xq-learning__stat'>
          <Text className='xq-learning__stat-value'>{data.completed.length}</Text>
          <Text className='xq-learning__stat-label'>结业课程</Text>
        </View>
      </View>

      {empty ? (
        <StateView
          status='empty'
          icon='course'
          title='还没有开始学习'
          description='到「课程」里挑一门适合孩子学段的课程，学习进度会记录在这里。'
          actionText='去选课'
          onAction={() => void Taro.switchTab({ url: '/pages/courses/index' })}
        />
      ) : null}

      {data.inProgress.length > 0 ? (
        <View className='xq-learning__group'>
          <Text className='xq-learning__label'>学习中 · {data.inProgress.length}</Text>
          {data.inProgress.map((course) => (
            <CourseCard key={course.id} course={course} onClick={() => go(courseRoutes.detail(course.id))} />
          ))}
        </View>
      ) : null}

      {data.completed.length > 0 ? (
        <View className='xq-learning__group'>
          <Text className='xq-learning__label'>已完成 · {data.completed.length}</Text>
          {data.completed.map((course) => (
            <View key={course.id} className='xq-learning__done'>
              <CourseCard course={course} onClick={() => go(courseRoutes.detail(course.id))} />
              {course.certificate ? (
                <View hoverClass='xq-pressed' className='xq-learning__cert xq-tappable' onClick={() => course.certificate && go(courseRoutes.certificate(course.certificate.code))}>
                  <Star size={16} color='#c9962b' />
                  <Text className='xq-learning__cert-text'>结业证书 · {course.certificate.code}</Text>
                  <Text className='xq-learning__cert-go'>查看</Text>
                </View>
              ) : null}
            </View>
          ))}
        </View>
      ) : null}

      <Section>
        <View hoverClass='xq-pressed' className='xq-learning__verify xq-tappable' onClick={() => go(courseRoutes.verify())}>
          <Text>证书查验</Text>
          <Text className='xq-learning__verify-desc'>输入验证码核对一张结业证书</Text>
        </View>
      </Section>
    </>
  );
}

/** 我的学习: courses in progress and completed, hours learned, certificates. */
export default function LearningPage() {
  const loggedIn = useLoggedIn();
  const { state, retry } = useRemote(getMyLearning, { enabled: loggedIn });
  if (!loggedIn) {
    return (
      <PageShell title='我的学习'>
        <LoginPrompt title='登录后查看学习记录' />
      </PageShell>
    );
  }
  return (
    <PageShell title='我的学习' subtitle='学习记录由服务器按实际学习内容计算'>
      {state.status === 'loading' ? <StateView status='loading' skeleton='cards' /> : null}
      {state.status === 'error' ? <StateView status='error' description={state.error.message} onAction={retry} /> : null}
      {state.status === 'ready' ? <Learning data={state.data} /> : null}
    </PageShell>
  );
}
