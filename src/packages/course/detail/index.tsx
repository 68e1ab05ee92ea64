import Taro, { useRouter } from '@tarojs/taro';
import { View, Text } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import { Articles, Clock, Star } from '../../../components/icon';
import { Checked, Video, Voice } from '../../../components/icon/more';
import dayjs from 'dayjs';
import { useCallback, useState } from 'react';
import type { CourseDetailOutput, LessonKind, LessonSummary } from '../../../../types';
import { MODULE_LABELS } from '../../../shared/labels';
import { PageShell } from '../../../components/page-shell';
import { Section } from '../../../components/section';
import { Pill } from '../../../components/pill';
import { SafetyCard } from '../../../components/safety-card';
import { StateView } from '../../../components/state-view';
import { goLogin } from '../../../components/login-prompt';
import { courseProgress, minutes, stagesText } from '../../../components/course-card';
import { useLoggedIn } from '../../../components/use-session';
import { useRemote } from '../../../components/use-remote';
import { useSubmit } from '../../../components/use-submit';
import { enrollCourse, getCourse } from '../../../services/courses';
import { clock, creditedPercent, KIND_LABELS } from '../lib/format';
import { courseRoutes, go, nextLessonToLearn } from '../lib/nav';
import './index.scss';

function KindIcon({ kind, color }: { kind: LessonKind; color: string }) {
  if (kind === 'video') return <Video size={18} color={color} />;
  if (kind === 'audio') return <Voice size={18} color={color} />;
  return <Articles size={18} color={color} />;
}

function LessonRow({ lesson, index, onOpen }: { lesson: LessonSummary; index: number; onOpen: () => void }) {
  const done = lesson.progress?.completed ?? false;
  const percent = lesson.progress ? creditedPercent(lesson.progress.creditedSeconds, lesson.durationSeconds) : 0;
  return (
    <View hoverClass='xq-pressed' className={`xq-course__lesson${done ? ' is-done' : ''} xq-tappable`} onClick={onOpen} aria-label={lesson.title}>
      <Text className='xq-course__lesson-index'>{index + 1}</Text>
      <View className='xq-course__lesson-kind'>
        <KindIcon kind={lesson.kind} color={done ? '#3a9a62' : '#267667'} />
      </View>
      <View className='xq-course__lesson-text'>
        <Text className='xq-course__lesson-title'>{lesson.title}</Text>
        <Text className='xq-course__lesson-meta'>
          {KIND_LABELS[lesson.kind]} · {clock(lesson.durationSeconds)}
          {lesson.safetyCard ? ' · 附援助热线' : ''}
        </Text>
      </View>
      {done ? (
        <View className='xq-course__lesson-done' aria-label='已完成'>
          <Checked size={20} color='#3a9a62' />
        </View>
      ) : percent > 0 ? (
        <Text className='xq-course__lesson-percent'>{percent}%</Text>
      ) : null}
    </View>
  );
}

/** The main action of the course: start (enrols), continue, take the quiz, or see the certificate. */
function mainAction(data: CourseDetailOutput): { label: string; kind: 'start' | 'lesson' | 'quiz' | 'certificate' } {
  if (!data.course.mine) return { label: '开始学习', kind: 'start' };
  const allDone = data.lessons.length > 0 && data.lessons.every((l) => l.progress?.completed);
  if (data.certificate) return { label: '查看结业证书', kind: 'certificate' };
  if (allDone && data.quiz && !data.quiz.passed) return { label: '参加课后测验', kind: 'quiz' };
  return { label: allDone ? '再学一遍' : '继续学习', kind: 'lesson' };
}

function CourseDetail({ data, guest, onEnrolled }: { data: CourseDetailOutput; guest: boolean; onEnrolled: (next: CourseDetailOutput) => void }) {
  const { busy, run } = useSubmit();
  const { course, lessons, quiz, certificate } = data;
  const progress = courseProgress(course);
  const allDone = lessons.length > 0 && lessons.every((l) => l.progress?.completed);
  const action = mainAction(data);
  const safety = course.module === 'mh_aid' || course.module === 'abnormal_awareness' || lessons.some((l) => l.safetyCard);

  /** Enrols first when needed (opening a lesson counts as starting the course), then opens the lesson. */
  const openLesson = async (lesson: LessonSummary | null) => {
    if (!lesson) return;
    // A guest reads the outline; learning starts after login (the login page comes back here).
    if (guest) {
      goLogin();
      return;
    }
    if (!course.mine) {
      const result = await run(() => enrollCourse(course.id));
      if (!result) return;
      if (!result.ok) {
        Taro.showToast({ title: result.error.message, icon: 'none' });
        return;
      }
      onEnrolled(result.data);
    }
    go(courseRoutes.lesson(lesson.id));
  };

  const act = () => {
    if (action.kind === 'certificate' && certificate) go(courseRoutes.certificate(certificate.code));
    else if (action.kind === 'quiz') go(courseRoutes.quiz(course.id));
    else void openLesson(nextLessonToLearn(lessons));
  };

  return (
    <PageShell
      footer={
        <Button block type='primary' loading={busy} disabled={busy || lessons.length === 0} onClick={act}>
          {action.label}
        </Button>
      }
    >
      <View className='xq-course__hero'>
        <View className='xq-course__tags'>
          <Pill tone={course.module === 'mh_aid' || course.module === 'abnormal_awareness' ? 'warning' : 'primary'}>{MODULE_LABELS[course.module]}</Pill>
          <Text className='xq-course__stages'>适合：{stagesText(course.stages)}</Text>
        </View>
        <Text className='xq-course__title'>{course.title}</Text>
        <Text className='xq-course__summary'>{course.summary}</Text>
        {guest ? <Text className='xq-course__guest'>登录后即可开始学习，学习进度和结业证书会保存在你的账号里。</Text> : null}
        <View className='xq-course__facts'>
          <View className='xq-course__fact'>
            <Text className='xq-course__fact-value'>{course.lessonCount}</Text>
            <Text className='xq-course__fact-label'>课时</Text>
          </View>
          <View className='xq-course__fact'>
            <Text className='xq-course__fact-value'>{minutes(course.durationSeconds)}</Text>
            <Text className='xq-course__fact-label'>分钟</Text>
          </View>
          <View className='xq-course__fact'>
            <Text className='xq-course__fact-value'>{progress ? `${progress.percent}%` : '—'}</Text>
            <Text className='xq-course__fact-label'>{progress ? progress.label : '未开始'}</Text>
          </View>
        </View>
      </View>

      {certificate ? (
        <View hoverClass='xq-pressed' className='xq-course__cert xq-tappable' onClick={() => go(courseRoutes.certificate(certificate.code))}>
          <Star size={22} color='#c9962b' />
          <View className='xq-course__cert-text'>
            <Text className='xq-course__cert-title'>已获得结业证书</Text>
            <Text className='xq-course__cert-desc'>
              {dayjs(certificate.issuedAt).format('YYYY年M月D日')} · 编号 {certificate.code}
            </Text>
          </View>
          <Text className='xq-course__cert-go'>查看</Text>
        </View>
      ) : null}

      <Section title='课程目录' extra={`${lessons.length} 课时`} flush>
        {lessons.length === 0 ? <StateView compact status='empty' icon='course' title='课时正在编写中' /> : null}
        {lessons.map((lesson, index) => (
          <LessonRow key={lesson.id} lesson={lesson} index={index} onOpen={() => void openLesson(lesson)} />
        ))}
      </Section>

      {quiz ? (
        <Section title='课后测验' extra={`${quiz.questionCount} 题 · ${quiz.passMark} 分及格`}>
          {quiz.passed ? (
            <View className='xq-course__quiz-state'>
              <Checked size={18} color='#3a9a62' />
              <Text className='xq-course__quiz-text'>已通过测验（共作答 {quiz.attempts} 次）</Text>
            </View>
          ) : allDone ? (
            <View className='xq-course__quiz-state'>
              <Text className='xq-course__quiz-text'>
                {quiz.attempts > 0 ? `已作答 ${quiz.attempts} 次，还未通过，可以再试一次。` : '全部课时已完成，可以参加测验了。'}
              </Text>
              <Button size='small' type='primary' className='xq-course__quiz-go' onClick={() => go(courseRoutes.quiz(course.id))}>
                {quiz.attempts > 0 ? '重新测验' : '开始测验'}
              </Button>
            </View>
          ) : (
            <View className='xq-course__quiz-state is-locked' aria-label='测验未解锁'>
              <Clock size={18} color='#5f6b67' />
              <Text className='xq-course__quiz-text'>完成全部课时后解锁测验</Text>
            </View>
          )}
        </Section>
      ) : null}

      {safety ? <SafetyCard extra='也可以联系孩子学校的心理教师，预约面谈。' contacts={data.schoolContacts} /> : null}
    </PageShell>
  );
}

/** 课程详情: the outline, my progress, the main action, the quiz and the certificate; guests see the outline and log in to start. */
export default function CourseDetailPage() {
  const { params } = useRouter();
  const id = params.id ?? '';
  const loggedIn = useLoggedIn();
  // Guests read the outline too; coming back from the login page reloads it (on page show) with the parent's own progress.
  const loader = useCallback(() => getCourse(id), [id]);
  const { state, retry } = useRemote(loader, { enabled: id !== '' });
  const [fresh, setFresh] = useState<CourseDetailOutput | null>(null);

  if (id === '') return <StateView status='error' title='没有找到这门课程' description='链接缺少课程编号。' />;
  if (state.status === 'loading') return <StateView status='loading' skeleton='detail' />;
  if (state.status === 'error') return <StateView status='error' description={state.error.message} onAction={retry} />;
  const data = fresh && fresh.course.id === state.data.course.id && !state.data.course.mine ? fresh : state.data;
  return <CourseDetail data={data} guest={!loggedIn} onEnrolled={setFresh} />;
}
