import Taro from '@tarojs/taro';
import type { ProgressInput, ProgressOutput, ProgressStatementInput } from '../../types';
import { request, type ApiResult } from '../../src/services/request';
import {
  PROGRESS_BATCH,
  PROGRESS_QUEUE_KEY,
  claimProgressQueue,
  enqueueStatement,
  flushProgress,
  makeStatement,
  newStatementId,
  onProgressFlushed,
  queuedStatements,
  reportProgress,
} from '../../src/services/progress';
import { TOKEN_KEY } from '../../src/services/session';

jest.mock('../../src/services/request', () => ({ ...jest.requireActual('../../src/services/request'), request: jest.fn() }));

const mockedRequest = request as jest.MockedFunction<typeof request>;
const OFFLINE = { ok: false as const, error: { code: 'NETWORK_ERROR', message: '网络连接失败，请检查网络后重试', status: 0 } };

function played(lessonId: string, from: number, to: number): ProgressStatementInput {
  return makeStatement({ lessonId, verb: 'played', segments: [[from, to]], position: to });
}

/** What the server would answer: every statement accepted, a progress for each lesson. */
function accepted(statements: ProgressStatementInput[]): ApiResult<ProgressOutput> {
  return {
    ok: true,
    data: {
      accepted: statements.length,
      duplicates: 0,
      rejected: [],
      lessons: [...new Set(statements.map((s) => s.lessonId))].map((lessonId) => ({
        lessonId,
        progress: { position: 10, creditedSeconds: 10, segments: [[0, 10]], completed: false, completedAt: null },
      })),
    },
  };
}

/** The statements of each POST /api/progress, in call order. */
function sentBatches(): ProgressStatementInput[][] {
  return mockedRequest.mock.calls.map(([path, options]) => {
    expect(path).toBe('/api/progress');
    expect(options?.method).toBe('POST');
    return (options?.body as ProgressInput).statements;
  });
}

beforeEach(() => {
  mockedRequest.mockReset();
  Taro.removeStorageSync(PROGRESS_QUEUE_KEY);
  Taro.setStorageSync(TOKEN_KEY, 'token-1');
});

describe('progress statements', () => {
  it('get a fresh version 4 UUID each and the time they were made', () => {
    const ids = new Set(Array.from({ length: 200 }, () => newStatementId()));
    expect(ids.size).toBe(200);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const s = makeStatement({ lessonId: 'l1', verb: 'read', segments: [], position: 0 }, new Date('2025-11-23T08:00:00Z'));
    expect(s.timestamp).toBe('2025-11-23T08:00:00.000Z');
  });
});

describe('the offline progress queue', () => {
  it('keeps statements queued when the network fails and sends them later in order, with the same ids', async () => {
    mockedRequest.mockResolvedValue(OFFLINE);
    const a = played('l1', 0, 15);
    const first = await reportProgress(a);
    expect(first.error?.code).toBe('NETWORK_ERROR');
    expect(first.pending).toBe(1);
    const b = played('l1', 15, 30);
    const c = played('l2', 0, 12);
    await reportProgress(b);
    await reportProgress(c);
    expect(queuedStatements().map((s) => s.id)).toEqual([a.id, b.id, c.id]);

    mockedRequest.mockReset();
    mockedRequest.mockImplementation(async (_path, options) => accepted((options?.body as ProgressInput).statements) as never);
    const later = await flushProgress();
    expect(later.error).toBeNull();
    expect(later.pending).toBe(0);
    expect(sentBatches()).toEqual([[a, b, c]]);
    expect(later.lessons.map((l) => l.lessonId)).toEqual(['l1', 'l2']);
    expect(queuedStatements()).toEqual([]);
  });

  it('survives a restart: the queue lives in storage', async () => {
    const a = played('l1', 0, 15);
    enqueueStatement(a);
    enqueueStatement(a);
    const stored: unknown = Taro.getStorageSync(PROGRESS_QUEUE_KEY);
    expect(JSON.parse(String(stored))).toEqual([a]);
  });

  it('sends a long queue in batches, oldest first', async () => {
    const statements = Array.from({ length: PROGRESS_BATCH + 5 }, (_, i) => played('l1', i * 10, i * 10 + 10));
    for (const s of statements) enqueueStatement(s);
    mockedRequest.mockImplementation(async (_path, options) => accepted((options?.body as ProgressInput).statements) as never);
    await flushProgress();
    expect(sentBatches().map((b) => b.map((s) => s.id))).toEqual([
      statements.slice(0, PROGRESS_BATCH).map((s) => s.id),
      statements.slice(PROGRESS_BATCH).map((s) => s.id),
    ]);
    expect(queuedStatements()).toEqual([]);
  });

  it('stops at the first failure and keeps the unsent rest', async () => {
    const statements = Array.from({ length: PROGRESS_BATCH + 3 }, (_, i) => played('l1', i, i + 1));
    for (const s of statements) enqueueStatement(s);
    mockedRequest
      .mockImplementationOnce(async (_path, options) => accepted((options?.body as ProgressInput).statements) as never)
      .mockResolvedValueOnce({ ok: false, error: { code: 'INTERNAL', message: '服务器开小差了', status: 500 } });
    const result = await flushProgress();
    expect(result.error?.code).toBe('INTERNAL');
    expect(queuedStatements().map((s) => s.id)).toEqual(statements.slice(PROGRESS_BATCH).map((s) => s.id));
  });

  it('drops statements the server refuses and says why', async () => {
    const good = played('l1', 0, 10);
    const bad = makeStatement({ lessonId: 'l9', verb: 'played', segments: [[0, 10]], position: 10 });
    enqueueStatement(good);
    enqueueStatement(bad);
    mockedRequest.mockResolvedValue({
      ok: true,
      data: { ...(accepted([good]) as { data: ProgressOutput }).data, rejected: [{ id: bad.id, code: 'NOT_ENROLLED', message: '请先加入该课程再学习' }] },
    });
    const result = await flushProgress();
    expect(result.rejected).toEqual([{ statement: bad, error: { code: 'NOT_ENROLLED', message: '请先加入该课程再学习', status: 200 } }]);
    expect(queuedStatements()).toEqual([]);
  });

  it('sends one by one when a whole batch is refused, so one bad statement does not hold back the others', async () => {
    const good = played('l1', 0, 10);
    const bad = played('l1', 10, 20);
    enqueueStatement(good);
    enqueueStatement(bad);
    const refusal = { ok: false as const, error: { code: 'VALIDATION_FAILED', message: '请求参数不正确', status: 400 } };
    mockedRequest
      .mockResolvedValueOnce(refusal)
      .mockImplementationOnce(async (_path, options) => accepted((options?.body as ProgressInput).statements) as never)
      .mockResolvedValueOnce(refusal);
    const result = await flushProgress();
    expect(sentBatches()).toEqual([[good, bad], [good], [bad]]);
    expect(result.rejected.map((r) => r.statement.id)).toEqual([bad.id]);
    expect(queuedStatements()).toEqual([]);
  });

  it('waits for a login before sending', async () => {
    Taro.removeStorageSync(TOKEN_KEY);
    const a = played('l1', 0, 10);
    const result = await reportProgress(a);
    expect(mockedRequest).not.toHaveBeenCalled();
    expect(result.pending).toBe(1);
    expect(queuedStatements()).toEqual([a]);
  });

  it('never sends a statement twice when flushes overlap', async () => {
    const a = played('l1', 0, 10);
    enqueueStatement(a);
    mockedRequest.mockImplementation(async (_path, options) => accepted((options?.body as ProgressInput).statements) as never);
    await Promise.all([flushProgress(), flushProgress(), flushProgress()]);
    expect(sentBatches()).toEqual([[a]]);
  });

  it('tells listeners (the lesson page) what a later flush sent', async () => {
    const a = played('l1', 0, 10);
    enqueueStatement(a);
    const seen: string[] = [];
    const off = onProgressFlushed((result) => seen.push(...result.lessons.map((l) => l.lessonId)));
    mockedRequest.mockImplementation(async (_path, options) => accepted((options?.body as ProgressInput).statements) as never);
    await flushProgress();
    off();
    enqueueStatement(played('l2', 0, 10));
    await flushProgress();
    expect(seen).toEqual(['l1']);
  });
});

describe('the queue belongs to one user', () => {
  it('keeps its statements when the same user logs in again, and drops them when someone else logs in on the device', () => {
    claimProgressQueue('user-a');
    enqueueStatement(played('l1', 0, 15));
    enqueueStatement(played('l1', 15, 30));
    claimProgressQueue('user-a');
    expect(queuedStatements()).toHaveLength(2);
    claimProgressQueue('user-b');
    expect(queuedStatements()).toEqual([]);
  });
});
