/** Fresh, migrated PGlite databases for tests: initdb once, then every database loads a dumped template (~0.4 s). */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { wrapPglite } from '../../src/server/storage/pglite';
import { migrate, readMigrations } from '../../src/server/storage/migrate';
import type { Database } from '../../src/server/storage/db';

const CACHE = path.resolve(__dirname, '..', '..', '.jest-cache');

function templatePath(): string {
  const hash = createHash('sha256');
  for (const m of readMigrations()) hash.update(m.name).update(m.sql);
  return path.join(CACHE, `pglite-template-${hash.digest('hex').slice(0, 16)}.tar`);
}

async function template(): Promise<Buffer> {
  const file = templatePath();
  if (!fs.existsSync(file)) {
    const pg = new PGlite();
    await pg.waitReady;
    await migrate(wrapPglite(pg));
    const dump = await pg.dumpDataDir('none');
    await pg.close();
    fs.mkdirSync(CACHE, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, Buffer.from(await dump.arrayBuffer()));
    fs.renameSync(tmp, file);
  }
  return fs.readFileSync(file);
}

/** A new in-memory PGlite database with every migration applied, with its PGlite handle (to dump its data directory). */
export async function freshPglite(): Promise<{ db: Database; pg: PGlite }> {
  const data = await template();
  const pg = new PGlite({ loadDataDir: new Blob([new Uint8Array(data)]) });
  await pg.waitReady;
  return { db: wrapPglite(pg), pg };
}

/** A new in-memory PGlite database with every migration applied. */
export async function freshDb(): Promise<Database> {
  return (await freshPglite()).db;
}

/** A scratch PostgreSQL database on the server at DATABASE_URL (migrated), dropped on close; null when DATABASE_URL is unset. */
export async function scratchPostgres(poolSize = 4): Promise<(Database & { url: string }) | null> {
  const url = process.env.DATABASE_URL;
  if (!url) return null;
  const { openPostgres } = await import('../../src/server/storage/pg');
  const name = `xq_test_${process.pid}_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
  const admin = await openPostgres(url, 1);
  await admin.exec(`CREATE DATABASE ${name}`);
  await admin.close();
  const u = new URL(url);
  u.pathname = `/${name}`;
  const db = await openPostgres(u.toString(), poolSize);
  await migrate(db);
  const close = db.close.bind(db);
  return {
    ...db,
    url: u.toString(),
    close: async () => {
      await close();
      const again = await openPostgres(url, 1);
      await again.exec(`DROP DATABASE ${name}`);
      await again.close();
    },
  };
}

/**
 * describe for a suite that needs PostgreSQL: skipped, and reported as skipped, when DATABASE_URL is unset. (Outside
 * jest — the client tests' backend process imports this file through helpers/app — there is no describe.)
 */
export const describePg: jest.Describe =
  typeof describe === 'undefined' ? (undefined as unknown as jest.Describe) : process.env.DATABASE_URL ? describe : describe.skip;

/** describe for a suite that runs on PGlite always and on PostgreSQL only when DATABASE_URL is set (skipped visibly otherwise). */
export function describeOn(driver: string): jest.Describe {
  return driver === 'PGlite' ? describe : describePg;
}
