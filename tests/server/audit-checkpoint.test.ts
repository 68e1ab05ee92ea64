import { spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { appendAudit } from '../../src/server/domain/notices/audit';
import { createFileCheckpointStore } from '../../src/server/domain/notices/checkpoint';
import { runDueJobs } from '../../src/server/jobs';
import type { Database } from '../../src/server/storage/db';
import { migrate } from '../../src/server/storage/migrate';
import { openPglite } from '../../src/server/storage/pglite';
import { testApp, type TestApp } from '../helpers/app';
import { freshDb, scratchPostgres } from '../helpers/db';

const MINUTE = 60_000;
const start = new Date('2026-11-23T08:00:00Z');
const after = (minutes: number) => new Date(start.getTime() + minutes * MINUTE);

interface Line { seq: number; hash: string; at: string; kid: string; hmac: string }

const tmpDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'xq-checkpoint-'));
const readLines = (file: string): Line[] => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Line) : []);

/** Appends `n` events to the chain at `at` and returns the head's seq. */
async function events(db: Database, key: Buffer, n: number, at: Date): Promise<number> {
  await db.transaction((tx) => appendAudit(tx, key, at, Array.from({ length: n }, (_, i) => ({ actorId: null, action: i % 2 ? 'opened' as const : 'sent' as const }))));
  const [head] = await db.query<{ seq: string }>('SELECT seq FROM audit_head');
  return Number(head!.seq);
}

/** What a database-only attacker does: deletes the newest entries and moves audit_head back to the last one kept. */
async function cutTail(db: Database, keep: number): Promise<void> {
  await db.query('DELETE FROM audit_log WHERE seq > $1', [keep]);
  await db.query(`UPDATE audit_head SET seq = $1, hash = COALESCE((SELECT hash FROM audit_log WHERE seq = $1), 'genesis')`, [keep]);
}

const drivers: [string, () => Promise<(Database & { url?: string }) | null>, jest.Describe][] = [
  ['PGlite', freshDb, describe],
  ['PostgreSQL', () => scratchPostgres(4), process.env.DATABASE_URL ? describe : describe.skip],
];

describe.each(drivers)('the audit chain anchored outside the database, on %s', (_driver, open, run) => {
  run('checkpoints', () => {
    let t: TestApp;
    let db: Database;
    let dir: string;
    let file: string;
    let admin: string;
    let key: Buffer;
    let files = 0;
    const verify = async () => (await t.call('GET', '/api/admin/audit/verify', { token: admin })).body;

    beforeAll(async () => {
      dir = tmpDir();
      db = (await open())!;
      t = await testApp({ db, env: { XQ_AUDIT_CHECKPOINT_FILE: path.join(dir, 'unused.jsonl') } });
      admin = await t.login('admin');
      key = t.deps.config.notices.hmacKey;
    });
    afterAll(async () => {
      await db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });
    /** Each test: an empty chain, and a new checkpoint file (in a directory that does not exist yet). */
    beforeEach(async () => {
      t.setNow(start);
      await db.query('DELETE FROM audit_log');
      await db.query(`UPDATE audit_head SET seq = 0, hash = 'genesis'`);
      file = path.join(dir, `anchor-${++files}`, 'audit-checkpoints.jsonl');
      t.deps.checkpoints = createFileCheckpointStore(file, key);
    });

    test('every verification anchors the verified head in the checkpoint file (seq, hash, time, key id, HMAC)', async () => {
      const seq = await events(db, key, 5, start);
      const ok = await verify();
      expect(ok).toMatchObject({ ok: true, checked: 5, firstBroken: null, checkpoint: { seq, at: start.toISOString() }, forgedCheckpoints: 0 });
      const lines = readLines(file);
      expect(lines).toHaveLength(1);
      const [head] = await db.query<{ hash: string }>('SELECT hash FROM audit_head');
      expect(lines[0]).toMatchObject({ seq, hash: head!.hash, at: start.toISOString() });
      expect(lines[0]!.kid).toMatch(/^[0-9a-f]{16}$/);
      expect(lines[0]!.hmac).toMatch(/^[0-9a-f]{64}$/);
      expect(fs.readFileSync(file, 'utf8')).toMatch(/\n$/);
    });

    test('deleting the newest entries and moving audit_head back is named truncated_after_checkpoint, and the cut head is never anchored', async () => {
      const seq = await events(db, key, 6, start);
      expect((await verify()).ok).toBe(true);
      await cutTail(db, seq - 2);
      t.setNow(after(30));
      const cut = await verify();
      expect(cut).toMatchObject({ ok: false, checked: 4, firstBroken: { seq, at: start.toISOString(), reason: 'truncated_after_checkpoint' }, checkpoint: { seq } });
      expect(readLines(file).map((l) => l.seq)).toEqual([seq]);
      const job = await runDueJobs(t.deps, after(40));
      expect(job.auditCheckpoint).toBe(-1);
      expect(readLines(file).map((l) => l.seq)).toEqual([seq]);
      expect((await verify()).firstBroken).toMatchObject({ reason: 'truncated_after_checkpoint', seq });
    });

    test('new entries written after the cut do not hide it (the sequence moves on, the checkpoint\'s entry is gone)', async () => {
      const seq = await events(db, key, 4, start);
      expect((await verify()).ok).toBe(true);
      await cutTail(db, seq - 1);
      await events(db, key, 3, after(5));
      expect(await verify()).toMatchObject({ ok: false, firstBroken: { seq, reason: 'truncated_after_checkpoint' } });
    });

    test('wiping everything back to genesis is named truncated_after_checkpoint', async () => {
      const seq = await events(db, key, 3, start);
      expect((await verify()).ok).toBe(true);
      await cutTail(db, 0);
      const wiped = await verify();
      expect(wiped).toMatchObject({ ok: false, checked: 0, firstBroken: { seq, at: start.toISOString(), reason: 'truncated_after_checkpoint' } });
      expect(await runDueJobs(t.deps, after(60))).toMatchObject({ auditCheckpoint: -1 });
      expect(readLines(file)).toHaveLength(1);
    });

    test('a forged checkpoint line is reported and not trusted; a line made with another key counts as forged', async () => {
      const seq = await events(db, key, 3, start);
      expect((await verify()).ok).toBe(true);
      const real = readLines(file)[0]!;
      fs.appendFileSync(file, JSON.stringify({ ...real, seq: seq + 50, hmac: 'f'.repeat(64) }) + '\n');
      const other = Buffer.alloc(32, 9);
      const kid = createHmac('sha256', other).update('xq-audit-checkpoint-key-id').digest('hex').slice(0, 16);
      const hmac = createHmac('sha256', other).update(JSON.stringify(['xq-audit-checkpoint', seq + 60, real.hash, real.at, kid])).digest('hex');
      fs.appendFileSync(file, JSON.stringify({ seq: seq + 60, hash: real.hash, at: real.at, kid, hmac }) + '\nnot json\n');
      const forged = await verify();
      expect(forged).toMatchObject({ ok: false, forgedCheckpoints: 3, checkpoint: { seq }, firstBroken: { reason: 'checkpoint_forged' } });
      const logs: string[] = [];
      const log = t.deps.log;
      t.deps.log = { info: () => undefined, error: () => undefined, warn: (event, fields) => logs.push(JSON.stringify({ event, ...fields })) };
      try {
        const moved = await events(db, key, 1, after(1));
        fs.appendFileSync(file, '{"seq": 1, "cut off mid-wri');
        expect((await runDueJobs(t.deps, after(20))).auditCheckpoint).toBe(1);
        expect(logs).toEqual([JSON.stringify({ event: 'audit_checkpoint_forged', lines: 4 })]);
        expect(await verify()).toMatchObject({ ok: false, forgedCheckpoints: 4, checkpoint: { seq: moved, at: after(20).toISOString() }, firstBroken: { reason: 'checkpoint_forged' } });
      } finally {
        t.deps.log = log;
      }
    });

    test('the job writes a checkpoint every N minutes, only when the head moved', async () => {
      expect((await runDueJobs(t.deps, start)).auditCheckpoint).toBe(0);
      expect(fs.existsSync(file)).toBe(false);
      const first = await events(db, key, 2, start);
      expect((await runDueJobs(t.deps, start)).auditCheckpoint).toBe(1);
      expect((await runDueJobs(t.deps, after(1))).auditCheckpoint).toBe(0);
      const second = await events(db, key, 2, after(2));
      expect((await runDueJobs(t.deps, after(3))).auditCheckpoint).toBe(0);
      expect((await runDueJobs(t.deps, after(10))).auditCheckpoint).toBe(1);
      expect((await runDueJobs(t.deps, after(30))).auditCheckpoint).toBe(0);
      expect((await runDueJobs(t.deps, after(60))).auditCheckpoint).toBe(0);
      expect(readLines(file).map((l) => [l.seq, l.at])).toEqual([[first, start.toISOString()], [second, after(10).toISOString()]]);
      expect((await verify())).toMatchObject({ ok: true, checkpoint: { seq: second, at: after(10).toISOString() } });
      expect(readLines(file)).toHaveLength(2);
    });

    test('the job refuses to anchor a chain that does not extend the newest checkpoint', async () => {
      await events(db, key, 3, start);
      expect((await runDueJobs(t.deps, start)).auditCheckpoint).toBe(1);
      await events(db, key, 2, after(1));
      await db.query(`UPDATE audit_log SET action = 'closed' WHERE seq = (SELECT max(seq) FROM audit_log)`);
      expect((await runDueJobs(t.deps, after(15))).auditCheckpoint).toBe(-1);
      expect(readLines(file)).toHaveLength(1);
    });

    test('npm run audit:verify writes a checkpoint, then names the cut with exit code 2', async () => {
      const usePg = _driver === 'PostgreSQL';
      let pgliteDir = '';
      let cliDb: Database = db;
      if (!usePg) {
        pgliteDir = path.join(dir, 'pglite');
        cliDb = await openPglite(pgliteDir);
        await migrate(cliDb);
      }
      const seq = await events(cliDb, key, 4, start);
      if (!usePg) await cliDb.close();
      const { DATABASE_URL: _pg, ...env } = process.env;
      const cliEnv = usePg ? { ...env, DATABASE_URL: (db as Database & { url: string }).url } : { ...env, PGLITE_DIR: pgliteDir };
      const cli = () => spawnSync(path.resolve('node_modules/.bin/tsx'), ['src/server/cli.ts', 'verify-audit'], { env: { ...cliEnv, XQ_AUDIT_CHECKPOINT_FILE: file }, encoding: 'utf8' });
      const whole = cli();
      expect(whole.stdout).toContain('审计链完整：已校验 4 条记录');
      expect(whole.stdout).toContain(`检查点：第 ${seq} 条`);
      expect(whole.status).toBe(0);
      expect(readLines(file).map((l) => l.seq)).toEqual([seq]);

      const again = usePg ? db : await openPglite(pgliteDir);
      await cutTail(again, seq - 1);
      if (!usePg) await again.close();
      const cut = cli();
      expect(cut.stdout).toMatch(new RegExp(`审计链被截断：第 ${seq} 条的检查点（.+）之后的记录被删除：truncated_after_checkpoint`));
      expect(cut.status).toBe(2);
      expect(readLines(file)).toHaveLength(1);
    });
  });
});
