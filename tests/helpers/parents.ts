/** Many users at once for tests and benchmarks: sessions with tokens, and parents with a bound child and privacy consent. */
import { signToken } from '../../src/server/domain/tokens';
import type { Database, Sql } from '../../src/server/storage/db';

/** Opens a 30-day session for each user and returns their tokens, in the users' order. */
export async function sessionTokens(sql: Sql, secret: string, userIds: string[], now: Date): Promise<string[]> {
  const expires = new Date(now.getTime() + 30 * 86_400_000);
  const sessions = await sql.query<{ id: string; user_id: string }>(
    `INSERT INTO auth_sessions (user_id, channel, expires_at) SELECT u, 'dev', $2 FROM unnest($1::uuid[]) WITH ORDINALITY AS t(u, n) ORDER BY n RETURNING id, user_id`,
    [userIds, expires],
  );
  return Promise.all(sessions.map((s) => signToken(secret, s.user_id, s.id, now, expires)));
}

/** Creates `n` parents whose children attend a school; returns their tokens, in order. */
export async function createParents(db: Database, secret: string, n: number, schoolId: string, privacyVersion: string, now: Date): Promise<string[]> {
  return db.transaction(async (tx) => {
    const users = await tx.query<{ id: string }>(`INSERT INTO users (display_name) SELECT '家长' || g FROM generate_series(1, $1::int) g RETURNING id`, [n]);
    const ids = users.map((u) => u.id);
    await tx.query('INSERT INTO privacy_consents (user_id, version) SELECT unnest($1::uuid[]), $2', [ids, privacyVersion]);
    const students = await tx.query<{ id: string }>(
      `INSERT INTO students (school_id, name, grade, class_name, stage) SELECT $2, '学生' || g, '五年级', '1班', 'primary' FROM generate_series(1, $1::int) g RETURNING id`,
      [n, schoolId],
    );
    await tx.query(`INSERT INTO guardianships (student_id, user_id, relation) SELECT unnest($1::uuid[]), unnest($2::uuid[]), 'mother'`, [students.map((s) => s.id), ids]);
    return sessionTokens(tx, secret, ids, now);
  });
}
