/** Opens the configured database (PostgreSQL when DATABASE_URL is set, else embedded PGlite) and migrates it. */
import type { Config } from '../env';
import type { Database } from './db';
import { migrate } from './migrate';
import { openPglite } from './pglite';
import { openPostgres } from './pg';

/** Opens and migrates the database the configuration names. */
export async function openDatabase(config: Pick<Config, 'databaseUrl' | 'pgliteDir'> & Partial<Pick<Config, 'transactionPooler'>>): Promise<Database> {
  const db = config.databaseUrl ? await openPostgres(config.databaseUrl, 10, { namedStatements: !config.transactionPooler }) : await openPglite(config.pgliteDir);
  await migrate(db);
  return db;
}
