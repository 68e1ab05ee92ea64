/**
 * Three server processes on one PostgreSQL, as serverless instances run: a sign-up rush spread over them still gives
 * exactly the seats there are, in order; the timed jobs run by every instance at the same moment do each step once.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { AppDeps } from '../../src/server/deps';
import type { JobReport } from '../../src/server/jobs';
import { appendAudit, checkpointAudit } from '../../src/server/domain/notices/audit';
import { createFileCheckpointStore } from '../../src/server/domain/notices/checkpoint';
import { testApp, type TestApp } from '../helpers/app';
import { describePg, scratchPostgres } from '../helpers/db';
import { startInstances, type Instance } from '../helpers/instances';
import { createParents } from '../helpers/parents';
import { startWeChatFake, FAKE_APPID, FAKE_SECRET, type WeChatFake } from '../helpers/wechat-fake';
import { checkRush, prepareRush, sendRush } from '../bench/signup-rush';

const HOUR = 3_600_000;
const SECRET = 'r'.repeat(40);

/** Moves the audit chain's head (one entry), so that a checkpoint is due. */
async function appendAuditNow(deps: AppDeps, at: Date): Promise<void> {
  await deps.db.transaction((tx) => appendAudit(tx, deps.config.notices.hmacKey, at, { actorId: null, action: 'purged', noticeId: null }));
}

describePg('three server processes on one PostgreSQL', () => {
  test('a rush of 1,000 parents for 100 seats spread over 3 instances: 100 seats, 900 waitlisted, places told in the order of decision', async () => {
    const db = (await scratchPostgres(4))!;
    let instances: Instance[] = [];
    try {
      instances = await startInstances(3, { DATABASE_URL: db.url, XQ_SESSION_SECRET: SECRET });
      const urls = instances.map((i) => i.url);
      const rush = await prepareRush(db, urls[0] as string, 1000, 100, new Date());
      const report = await sendRush(rush, urls, 150);
      const outcome = await checkRush(db, rush, report);
      expect(outcome).toEqual({ failures: [], confirmed: 100, waitlisted: 900, duplicates: 0, fifoErrors: [] });
    } finally {
      await Promise.all(instances.map((i) => i.close()));
      await db.close();
    }
  }, 120_000);

  describe('runDueJobs(now) run by every instance at once', () => {
    const start = new Date('2026-11-23T08:00:00Z');
    const later = (h: number) => new Date(start.getTime() + h * HOUR);
    let db: NonNullable<Awaited<ReturnType<typeof scratchPostgres>>>;
    let t: TestApp;
    let fake: WeChatFake;
    let instances: Instance[] = [];
    const checkpointFile = path.join(os.tmpdir(), 'xq-test-audit-checkpoints', `${randomUUID()}.jsonl`);

    beforeAll(async () => {
      db = (await scratchPostgres(4))!;
      fake = await startWeChatFake();
      t = await testApp({ db, wechatBase: fake.url });
      instances = await startInstances(3, {
        DATABASE_URL: db.url, XQ_SESSION_SECRET: SECRET, WECHAT_APPID: FAKE_APPID, WECHAT_SECRET: FAKE_SECRET, WECHAT_API_BASE: fake.url,
        XQ_AUDIT_CHECKPOINT_FILE: checkpointFile,
      });
    }, 120_000);
    afterAll(async () => {
      await Promise.all(instances.map((i) => i.close()));
      await t?.close();
      await db?.close();
      await fake?.close();
      fs.rmSync(checkpointFile, { force: true });
    });

    test('each reminder, offer, escalation, message and checkpoint happens once', async () => {
      // Every demo user can receive messages; every guardian subscribed to school notices.
      await db.query(`UPDATE users SET openid = 'o-' || id WHERE openid IS NULL`);
      await db.query(`INSERT INTO message_grants (user_id, template, granted_at) SELECT DISTINCT user_id, 'school_notice', $1::timestamptz FROM guardianships WHERE revoked_at IS NULL`, [start]);
      const tok: Record<string, string> = {};
      for (const who of ['psychologist', 'leader', 'station']) tok[who] = await t.login(who);
      // Notices to every pupil of the school with a consenting guardian: nobody reads them.
      const pupils = await db.query<{ id: string }>(
        `SELECT DISTINCT s.id FROM students s JOIN schools sc ON sc.id = s.school_id JOIN guardianships g ON g.student_id = s.id
          WHERE sc.name = '小店区育英小学' AND g.notice_consent_at IS NOT NULL AND g.revoked_at IS NULL`,
      );
      expect(pupils.length).toBeGreaterThan(0);
      const notices: string[] = [];
      for (const p of pupils) {
        const created = await t.call('POST', '/api/notices', {
          token: tok.psychologist,
          body: {
            studentId: p.id, level: 'grade', observed: '近两周多次在课堂上哭泣，午休时独自待在走廊', recommendation: '建议家长尽快陪同孩子到定点医院就医评估', institutions: [{ name: '绿色通道医院（演示）', phone: '0351-0000301', address: '示例路 1 号' }],
            meetingSlots: [later(30).toISOString(), later(54).toISOString()], meetingPlace: '心理辅导室', contactName: '王静', contactPhone: '0351-0000101',
          },
        });
        expect([created.status, created.body.error?.details]).toEqual([201, undefined]);
        expect((await t.call('POST', `/api/notices/${created.body.id}/approve`, { token: tok.leader, body: {} })).status).toBe(200);
        notices.push(created.body.id as string);
      }
      const [{ n: recipients }] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM notice_recipients WHERE notice_id = ANY($1::uuid[])', [notices]);
      // A session with one seat: the seat is given back, the first on the waitlist gets an offer and lets it lapse.
      const [school] = await db.query<{ id: string }>(`SELECT id FROM schools WHERE name = '小店区育英小学'`);
      const parents = await createParents(db, t.deps.config.sessionSecret, 3, school!.id, t.deps.config.privacyVersion, start);
      await db.query(`UPDATE users SET openid = 'o-' || id WHERE openid IS NULL`);
      const [station] = await db.query<{ id: string }>("SELECT id FROM stations WHERE name = '坞城街道家庭教育指导服务站'");
      const event = await t.call('POST', '/api/events', {
        token: tok.station,
        body: {
          host: { type: 'station', id: station!.id }, title: '并发任务测试', description: '', topic: '心理健康教育', mentalHealth: true, speaker: '', startsAt: later(200).toISOString(),
          endsAt: later(202).toISOString(), mode: 'onsite', address: '坞城路 96 号', latitude: null, longitude: null, onlineUrl: null, capacity: 1, signupDeadline: later(199).toISOString(),
        },
      });
      expect(event.status).toBe(201);
      for (const token of parents) {
        expect((await t.call('POST', `/api/events/${event.body.id}/signup`, { token, body: { companion: false, acceptedTemplates: ['signup_result'] } })).status).toBe(200);
      }
      expect((await t.call('DELETE', `/api/events/${event.body.id}/signup`, { token: parents[0] })).status).toBe(200);
      // 150 more messages waiting in the outbox (three instances send 50 each per run).
      await db.query(
        `WITH u AS (INSERT INTO users (display_name, openid) SELECT '家长' || g, 'o-bulk-' || g FROM generate_series(1, 150) g RETURNING id, openid)
         INSERT INTO outbox (user_id, template, page, payload, dedupe_key, send_after) SELECT id, 'event_reminder', 'pages/index/index', '{}', 'bulk:' || openid, $1 FROM u`,
        [start],
      );

      const at = later(100);
      const reports: JobReport[] = [];
      for (let round = 0; round < 4; round++) reports.push(...(await Promise.all(instances.map((i) => i.runJobs(at)))));
      const total = (job: string) => reports.reduce((sum, r) => sum + (r[job] ?? 0), 0);
      expect(reports.flatMap((r) => Object.entries(r).filter(([, n]) => n < 0))).toEqual([]);

      // The ladder: one second message per unread copy, one call task and one follow-up task per notice, each audited once.
      const steps = await db.query<{ action: string; step: string | null; subject: string; n: number }>(
        `SELECT action, details->>'step' AS step, coalesce(subject_id::text, notice_id::text) AS subject, count(*)::int AS n FROM audit_log
          WHERE notice_id = ANY($1::uuid[]) AND action IN ('second_push', 'escalated') GROUP BY 1, 2, 3`,
        [notices],
      );
      expect(steps.filter((s) => s.n !== 1)).toEqual([]);
      expect(steps.filter((s) => s.action === 'second_push')).toHaveLength(recipients);
      expect(steps.filter((s) => s.step === 'call_guardian')).toHaveLength(notices.length);
      expect(steps.filter((s) => s.step === 'leader_followup')).toHaveLength(notices.length);
      expect(total('escalateNotices')).toBe(recipients + 2 * notices.length);
      const [{ n: tasks }] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM notice_tasks WHERE notice_id = ANY($1::uuid[])', [notices]);
      expect(tasks).toBe(2 * notices.length);

      // The lapsed offer expired once and the next parent got one offer.
      const signups = await db.query<{ status: string }>('SELECT status FROM event_signups WHERE event_id = $1 ORDER BY seq', [event.body.id]);
      expect(signups.map((s) => s.status)).toEqual(['cancelled', 'expired', 'offered']);
      expect(total('expireWaitlistOffers')).toBe(1);

      // Every due message went to WeChat exactly once, and the outbox says so.
      const sent = fake.messages.map((m) => JSON.stringify(m));
      expect(sent.length - new Set(sent).size).toBe(0);
      const outbox = await db.query<{ status: string; n: number }>(`SELECT status, count(*)::int AS n FROM outbox WHERE status <> 'pending' OR send_after <= $1 GROUP BY status`, [at]);
      expect(outbox.filter((o) => o.status !== 'sent' && o.status !== 'withdrawn')).toEqual([]);
      expect(total('sendMessages')).toBe(fake.messages.length);
      expect(outbox.find((o) => o.status === 'sent')?.n).toBe(fake.messages.length);
      expect(fake.messages.filter((m) => m.touser.startsWith('o-bulk-'))).toHaveLength(150);
      expect(fake.messages.filter((m) => m.template_id === t.deps.config.notices.templateId).length).toBeGreaterThanOrEqual(recipients);

      // The audit chain's head was anchored once.
      expect(fs.readFileSync(checkpointFile, 'utf8').trim().split('\n')).toHaveLength(1);
      expect(total('auditCheckpoint')).toBe(1);
    }, 120_000);

    test('the checkpoint job started five times at the same moment anchors the head once', async () => {
      const deps = { ...t.deps, checkpoints: createFileCheckpointStore(checkpointFile, t.deps.config.notices.hmacKey) };
      await appendAuditNow(deps, later(101));
      const runs = await Promise.all(Array.from({ length: 5 }, () => checkpointAudit(deps, later(200))));
      expect(runs.reduce((a, b) => a + b, 0)).toBe(1);
      expect(fs.readFileSync(checkpointFile, 'utf8').trim().split('\n')).toHaveLength(2);
    });
  });
});
