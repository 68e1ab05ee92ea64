import { View, Text } from '@tarojs/components';
import type { CourseSummary } from '../../../types';
import { MODULE_LABELS, STAGE_LABELS } from '../../shared/labels';
import { Pill } from '../pill';
import './index.scss';

/** Whole minutes of a duration (at least 1 for anything non-empty). */
export function minutes(seconds: number): number {
  return seconds > 0 ? Math.max(1, Math.round(seconds / 60)) : 0;
}

/** 小学 · 初中, or 全学段 when a course fits every stage. */
export function stagesText(stages: CourseSummary['stages']): string {
  if (stages.length >= 5) return '全学段';
  return stages.map((s) => STAGE_LABELS[s]).join(' · ');
}

/** The caller's progress in a course as a label and a share 0–100 (null when not enrolled). */
export function courseProgress(course: CourseSummary): { label: string; percent: number; done: boolean } | null {
  const mine = course.mine;
  if (!mine) return null;
  if (mine.completedAt) return { label: '已完成', percent: 100, done: true };
  const percent = course.lessonCount > 0 ? Math.round((mine.completedLessons / course.lessonCount) * 100) : 0;
  return { label: `已学 ${mine.completedLessons}/${course.lessonCount} 课时`, percent, done: false };
}

/** Props of CourseCard. */
export interface CourseCardProps {
  course: CourseSummary;
  onClick?: () => void;
  /** A narrower card for a horizontal strip. */
  compact?: boolean;
}

/** A course in a list: title, module, stages, length, and my progress. */
export function CourseCard({ course, onClick, compact = false }: CourseCardProps) {
  const progress = courseProgress(course);
  return (
    <View hoverClass='xq-pressed' className={`xq-course-card${compact ? ' xq-course-card--compact' : ''} xq-tappable`} onClick={onClick} aria-label={course.title}>
      <View className='xq-course-card__head'>
        <Pill tone={course.module === 'mh_aid' || course.module === 'abnormal_awareness' ? 'warning' : 'primary'}>{MODULE_LABELS[course.module]}</Pill>
        <Text className='xq-course-card__stages'>{stagesText(course.stages)}</Text>
      </View>
      <Text className='xq-course-card__title'>{course.title}</Text>
      {compact ? null : <Text className='xq-course-card__summary'>{course.summary}</Text>}
      <Text className='xq-course-card__meta'>
        {course.lessonCount} 课时 · {minutes(course.durationSeconds)} 分钟{course.hasQuiz ? ' · 含测验' : ''}
      </Text>
      {progress ? (
        <View className='xq-course-card__progress'>
          <View className='xq-course-card__bar'>
            <View className={`xq-course-card__fill${progress.done ? ' is-done' : ''}`} style={{ width: `${progress.percent}%` }} />
          </View>
          <Text className={`xq-course-card__progress-text${progress.done ? ' is-done' : ''}`}>{progress.label}</Text>
        </View>
      ) : null}
    </View>
  );
}

export default CourseCard;
