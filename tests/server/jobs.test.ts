import { runDueJobs } from '../../src/server/jobs';
import { testApp, type TestApp } from '../helpers/app';

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
});
afterAll(() => t.close());

describe('runDueJobs(now)', () => {
  test('prunes sessions 30 days past expiry and attempt counters whose window ended, and leaves live ones', async () => {
    const live = await t.login('parent');
    t.setNow(new Date('2026-10-01T00:00:00Z'));
    await t.login('admin');
    // Ended: the invitation counter; live: the binding counter (and the logins' counter, whose window ends at 08:01).
    await t.db.query("INSERT INTO attempt_counters (subject, action, n, window_end) VALUES ('user:x', 'invitation', 3, '2026-11-23T07:00:00Z'), ('user:x', 'binding', 2, '2026-11-23T08:20:00Z')");
    t.setNow(new Date('2026-11-23T08:00:00Z'));
    const report = await runDueJobs(t.deps, new Date('2026-11-23T08:00:00Z'));
    expect(report).toEqual({ pruneSessions: 1, pruneFailedAttempts: 1, pruneIdempotencyKeys: 0, expireWaitlistOffers: 0, escalateNotices: 0, expireNoticeDrafts: 0, purgeNotices: 0, purgeClosedAccounts: 0, expireLearningRecords: 0, sendMessages: 0, auditCheckpoint: 0, expireMediaUploads: 0 });
    expect((await t.call('GET', '/api/me', { token: live })).status).toBe(200);
    expect(await runDueJobs(t.deps, new Date('2026-11-23T08:00:00Z'))).toEqual({ pruneSessions: 0, pruneFailedAttempts: 0, pruneIdempotencyKeys: 0, expireWaitlistOffers: 0, escalateNotices: 0, expireNoticeDrafts: 0, purgeNotices: 0, purgeClosedAccounts: 0, expireLearningRecords: 0, sendMessages: 0, auditCheckpoint: 0, expireMediaUploads: 0 });
  });
});
