/** Limits guesses at secrets (invitation codes, binding codes): failed attempts are counted per subject. */
import type { Sql } from '../storage/db';
import { AppError } from '../http/errors';

/** Throws TOO_MANY_ATTEMPTS when the subject failed `max` times within the window. */
export async function checkAttempts(sql: Sql, subject: string, action: string, now: Date, max: number, windowMinutes: number): Promise<void> {
  const since = new Date(now.getTime() - windowMinutes * 60_000);
  const [row] = await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM failed_attempts WHERE subject = $1 AND action = $2 AND at > $3', [subject, action, since]);
  if ((row?.n ?? 0) >= max) throw new AppError('TOO_MANY_ATTEMPTS', `尝试次数过多，请 ${windowMinutes} 分钟后再试`);
}

/** Records one failed attempt (outside any transaction that is about to roll back). */
export async function recordFailure(sql: Sql, subject: string, action: string, now: Date): Promise<void> {
  await sql.query('INSERT INTO failed_attempts (subject, action, at) VALUES ($1, $2, $3)', [subject, action, now]);
}
