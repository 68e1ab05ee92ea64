import Taro, { useRouter } from '@tarojs/taro';
import { View, Text, Video } from '@tarojs/components';
import { useCallback } from 'react';
import type { CourseDetailOutput, LessonDetailOutput, LessonKind } from '../../../../types';
import { MODULE_LABELS, STAGE_LABELS } from '../../../shared/labels';
import { PageShell } from '../../../components/page-shell';
import { Pill } from '../../../components/pill';
import { Section } from '../../../components/section';
import { StateView } from '../../../components/state-view';
import { useRemote } from '../../../components/use-remote';
import { previewCourse, previewLesson } from '../../../services/authoring';
import type { ApiResult } from '../../../services/request';
import { ArticleMarkup } from '../components/article-markup';
import './index.scss';

const KIND_LABELS: Record<LessonKind, string> = { article: '文章', audio: '音频', video: '视频' };

function duration(seconds: number): string {
  if (seconds <= 0) return '未上传';
  return seconds < 60 ? `${seconds} 秒` : `${Math.round(seconds / 60)} 分钟`;
}

const NOTE = '预览：家长看到的样子。只读，不记录任何学习进度。';

function Outline({ courseId, data }: { courseId: string; data: CourseDetailOutput }) {
  const c = data.course;
  return (
    <>
      <View className='xq-preview__hero'>
        <Text className='xq-preview__module'>{MODULE_LABELS[c.module]} · {c.stages.map((s) => STAGE_LABELS[s]).join('、')}</Text>
        <Text className='xq-preview__title'>{c.title}</Text>
        <Text className='xq-preview__summary'>{c.summary}</Text>
        <Text className='xq-preview__meta'>{c.lessonCount} 个课时 · 约 {duration(c.durationSeconds)}{data.quiz ? ` · 测验 ${data.quiz.questionCount} 题，${data.quiz.passMark} 分及格` : ''}</Text>
      </View>
      <Section title='课时' flush>
        {data.lessons.length === 0 ? <StateView status='empty' compact icon='course' title='还没有课时' /> : null}
        {data.lessons.map((l, i) => (
          <View key={l.id} role='button' hoverClass='xq-pressed' className='xq-preview__row xq-tappable'
            onClick={() => Taro.navigateTo({ url: `/packages/admin/course-preview/index?id=${encodeURIComponent(courseId)}&lesson=${encodeURIComponent(l.id)}` }).catch(() => undefined)}>
            <Text className='xq-preview__row-title'>{i + 1}. {l.title}</Text>
            <Text className='xq-preview__row-meta'>{KIND_LABELS[l.kind]} · {duration(l.durationSeconds)}</Text>
          </View>
        ))}
      </Section>
    </>
  );
}

function Lesson({ data }: { data: LessonDetailOutput }) {
  const { lesson } = data;
  return (
    <>
      <View className='xq-preview__hero'>
        <Text className='xq-preview__module'>{data.courseTitle}</Text>
        <Text className='xq-preview__title'>{lesson.title}</Text>
        <Text className='xq-preview__meta'>{KIND_LABELS[lesson.kind]} · {duration(lesson.durationSeconds)}</Text>
      </View>
      {lesson.kind !== 'article' ? (
        data.mediaUrl ? (
          <Video className={`xq-preview__player xq-preview__player--${lesson.kind}`} src={data.mediaUrl} controls showFullscreenBtn={lesson.kind === 'video'} autoplay={false} />
        ) : (
          <StateView status='empty' compact icon='content' title='还没有上传音视频文件' />
        )
      ) : null}
      <Section title={lesson.kind === 'article' ? undefined : '文字稿'}>
        {data.body.length ? <ArticleMarkup blocks={data.body} /> : <Text className='xq-preview__meta'>（还没有内容）</Text>}
      </Section>
      {data.nextLessonId ? (
        <View role='button' hoverClass='xq-pressed' className='xq-preview__next xq-tappable'
          onClick={() => Taro.redirectTo({ url: `/packages/admin/course-preview/index?id=${encodeURIComponent(data.courseId)}&lesson=${encodeURIComponent(data.nextLessonId as string)}` }).catch(() => undefined)}>
          <Text>下一课时</Text>
        </View>
      ) : null}
    </>
  );
}

/** 家长视角预览: the course outline or one lesson as a parent sees it, drafts included, read-only. */
export default function CoursePreviewPage() {
  const { params } = useRouter();
  const id = params.id ?? '';
  const lessonId = params.lesson ?? null;
  const loader = useCallback(
    (): Promise<ApiResult<CourseDetailOutput | LessonDetailOutput>> => (lessonId ? previewLesson(id, lessonId) : previewCourse(id)),
    [id, lessonId],
  );
  const { state, retry } = useRemote(loader);
  return (
    <PageShell>
      <View className='xq-preview__banner'>
        <Pill tone='warning'>预览</Pill>
        <Text className='xq-preview__banner-text'>{NOTE}</Text>
      </View>
      {state.status === 'loading' ? <StateView status='loading' skeleton='detail' /> : null}
      {state.status === 'error' ? <StateView status='error' description={state.error.message} onAction={retry} /> : null}
      {state.status === 'ready' && 'lessons' in state.data ? <Outline courseId={id} data={state.data} /> : null}
      {state.status === 'ready' && 'lesson' in state.data ? <Lesson data={state.data} /> : null}
    </PageShell>
  );
}
