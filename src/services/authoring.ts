/** The course authoring console: list, edit, save, publish, preview, and lesson media uploads in parts. */
import Taro from '@tarojs/taro';
import type {
  AuthoringCourseInput, AuthoringCourseOutput, AuthoringListOutput, AuthoringListQuery, CourseDetailOutput, LessonDetailOutput, MediaFileOutput,
  MediaPartOutput, MediaUploadOutput, SaveCourseInput,
} from '../../types';
import { request, type ApiResult } from './request';

const seg = encodeURIComponent;

/** The courses the caller may edit (drafts included). */
export function listAuthoring(query: AuthoringListQuery): Promise<ApiResult<AuthoringListOutput>> {
  return request<AuthoringListOutput>('/api/admin/authoring/courses', { query: { ...query } });
}

/** Creates a draft course. */
export function createCourse(input: AuthoringCourseInput, key: string): Promise<ApiResult<AuthoringCourseOutput>> {
  return request<AuthoringCourseOutput>('/api/admin/authoring/courses', { method: 'POST', body: input, idempotencyKey: key });
}

/** One course in the editor. */
export function getAuthoring(id: string): Promise<ApiResult<AuthoringCourseOutput>> {
  return request<AuthoringCourseOutput>(`/api/admin/authoring/courses/${seg(id)}`);
}

/** Saves a course edited from its version (CONFLICT when someone saved in between). */
export function saveCourse(id: string, input: SaveCourseInput): Promise<ApiResult<AuthoringCourseOutput>> {
  return request<AuthoringCourseOutput>(`/api/admin/authoring/courses/${seg(id)}`, { method: 'PUT', body: input, timeout: 30_000 });
}

/** Publishes, or with false takes back, a course at the version the author saw. */
export function setPublished(id: string, version: number, published: boolean): Promise<ApiResult<AuthoringCourseOutput>> {
  return request<AuthoringCourseOutput>(`/api/admin/authoring/courses/${seg(id)}/${published ? 'publish' : 'unpublish'}`, { method: 'POST', body: { version } });
}

/** The course as a parent would see its outline (read-only). */
export function previewCourse(id: string): Promise<ApiResult<CourseDetailOutput>> {
  return request<CourseDetailOutput>(`/api/admin/authoring/courses/${seg(id)}/preview`);
}

/** A lesson as a parent would see it (read-only, no progress written). */
export function previewLesson(courseId: string, lessonId: string): Promise<ApiResult<LessonDetailOutput>> {
  return request<LessonDetailOutput>(`/api/admin/authoring/courses/${seg(courseId)}/lessons/${seg(lessonId)}`);
}

/** A picked media file: its name, size and a way to read a byte range of it. */
export interface PickedMedia {
  name: string;
  size: number;
  slice(start: number, end: number): Promise<ArrayBuffer>;
}

/** Lets the author pick an audio or video file (a file dialog on H5, a chat file on the mini-program); null when cancelled. */
export async function pickMedia(kind: 'audio' | 'video'): Promise<PickedMedia | null> {
  if (process.env.TARO_ENV === 'h5') {
    const input = document.createElement('input');
    input.type = 'file';
    input.accept = kind === 'video' ? '.mp4,video/mp4' : '.m4a,.mp3,.mp4,audio/mp4,audio/mpeg,audio/x-m4a';
    input.style.display = 'none';
    input.setAttribute('data-testid', 'xq-media-input');
    document.body.appendChild(input);
    try {
      const file = await new Promise<File | null>((resolve) => {
        input.addEventListener('change', () => resolve(input.files?.[0] ?? null), { once: true });
        input.addEventListener('cancel', () => resolve(null), { once: true });
        input.click();
      });
      if (!file) return null;
      return { name: file.name, size: file.size, slice: (start, end) => file.slice(start, end).arrayBuffer() };
    } finally {
      input.remove();
    }
  }
  try {
    const picked = await Taro.chooseMessageFile({ count: 1, type: kind === 'video' ? 'video' : 'file', extension: ['mp4', 'm4a', 'mp3'] });
    const file = picked.tempFiles[0];
    if (!file) return null;
    const fsm = Taro.getFileSystemManager();
    return {
      name: file.name, size: file.size,
      slice: (start, end) => new Promise((resolve, reject) => {
        fsm.readFile({ filePath: file.path, position: start, length: end - start, success: (r) => resolve(r.data as ArrayBuffer), fail: reject });
      }),
    };
  } catch {
    return null;
  }
}

function toBase64(buffer: ArrayBuffer): string {
  if (process.env.TARO_ENV !== 'h5') return Taro.arrayBufferToBase64(buffer);
  const bytes = new Uint8Array(buffer);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** Uploads a picked file part by part, reporting the share sent (0–1); the server reads its type and duration. */
export async function uploadMedia(file: PickedMedia, onProgress: (share: number) => void): Promise<ApiResult<MediaFileOutput>> {
  const started = await request<MediaUploadOutput>('/api/admin/media/uploads', { method: 'POST', body: { fileName: file.name.slice(0, 120), sizeBytes: file.size } });
  if (!started.ok) return started;
  const { uploadId, partBytes, partCount } = started.data;
  onProgress(0);
  for (let i = 0; i < partCount; i += 1) {
    const data = await file.slice(i * partBytes, Math.min(file.size, (i + 1) * partBytes));
    let sent: ApiResult<MediaPartOutput> | null = null;
    for (let attempt = 0; attempt < 3 && !sent?.ok; attempt += 1) {
      sent = await request<MediaPartOutput>(`/api/admin/media/uploads/${seg(uploadId)}/parts/${i}`, { method: 'PUT', body: { dataBase64: toBase64(data) }, timeout: 60_000 });
      if (!sent.ok && sent.error.status >= 400 && sent.error.status < 500) break;
    }
    if (!sent?.ok) return sent as ApiResult<MediaFileOutput>;
    onProgress((i + 1) / partCount);
  }
  return request<MediaFileOutput>(`/api/admin/media/uploads/${seg(uploadId)}/finish`, { method: 'POST', body: {}, timeout: 60_000 });
}
