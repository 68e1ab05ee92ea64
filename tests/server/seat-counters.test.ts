/**
 * The seat counters of each session (event_seats, migration 020) are what sign-up decisions and every read use instead
 * of recounting the sign-ups; they must never drift from the rows. A mixed workload through the API — concurrent
 * sign-ups with and without a companion, double taps, replays with the same idempotency key, cancellations that offer
 * seats, offers confirmed and offers expired by the jobs, a capacity rise, re-sign-up after cancelling, and closing an
 * account — is followed after every step by a recount of event_signups that the counters must equal.
 */
import type { EventInput } from '../../types';
import { runDueJobs } from '../../src/server/jobs';
import type { Database } from '../../src/server/storage/db';
import { testApp, type TestApp } from '../helpers/app';
import { describeOn, scratchPostgres } from '../helpers/db';
import { createParents } from '../helpers/parents';
import { seatDrift } from '../helpers/seats';

const HOUR = 3_600_000;
const start = new Date('2026-11-23T08:00:00Z');
const later = (hours: number) => new Date(start.getTime() + hours * HOUR).toISOString();

function suite(name: string, open: () => Promise<Database | null>): void {
  describeOn(name)(`seat counters equal a recount after a mixed workload (${name})`, () => {
    let t: TestApp;
    let db: Database | null = null;
    let station: string;
    let wucheng: string;
    let parents: string[] = [];
    const tok: Record<string, string> = {};

    const publish = async (capacity: number) => {
      const body: EventInput = {
        host: { type: 'station', id: wucheng }, title: '识别孩子的焦虑：家长讲座', description: '', topic: '心理健康教育', mentalHealth: true, speaker: '李红',
        startsAt: later(48), endsAt: later(50), mode: 'onsite', address: '坞城路 96 号二层', latitude: null, longitude: null, onlineUrl: null, capacity,
        signupDeadline: later(47),
      };
      const r = await t.call('POST', '/api/events', { token: station, body });
      expect(r.status).toBe(201);
      return r.body.id as string;
    };
    const signup = (token: string, id: string, companion = false, headers: Record<string, string> = {}) =>
      t.call('POST', `/api/events/${id}/signup`, { token, body: { companion, acceptedTemplates: ['signup_result', 'event_reminder'] }, headers });
    const cancel = (token: string, id: string) => t.call('DELETE', `/api/events/${id}/signup`, { token });
    const expectNoDrift = async () => expect(await seatDrift(t.db)).toEqual([]);

    beforeAll(async () => {
      db = await open();
      t = await testApp(db ? { db } : {});
      t.setNow(start);
      station = await t.login('station');
      tok.parent = await t.login('parent');
      wucheng = (await t.db.query<{ id: string }>("SELECT id FROM stations WHERE name = '坞城街道家庭教育指导服务站'"))[0]!.id;
      const [school] = await t.db.query<{ id: string }>("SELECT id FROM schools WHERE name = '小店区育英小学'");
      parents = await createParents(t.db, t.deps.config.sessionSecret, 40, school!.id, t.deps.config.privacyVersion, start);
    }, 120_000);
    afterAll(async () => {
      if (t) await t.close();
      if (db) await db.close();
    });

    test('sign-ups, double taps, replays, cancellations, offers, expiry, a capacity rise, re-sign-up and a closed account', async () => {
      const a = await publish(6);
      const b = await publish(3);
      await expectNoDrift();

      // A concurrent rush on both sessions: every fifth parent brings the other guardian; every seventh taps twice.
      const calls = parents.flatMap((p, i) => [
        { p, id: a, companion: i % 5 === 0 }, { p, id: b, companion: false },
        ...(i % 7 === 0 ? [{ p, id: a, companion: i % 5 === 0 }] : []),
      ]);
      const rush = await Promise.all(calls.map((c) => signup(c.p, c.id, c.companion)));
      expect(rush.filter((r) => r.status !== 200 && r.body.error?.code !== 'ALREADY_SIGNED_UP')).toEqual([]);
      expect(rush.filter((r) => r.status !== 200)).toHaveLength(Math.ceil(parents.length / 7));
      const tokenOf = new Map<string, string>();
      rush.forEach((r, i) => {
        if (r.status === 200) tokenOf.set(r.body.event.signup.id as string, calls[i]!.p);
      });
      await expectNoDrift();
      const seats = async (id: string) => (await t.db.query<{ seats_taken: number; waitlist_length: number }>('SELECT seats_taken, waitlist_length FROM event_seats WHERE event_id = $1', [id]))[0]!;
      expect((await seats(a)).seats_taken).toBeLessThanOrEqual(6);
      expect(await seats(b)).toEqual({ seats_taken: 3, waitlist_length: 37 });

      // A replay with the same idempotency key is answered from the first answer: no second row.
      const key = { 'idempotency-key': 'seat-counter-key-1' };
      const first = await signup(tok.parent as string, a, false, key);
      const replay = await signup(tok.parent as string, a, false, key);
      expect([first.status, replay.status]).toEqual([200, 200]);
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      await expectNoDrift();

      // Seated parents cancel: the seats are offered down the waitlist; one offer is confirmed, the others expire later.
      const seated = await t.db.query<{ id: string }>(`SELECT id FROM event_signups WHERE event_id = $1 AND status = 'confirmed' ORDER BY seq LIMIT 3`, [b]);
      const cancels = await Promise.all(seated.map((s) => cancel(tokenOf.get(s.id) as string, b)));
      expect(cancels.map((c) => c.status)).toEqual([200, 200, 200]);
      await expectNoDrift();
      expect(await seats(b)).toEqual({ seats_taken: 3, waitlist_length: 34 });
      const offered = await t.db.query<{ id: string }>(`SELECT id FROM event_signups WHERE event_id = $1 AND status = 'offered' ORDER BY seq`, [b]);
      expect(offered).toHaveLength(3);
      expect((await t.call('POST', `/api/events/${b}/signup/confirm`, { token: tokenOf.get(offered[0]!.id), body: {} })).status).toBe(200);
      await expectNoDrift();

      // A cancelled parent signs up again (the end of the waitlist); two offers expire and pass on when the jobs run.
      expect((await signup(tokenOf.get(seated[0]!.id) as string, b)).body.event.signup.status).toBe('waitlisted');
      await expectNoDrift();
      t.setNow(new Date(start.getTime() + 30 * HOUR));
      await runDueJobs(t.deps, t.deps.clock());
      await expectNoDrift();
      expect(await t.db.query(`SELECT status FROM event_signups WHERE event_id = $1 AND status = 'expired'`, [b])).toHaveLength(2);

      // A capacity rise offers more seats; a parent closes the account, giving up a seat and a place.
      const input = (await t.call('GET', `/api/events/${b}`, { token: station })).body;
      const raised = await t.call('PUT', `/api/events/${b}`, {
        token: station,
        body: {
          host: input.host, title: input.title, description: input.description, topic: input.topic, mentalHealth: input.mentalHealth, speaker: input.speaker,
          startsAt: input.startsAt, endsAt: input.endsAt, mode: input.mode, address: input.address, latitude: input.latitude, longitude: input.longitude,
          onlineUrl: input.onlineUrl, capacity: 8, signupDeadline: input.signupDeadline,
        },
      });
      expect(raised.status).toBe(200);
      await expectNoDrift();
      const [holder] = await t.db.query<{ id: string }>(`SELECT id FROM event_signups WHERE event_id = $1 AND status IN ('confirmed', 'offered') ORDER BY seq LIMIT 1`, [b]);
      expect((await t.call('POST', '/api/me/close-account', { token: tokenOf.get(holder!.id), body: { confirm: '注销账号' } })).status).toBe(200);
      await expectNoDrift();
      expect((await seats(b)).seats_taken).toBe(8);

      // Counters a session's reads show: the detail and the list say what the recount says.
      const detail = (await t.call('GET', `/api/events/${b}`, { token: station })).body;
      expect({ seatsTaken: detail.seatsTaken, waitlistLength: detail.waitlistLength }).toEqual({
        seatsTaken: (await seats(b)).seats_taken, waitlistLength: (await seats(b)).waitlist_length,
      });
    }, 240_000);
  });
}

suite('PGlite', async () => null);
suite('PostgreSQL', () => scratchPostgres(4));
