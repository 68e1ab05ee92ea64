/**
 * Course quizzes without giveaways: opaque option ids, a new option order on every request, grading by id, and a
 * cooldown after too many failed attempts in a row (issue 12 §1).
 */
import { createHmac, randomInt } from 'node:crypto';
import type { QuizAnswer } from '../../../../types';
import { AppError } from '../errors';
import type { Sql } from '../../storage/db';

/** A stored question, answer included (never sent to a client before a pass). */
export interface QuestionRow {
  id: string;
  prompt: string;
  options: string[];
  answer: number;
  explanation: string;
}

/**
 * The id of an option: an HMAC of its question's id and its text under the server's secret. It says nothing about the
 * option's position or correctness, stays the same while the text does (question ids are kept across re-imports), and
 * needs no storage of its own.
 */
export function optionId(secret: string, questionId: string, text: string): string {
  return createHmac('sha256', secret).update(`xq-quiz-option\u0000${questionId}\u0000${text}`).digest('base64url').slice(0, 22);
}

/** A copy of the items in a uniformly random order (Fisher–Yates with the CSPRNG). */
export function shuffled<T>(items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i -= 1) {
    const j = randomInt(i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/**
 * Maps the submitted answers to each question's chosen option index: every question answered exactly once, with one of
 * its own options; anything else is VALIDATION_FAILED naming the field.
 */
export function chosenIndexes(secret: string, questions: QuestionRow[], answers: QuizAnswer[]): Map<string, number> {
  const byId = new Map(questions.map((q) => [q.id, q]));
  const chosen = new Map<string, number>();
  for (const [i, a] of answers.entries()) {
    const q = byId.get(a.questionId);
    if (!q) throw new AppError('VALIDATION_FAILED', '题目不存在', [{ path: `body.answers.${i}.questionId`, message: '题目不存在' }]);
    if (chosen.has(q.id)) throw new AppError('VALIDATION_FAILED', '每道题只能选一个答案', [{ path: `body.answers.${i}.questionId`, message: '重复作答' }]);
    const index = q.options.findIndex((text) => optionId(secret, q.id, text) === a.optionId);
    if (index < 0) throw new AppError('VALIDATION_FAILED', '选项不存在', [{ path: `body.answers.${i}.optionId`, message: '选项不存在' }]);
    chosen.set(q.id, index);
  }
  if (chosen.size !== questions.length) throw new AppError('VALIDATION_FAILED', `请回答全部 ${questions.length} 道题`, [{ path: 'body.answers', message: '有题目未作答' }]);
  return chosen;
}

/** How many failed attempts in a row lock the quiz, and for how long. */
export interface QuizLimit {
  maxFails: number;
  cooldownMinutes: number;
}

/** A parent's attempts at one course's quiz. */
export interface AttemptHistory {
  attempts: number;
  passed: boolean;
  fails: number;
  lastFailAt: Date | null;
}

/** Whether the next attempt is accepted now: seconds to wait (null: now), and failed attempts left before the cooldown. */
export interface AttemptStanding {
  retryAfterSeconds: number | null;
  remainingAttempts: number;
}

/** Reads a parent's attempts at a course's quiz (inside the submit's transaction, after its lock). */
export async function attemptHistory(sql: Sql, userId: string, courseId: string): Promise<AttemptHistory> {
  const [row] = await sql.query<{ attempts: number; fails: number; passed: boolean | null; last_fail_at: Date | null }>(
    `SELECT count(*)::int AS attempts, (count(*) FILTER (WHERE NOT passed))::int AS fails, bool_or(passed) AS passed,
            max(created_at) FILTER (WHERE NOT passed) AS last_fail_at
       FROM quiz_attempts WHERE user_id = $1 AND course_id = $2`,
    [userId, courseId],
  );
  return { attempts: row?.attempts ?? 0, passed: row?.passed === true, fails: row?.fails ?? 0, lastFailAt: row?.last_fail_at ? new Date(row.last_fail_at) : null };
}

/**
 * The standing after a history: every `maxFails` failed attempts in a row (since the last cooldown) lock the quiz for
 * `cooldownMinutes` from the last of them; a pass lifts the limit (the answers were shown with it).
 */
export function standing(limit: QuizLimit, h: AttemptHistory, now: Date): AttemptStanding {
  const used = h.fails % limit.maxFails;
  if (h.passed || h.fails === 0 || h.lastFailAt === null) return { retryAfterSeconds: null, remainingAttempts: limit.maxFails };
  if (used > 0) return { retryAfterSeconds: null, remainingAttempts: limit.maxFails - used };
  const waitMs = h.lastFailAt.getTime() + limit.cooldownMinutes * 60_000 - now.getTime();
  return waitMs > 0 ? { retryAfterSeconds: Math.ceil(waitMs / 1000), remainingAttempts: 0 } : { retryAfterSeconds: null, remainingAttempts: limit.maxFails };
}

/** The refusal of an attempt during the cooldown, with the wait in minutes (message) and seconds (retryAfterSeconds). */
export function cooldownError(limit: QuizLimit, retryAfterSeconds: number): AppError {
  const wait = Math.max(1, Math.ceil(retryAfterSeconds / 60));
  return new AppError('TOO_MANY_ATTEMPTS', `测验已连续 ${limit.maxFails} 次未通过，请 ${wait} 分钟后再试。可以先回看课时内容。`, undefined, { retryAfterSeconds });
}
