/** Courses, lessons, quizzes, my learning and certificates (part 1): typed calls of the API. */
import type {
  CertificateVerifyOutput,
  CourseDetailOutput,
  CourseListOutput,
  CourseListQuery,
  LessonDetailOutput,
  MyLearningOutput,
  QuizAnswer,
  QuizOutput,
  QuizResultOutput,
  QuizSubmitInput,
} from '../../types';
import Taro from '@tarojs/taro';
import { parseVtt, type CaptionCue } from '../shared/captions';
import { apiBase, DEFAULT_TIMEOUT_MS, request, type ApiResult } from './request';

/** The catalogue, filtered by module, stage and a search text; the caller's children's stages come first. */
export function listCourses(query: CourseListQuery = {}): Promise<ApiResult<CourseListOutput>> {
  const q = query.q?.trim();
  return request<CourseListOutput>('/api/courses', { query: { module: query.module, stage: query.stage, q: q ? q : undefined } });
}

/** A course's outline with the caller's progress, quiz state and certificate. */
export function getCourse(id: string): Promise<ApiResult<CourseDetailOutput>> {
  return request<CourseDetailOutput>(`/api/courses/${encodeURIComponent(id)}`);
}

/** Enrols the caller in a course (idempotent). */
export function enrollCourse(id: string): Promise<ApiResult<CourseDetailOutput>> {
  return request<CourseDetailOutput>(`/api/courses/${encodeURIComponent(id)}/enroll`, { method: 'POST', body: {} });
}

/** A lesson: its text, media and the caller's progress in it. */
export function getLesson(id: string): Promise<ApiResult<LessonDetailOutput>> {
  return request<LessonDetailOutput>(`/api/lessons/${encodeURIComponent(id)}`);
}

/** A course's quiz (questions without answers). */
export function getQuiz(courseId: string): Promise<ApiResult<QuizOutput>> {
  return request<QuizOutput>(`/api/courses/${encodeURIComponent(courseId)}/quiz`);
}

/** Submits one attempt of a course's quiz, an option id per question id (key: the attempt's idempotency key, so a double tap is one attempt). */
export function submitQuiz(courseId: string, answers: QuizAnswer[], key: string): Promise<ApiResult<QuizResultOutput>> {
  const body: QuizSubmitInput = { answers };
  return request<QuizResultOutput>(`/api/courses/${encodeURIComponent(courseId)}/quiz`, { method: 'POST', body, idempotencyKey: key });
}

/** 我的学习: courses in progress and completed, hours learned. */
export function getMyLearning(): Promise<ApiResult<MyLearningOutput>> {
  return request<MyLearningOutput>('/api/me/learning');
}

/** Public check of a certificate's verification code. */
export function verifyCertificate(code: string): Promise<ApiResult<CertificateVerifyOutput>> {
  return request<CertificateVerifyOutput>(`/api/certificates/${encodeURIComponent(code.trim())}`);
}

/** A media path of the backend (`/media/x.mp4`) as a URL the player can load: same origin on H5, the API base on weapp. */
export function mediaSource(path: string): string {
  if (/^https?:\/\//.test(path)) return path;
  return `${apiBase()}${path.startsWith('/') ? path : `/${path}`}`;
}

/** A lesson's WebVTT captions (`captionsUrl`), parsed; an empty list when they cannot be loaded (the page then shows the transcript alone). */
export async function getCaptions(path: string): Promise<CaptionCue[]> {
  try {
    const res = await Taro.request<string>({ url: mediaSource(path), method: 'GET', dataType: 'text', responseType: 'text', timeout: DEFAULT_TIMEOUT_MS });
    return res.statusCode === 200 && typeof res.data === 'string' ? parseVtt(res.data) : [];
  } catch {
    return [];
  }
}
