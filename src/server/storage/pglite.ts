/** The embedded driver: PostgreSQL in WebAssembly, in-process (default for npm start and tests). */
import fs from 'node:fs';
import { PGlite, type PGliteOptions } from '@electric-sql/pglite';
import type { Database, Sql } from './db';

/** Wraps an open PGlite instance in the Database interface. */
export function wrapPglite(pg: PGlite): Database {
  const run = (q: { query: PGlite['query'] }): Sql => ({
    async query<T>(text: string, params?: readonly unknown[]) {
      const res = await q.query<T>(text, params ? [...params] : undefined);
      return res.rows;
    },
  });
  const base = run(pg);
  return {
    kind: 'pglite',
    query: base.query,
    transaction: (fn) => pg.transaction((tx) => fn(run(tx))),
    exec: async (text) => {
      await pg.exec(text);
    },
    close: () => pg.close(),
  };
}

/** Opens (creating if needed) a PGlite database in a folder, or in memory when dir is null. */
export async function openPglite(dir: string | null, options: PGliteOptions = {}): Promise<Database> {
  if (dir) fs.mkdirSync(dir, { recursive: true });
  const pg = new PGlite(dir ?? undefined, options);
  await pg.waitReady;
  return wrapPglite(pg);
}
