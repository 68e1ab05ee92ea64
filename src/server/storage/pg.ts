/** The server driver: a pool of connections to a real PostgreSQL (when DATABASE_URL is set). */
import { createHash } from 'node:crypto';
import pg from 'pg';
import type { Database, Sql } from './db';

/** At most this many distinct query texts are prepared; any beyond run unnamed (parsed and planned every time). */
const MAX_PREPARED = 500;
const names = new Map<string, string>();

/** A stable name for a parameterised query, so that each connection parses and plans it once (a prepared statement); undefined once the cap is reached. */
function statementName(text: string): string | undefined {
  let name = names.get(text);
  if (!name && names.size < MAX_PREPARED) {
    name = `xq_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
    names.set(text, name);
  }
  return name;
}

/** How the pool talks to the server. */
export interface PostgresOptions {
  /**
   * Prepare each query text once per connection under a name (default). Off behind a pooler in transaction mode
   * (PgBouncer before 1.21): consecutive transactions of one client run on different server connections, where a name
   * prepared on another one does not exist, so every query is sent unnamed (parsed and planned each time).
   */
  namedStatements?: boolean;
}

/** Opens a connection pool to PostgreSQL at the given URL. */
export async function openPostgres(url: string, max = 10, options: PostgresOptions = {}): Promise<Database> {
  const named = options.namedStatements ?? true;
  const pool = new pg.Pool({ connectionString: url, max });
  pool.on('error', () => {
    /* an idle client died; the pool replaces it */
  });
  const client = await pool.connect();
  client.release();
  const run = (q: pg.Pool | pg.PoolClient): Sql => ({
    async query<T>(text: string, params?: readonly unknown[]) {
      const res = params ? await q.query({ name: named ? statementName(text) : undefined, text, values: [...params] }) : await q.query(text);
      return res.rows as T[];
    },
  });
  // A transaction's queries share one connection: queries started together (a Promise.all in the domain) are sent one
  // after another, in the order they were started, instead of being handed to a busy client (deprecated in pg 8).
  const serial = (conn: pg.PoolClient): Sql => {
    const sql = run(conn);
    let tail: Promise<unknown> = Promise.resolve();
    return {
      query<T>(text: string, params?: readonly unknown[]) {
        const next = tail.then(() => sql.query<T>(text, params));
        tail = next.catch(() => undefined);
        return next;
      },
    };
  };
  return {
    kind: 'postgres',
    query: run(pool).query,
    async transaction(fn) {
      const conn = await pool.connect();
      try {
        await conn.query('BEGIN');
        const result = await fn(serial(conn));
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
