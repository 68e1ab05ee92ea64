import pg from 'pg';
import type { Database } from '../../src/server/storage/db';
import { migrate, readMigrations, splitStatements } from '../../src/server/storage/migrate';
import { freshDb, scratchPostgres } from '../helpers/db';

const drivers: [string, () => Promise<Database>][] = [['PGlite', freshDb]];
if (process.env.DATABASE_URL) {
  drivers.push(['PostgreSQL', async () => (await scratchPostgres()) as Database]);
} else {
  test.todo('the storage suite also runs against PostgreSQL when DATABASE_URL is set (.ci/run sets it)');
}

describe.each(drivers)('storage on %s', (kind, open) => {
  let db: Database;
  beforeAll(async () => {
    db = await open();
  });
  afterAll(() => db.close());

  test('reports its kind', () => {
    expect(db.kind).toBe(kind === 'PGlite' ? 'pglite' : 'postgres');
  });

  test('migrations are applied once; running them again changes nothing', async () => {
    const n = readMigrations().length;
    expect(await migrate(db)).toBe(n);
    expect(await migrate(db)).toBe(n);
    const rows = await db.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
    expect(rows.map((r) => r.version)).toEqual(readMigrations().map((m) => m.version));
  });

  test('a transaction commits when its function resolves', async () => {
    await db.transaction(async (tx) => {
      await tx.query("INSERT INTO app_meta (key, value) VALUES ('commit-test', 'a')");
    });
    expect(await db.query("SELECT value FROM app_meta WHERE key = 'commit-test'")).toEqual([{ value: 'a' }]);
  });

  test('a transaction rolls back everything when its function throws', async () => {
    await expect(
      db.transaction(async (tx) => {
        await tx.query("INSERT INTO app_meta (key, value) VALUES ('rollback-test', 'a')");
        await tx.query("INSERT INTO app_meta (key, value) VALUES ('rollback-test', 'b')");
      }),
    ).rejects.toMatchObject({ code: '23505' });
    expect(await db.query("SELECT value FROM app_meta WHERE key = 'rollback-test'")).toEqual([]);
  });

  test('queries started together in a transaction reach its connection one after another, in order (pg deprecates giving a busy client another)', async () => {
    let busyCalls = 0;
    const original = pg.Client.prototype.query;
    const spy = jest.spyOn(pg.Client.prototype, 'query').mockImplementation(function (this: pg.Client & { _activeQuery: unknown; _queryQueue: unknown[] }, ...args: unknown[]) {
      if (this._activeQuery || this._queryQueue.length > 0) busyCalls++;
      return (original as (...a: unknown[]) => unknown).apply(this, args) as never;
    });
    try {
      const values = await db.transaction((tx) =>
        Promise.all(Array.from({ length: 5 }, (_, i) => tx.query<{ v: number }>('SELECT $1::int AS v, pg_sleep(0.02)', [i]).then((r) => r[0]?.v))),
      );
      expect(values).toEqual([0, 1, 2, 3, 4]);
      expect(busyCalls).toBe(0);
    } finally {
      spy.mockRestore();
    }
  });

  test('parameters are never interpolated into SQL', async () => {
    const evil = "x'); DROP TABLE users; --";
    await db.query('INSERT INTO app_meta (key, value) VALUES ($1, $2)', ['evil', evil]);
    expect(await db.query('SELECT value FROM app_meta WHERE key = $1', ['evil'])).toEqual([{ value: evil }]);
    expect(await db.query("SELECT to_regclass('users') IS NOT NULL AS ok")).toEqual([{ ok: true }]);
  });

  test('the subtree function walks the region hierarchy', async () => {
    const [p] = await db.query<{ id: string }>("INSERT INTO regions (code, name, level) VALUES ('990000', '测试省', 'province') RETURNING id");
    const [c] = await db.query<{ id: string }>("INSERT INTO regions (code, name, level, parent_id) VALUES ('990100', '测试市', 'city', $1) RETURNING id", [p.id]);
    await db.query("INSERT INTO regions (code, name, level, parent_id) VALUES ('990101', '测试区', 'district', $1)", [c.id]);
    const [{ n }] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM subtree($1)', [p.id]);
    expect(n).toBe(3);
    await expect(db.query("INSERT INTO regions (code, name, level) VALUES ('990200', '无上级的市', 'city')")).rejects.toMatchObject({ code: '23514' });
  });
});

describe('migration files', () => {
  test('are numbered without gaps and split into statements, keeping $$ bodies whole', () => {
    const versions = readMigrations().map((m) => m.version);
    expect(versions).toEqual(versions.map((_, i) => i + 1));
    const parts = splitStatements("CREATE TABLE a (x int);\n-- note;\nCREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$\n  SELECT 1;\n$$;\nSELECT 2;");
    expect(parts).toEqual(['CREATE TABLE a (x int)', 'CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$\n  SELECT 1;\n$$', 'SELECT 2']);
  });
});
