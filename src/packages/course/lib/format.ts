/** Display helpers of the course pages. */
import type { LessonKind } from '../../../../types';

/** 3:07 or 1:02:03 from seconds. */
export function clock(seconds: number): string {
  const total = Math.max(0, Math.floor(Number.isFinite(seconds) ? seconds : 0));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mm = h > 0 ? String(m).padStart(2, '0') : String(m);
  return `${h > 0 ? `${h}:` : ''}${mm}:${String(s).padStart(2, '0')}`;
}

/** Chinese names of lesson kinds. */
export const KIND_LABELS: Record<LessonKind, string> = { video: '视频', audio: '音频', article: '图文' };

/** The share of a lesson credited, 0–100. */
export function creditedPercent(creditedSeconds: number, durationSeconds: number): number {
  if (durationSeconds <= 0) return 0;
  return Math.max(0, Math.min(100, Math.round((creditedSeconds / durationSeconds) * 100)));
}
