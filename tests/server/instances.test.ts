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
import { checkRush, prepareRush, publishSession, sendRush } from '../bench/signup-rush';
import { seatDrift } from '../helpers/seats';

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

  test('sign-ups, double taps on two instances and cancellations through 3 instances at once: never more seats than there are, counters equal a recount', async () => {
    const db = (await scratchPostgres(4))!;
    let instances: Instance[] = [];
    try {
      instances = await startInstances(3, { DATABASE_URL: db.url, XQ_SESSION_SECRET: SECRET });
      const urls = instances.map((i) => i.url);
      const rush = await prepareRush(db, urls[0] as string, 300, 20, new Date());
      const other = await publishSession(urls[0] as string, rush.staff, 5, new Date());
      const call = async (method: string, url: string, token: string, body?: object) => {
        const res = await fetch(url, { method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
        return { status: res.status, body: (await res.json()) as { event?: { signup?: { status: string } }; error?: { code: string } } };
      };
      const signupAt = (i: number, eventId: string, token: string, companion = false) => call('POST', `${urls[i % 3]}/api/events/${eventId}/signup`, token, { companion, acceptedTemplates: [] });
      // Every parent signs up for both sessions (every tenth with the other guardian); every fifth taps twice, the taps
      // reaching two different instances at once.
      const first = await Promise.all(rush.tokens.flatMap((token, i) => [
        signupAt(i, rush.eventId, token, i % 10 === 0), signupAt(i + 1, other, token),
        ...(i % 5 === 0 ? [signupAt(i + 2, rush.eventId, token, i % 10 === 0)] : []),
      ]));
      expect(first.filter((r) => r.status !== 200 && r.body.error?.code !== 'ALREADY_SIGNED_UP').map((r) => r.status)).toEqual([]);
      expect(first.filter((r) => r.status !== 200)).toHaveLength(60);
      expect(await seatDrift(db)).toEqual([]);
      // The first 40 parents cancel while the next 40 sign up again (refused: already in) through other instances.
      const second = await Promise.all(rush.tokens.slice(0, 80).map((token, i) =>
        i < 40 ? call('DELETE', `${urls[i % 3]}/api/events/${rush.eventId}/signup`, token) : signupAt(i + 1, rush.eventId, token)));
      expect(second.slice(0, 40).map((r) => r.status)).toEqual(Array(40).fill(200));
      expect(second.slice(40).map((r) => r.body.error?.code)).toEqual(Array(40).fill('ALREADY_SIGNED_UP'));
      expect(await seatDrift(db)).toEqual([]);
      const counts = await db.query<{ event_id: string; capacity: number; seats_taken: number; waitlist_length: number; active: number; users: number }>(
        `SELECT e.id AS event_id, e.capacity, n.seats_taken, n.waitlist_length,
                (SELECT count(*)::int FROM event_signups s WHERE s.event_id = e.id AND s.status IN ('confirmed', 'waitlisted', 'offered')) AS active,
                (SELECT count(DISTINCT s.user_id)::int FROM event_signups s WHERE s.event_id = e.id AND s.status IN ('confirmed', 'waitlisted', 'offered')) AS users
           FROM events e JOIN event_seats n ON n.event_id = e.id WHERE e.id = ANY($1::uuid[]) ORDER BY e.capacity DESC`,
        [[rush.eventId, other]],
      );
      // The freed seats went to the waitlist as offers (a family of two may wait for a second seat: at most one stays free).
      expect(counts.map((c) => ({ spare: c.capacity - c.seats_taken <= 1 && c.seats_taken <= c.capacity, active: c.active, users: c.users }))).toEqual([
        { spare: true, active: 260, users: 260 }, { spare: true, active: 300, users: 300 },
      ]);
      expect(counts[1]).toMatchObject({ seats_taken: 5, waitlist_length: 295 });
    } finally {
      await Promise.all(instances.map((i) => i.close()));
      await db.close();
    }
  }, 180_000);

  test('check-in through 3 instances: every ticket scanned on two instances at once is checked in once, and the counts agree', async () => {
    const db = (await scratchPostgres(4))!;
    let instances: Instance[] = [];
    try {
      instances = await startInstances(3, { DATABASE_URL: db.url, XQ_SESSION_SECRET: SECRET });
      const urls = instances.map((i) => i.url);
      const rush = await prepareRush(db, urls[0] as string, 150, 10, new Date());
      // A session about to start (check-in opens an hour before), with a seat for each of the 150 parents.
      const session = await publishSession(urls[0] as string, rush.staff, 150, new Date(), 0.5);
      const signed = await sendRush({ ...rush, eventId: session }, urls, 60);
      expect(signed.answers.filter((a) => a.status !== 200)).toEqual([]);
      const tickets = await db.query<{ ticket_code: string }>(`SELECT ticket_code FROM event_signups WHERE event_id = $1 AND status = 'confirmed'`, [session]);
      expect(tickets).toHaveLength(150);
      const scan = async (i: number, ticketCode: string) => {
        const res = await fetch(`${urls[i % 3]}/api/events/${session}/checkin`, {
          method: 'POST', headers: { authorization: `Bearer ${rush.staff.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ ticketCode }),
        });
        return { status: res.status, result: ((await res.json()) as { result?: string }).result };
      };
      const scans = await Promise.all(tickets.flatMap((t, i) => [scan(i, t.ticket_code), scan(i + 1, t.ticket_code)]));
      expect(scans.filter((s) => s.status !== 200)).toEqual([]);
      for (let i = 0; i < tickets.length; i++) expect([scans[2 * i]?.result, scans[2 * i + 1]?.result].sort()).toEqual(['already', 'checked_in']);
      const [row] = await db.query<{ checked: number; statements: number; attended: number }>(
        `SELECT (SELECT count(*)::int FROM event_signups WHERE event_id = $1 AND checked_in_at IS NOT NULL) AS checked,
                (SELECT count(*)::int FROM learning_statements WHERE verb = 'attended' AND object_id = $1) AS statements,
                (SELECT attended FROM rpt_event WHERE event_id = $1) AS attended`,
        [session],
      );
      expect(row).toEqual({ checked: 150, statements: 150, attended: 150 });
      const roster = await fetch(`${urls[2]}/api/events/${session}/roster`, { headers: { authorization: `Bearer ${rush.staff.token}` } });
      expect(roster.status).toBe(200);
      expect(((await roster.json()) as { counts: Record<string, number> }).counts).toMatchObject({ checkedIn: 150 });
    } finally {
      await Promise.all(instances.map((i) => i.close()));
      await db.close();
    }
  }, 180_000);

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
