/** Routes of the course subpackage. */
import Taro from '@tarojs/taro';
import type { LessonSummary } from '../../../../types';

export const COURSE_ROOT = '/packages/course';

export const courseRoutes = {
  detail: (id: string) => `${COURSE_ROOT}/detail/index?id=${encodeURIComponent(id)}`,
  lesson: (id: string) => `${COURSE_ROOT}/lesson/index?id=${encodeURIComponent(id)}`,
  quiz: (courseId: string) => `${COURSE_ROOT}/quiz/index?courseId=${encodeURIComponent(courseId)}`,
  certificate: (code: string) => `${COURSE_ROOT}/certificate/index?code=${encodeURIComponent(code)}`,
  verify: (code?: string) => `${COURSE_ROOT}/verify/index${code ? `?code=${encodeURIComponent(code)}` : ''}`,
  learning: () => `${COURSE_ROOT}/learning/index`,
};

/** Opens a page of the subpackage on top of the current one. */
export function go(url: string): void {
  Taro.navigateTo({ url }).catch(() => undefined);
}

/** The lesson to continue with: the first not completed (the first lesson when all are done). */
export function nextLessonToLearn(lessons: LessonSummary[]): LessonSummary | null {
  return lessons.find((l) => !l.progress?.completed) ?? lessons[0] ?? null;
}
