/** The server driver: a pool of connections to a real PostgreSQL (when DATABASE_URL is set). */
import pg from 'pg';
import type { Database, Sql } from './db';

/** Opens a connection pool to PostgreSQL at the given URL. */
export async function openPostgres(url: string, max = 10): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max });
  pool.on('error', () => {
    /* an idle client died; the pool replaces it */
  });
  const client = await pool.connect();
  client.release();
  const run = (q: pg.Pool | pg.PoolClient): Sql => ({
    async query<T>(text: string, params?: readonly unknown[]) {
      const res = await q.query(text, params ? [...params] : undefined);
      return res.rows as T[];
    },
  });
  return {
    kind: 'postgres',
    query: run(pool).query,
    async transaction(fn) {
      const conn = await pool.connect();
      try {
        await conn.query('BEGIN');
        const result = await fn(run(conn));
        await conn.query('COMMIT');
        return result;
      } catch (err) {
        await conn.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        conn.release();
      }
    },
    exec: async (text) => {
      await pool.query(text);
    },
    close: () => pool.end(),
  };
}
