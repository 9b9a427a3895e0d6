// The background tracker's delivery: which failures it retries (always with
// the same idempotency keys, so nothing is counted twice), which it gives up
// on, and how it saves the good items of a bulk the server refused for one bad item.
import { TallyApiError, TallyNetworkError, TrackerShutDownError, UsageTracker, type TrackUsageInput, type UsageTrackerOptions } from '@tally/sdk';
import { FakeBulkClient, hangUntilAborted, type CallBehaviour } from './support/fake-bulk-client';

type Report = { error: Error; events: readonly TrackUsageInput[] };

let client: FakeBulkClient;
let reports: Report[];
let tracker: UsageTracker;

function newTracker(options: Partial<UsageTrackerOptions> = {}): UsageTracker {
  tracker = new UsageTracker({
    client,
    flushIntervalMs: 60_000,
    // No jitter: each wait is exactly its ceiling, base * 2^(retry - 1).
    backoff: { baseMs: 200, capMs: 30_000, random: () => 0.999999 },
    onError: (error, events) => reports.push({ error, events }),
    ...options,
  });
  return tracker;
}

const problem = (status: number, extra: { retryAfterSeconds?: number; errors?: { path: string; message: string }[] } = {}) =>
  new TallyApiError({ status, type: 'about:blank', title: `HTTP ${status}`, ...extra });
const failWith = (error: Error): CallBehaviour => () => Promise.reject(error);
const keyed = (...keys: string[]): TrackUsageInput[] => keys.map((idempotencyKey) => ({ organizationId: 'org_1', feature: 'OCR_SCAN', idempotencyKey }));

beforeEach(() => {
  jest.useFakeTimers();
  client = new FakeBulkClient();
  reports = [];
});
afterEach(async () => {
  // Real timers first, so the deadline of this last shutdown fires by itself.
  jest.useRealTimers();
  await tracker?.shutdown({ deadlineMs: 0 });
});

describe('retryable failures', () => {
  it('waits the Retry-After of a 503 and resends the same idempotency keys', async () => {
    client.willAnswer(failWith(problem(503, { retryAfterSeconds: 2 })));
    newTracker();
    for (const event of keyed('k1', 'k2')) tracker.track(event);
    const flushed = tracker.flush();
    await jest.advanceTimersByTimeAsync(1_999);
    expect(client.calls).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1);
    await flushed;
    expect(client.sentKeys).toEqual([['k1', 'k2'], ['k1', 'k2']]);
    expect(tracker.stats).toMatchObject({ sent: 2, retries: 1, dropped: 0 });
    expect(reports).toEqual([]);
  });

  it('resends the same generated keys and timestamps after a 429, so the server can deduplicate', async () => {
    client.willAnswer(failWith(problem(429, { retryAfterSeconds: 1 })));
    newTracker();
    tracker.track({ organizationId: 'org_1', feature: 'API_CALL' });
    const flushed = tracker.flush();
    await jest.advanceTimersByTimeAsync(1_000);
    await flushed;
    expect(client.calls).toHaveLength(2);
    expect(client.calls[1].items).toEqual(client.calls[0].items);
  });

  it('counts usage once when the server recorded a bulk but the answer was lost', async () => {
    client.willAnswer((_call, accept) => {
      accept(); // recorded…
      throw new TallyNetworkError('socket hang up', 'network'); // …but the client never heard back
    });
    newTracker();
    for (const event of keyed('k1', 'k2', 'k3')) tracker.track(event);
    const flushed = tracker.flush();
    await jest.advanceTimersByTimeAsync(200);
    await flushed;
    expect(client.recordedKeys.size).toBe(3);
    expect(tracker.stats).toMatchObject({ sent: 3, duplicates: 3, retries: 1 });
  });

  it('backs off exponentially between attempts, retries 408, 5xx and timeouts, and gives up after maxAttempts', async () => {
    const failures = [problem(408), problem(500), new TallyNetworkError('timed out', 'timeout'), problem(502)];
    client.willAnswer(...failures.map(failWith));
    newTracker({ maxAttempts: 4 });
    for (const event of keyed('k1', 'k2')) tracker.track(event);
    const flushed = tracker.flush();
    await jest.advanceTimersByTimeAsync(200 + 400 + 800);
    await flushed;
    expect(client.calls).toHaveLength(4);
    expect(tracker.stats).toMatchObject({ sent: 0, retries: 3, dropped: 2, inFlight: 0 });
    expect(reports).toHaveLength(1);
    expect(reports[0].error).toBe(failures[3]);
    expect(reports[0].events.map((event) => event.idempotencyKey)).toEqual(['k1', 'k2']);
  });

  it('waits a jittered share of 200, 400, 800 ms before the first three retries', async () => {
    client.willAnswer(...[1, 2, 3].map(() => failWith(problem(503))));
    // Jitter pinned at the middle: half of each ceiling.
    newTracker({ backoff: { baseMs: 200, capMs: 30_000, random: () => 0.5 } });
    tracker.track(keyed('k1')[0]);
    const flushed = tracker.flush();
    await jest.advanceTimersByTimeAsync(0);
    const callsAt = async (ms: number) => {
      await jest.advanceTimersByTimeAsync(ms);
      return client.calls.length;
    };
    expect(await callsAt(99)).toBe(1);
    expect(await callsAt(1)).toBe(2);
    expect(await callsAt(199)).toBe(2);
    expect(await callsAt(1)).toBe(3);
    expect(await callsAt(399)).toBe(3);
    expect(await callsAt(1)).toBe(4);
    await flushed;
    expect(tracker.stats.sent).toBe(1);
  });
});

describe('failures the server will not change its mind about', () => {
  it('drops the batch on a 401 without retrying and reports it', async () => {
    const unauthorized = problem(401);
    client.willAnswer(failWith(unauthorized));
    newTracker();
    for (const event of keyed('k1', 'k2')) tracker.track(event);
    await tracker.flush();
    expect(client.calls).toHaveLength(1);
    expect(reports).toEqual([{ error: unauthorized, events: [expect.objectContaining({ idempotencyKey: 'k1' }), expect.objectContaining({ idempotencyKey: 'k2' })] }]);
    expect(tracker.stats).toMatchObject({ dropped: 2, retries: 0 });
  });

  it('on a 400 naming items[i], resends the batch without the bad items and reports only those', async () => {
    // Like the server, refuse the whole bulk at the first bad item.
    const refuseFirstBad: CallBehaviour = (call, accept) => {
      const bad = call.items.findIndex((item) => (item.quantity ?? 1) < 1);
      if (bad < 0) return accept();
      throw new TallyApiError({ status: 400, type: 'validation', title: 'Invalid request', errors: [{ path: `items[${bad}].quantity`, message: 'must be at least 1' }] });
    };
    client.willAnswer(refuseFirstBad, refuseFirstBad, refuseFirstBad);
    newTracker();
    tracker.track({ organizationId: 'org_1', feature: 'OCR_SCAN', idempotencyKey: 'good1' });
    tracker.track({ organizationId: 'org_1', feature: 'OCR_SCAN', idempotencyKey: 'bad1', quantity: 0 });
    tracker.track({ organizationId: 'org_1', feature: 'OCR_SCAN', idempotencyKey: 'good2' });
    tracker.track({ organizationId: 'org_1', feature: 'OCR_SCAN', idempotencyKey: 'bad2', quantity: -1 });
    await tracker.flush();
    expect(client.sentKeys).toEqual([
      ['good1', 'bad1', 'good2', 'bad2'],
      ['good1', 'good2', 'bad2'],
      ['good1', 'good2'],
    ]);
    expect(reports.map((report) => report.events.map((event) => event.idempotencyKey))).toEqual([['bad1'], ['bad2']]);
    expect(tracker.stats).toMatchObject({ sent: 2, dropped: 2, retries: 0 });
  });

  it('drops every item naming a feature the server does not know, in one go', async () => {
    client.willAnswer(failWith(new TallyApiError({ status: 404, type: 'not-found', title: 'Not Found', errors: [{ path: 'items[1].feature', message: 'unknown feature' }] })));
    newTracker();
    tracker.track({ organizationId: 'org_1', feature: 'OCR_SCAN', idempotencyKey: 'ok' });
    tracker.track({ organizationId: 'org_1', feature: 'TYPO', idempotencyKey: 't1' });
    tracker.track({ organizationId: 'org_1', feature: 'TYPO', idempotencyKey: 't2' });
    await tracker.flush();
    expect(client.sentKeys).toEqual([['ok', 't1', 't2'], ['ok']]);
    expect(reports.map((report) => report.events.map((event) => event.idempotencyKey))).toEqual([['t1', 't2']]);
  });

  it('drops the whole batch when the error names no item', async () => {
    client.willAnswer(failWith(new TallyApiError({ status: 404, type: 'not-found', title: 'Not Found', errors: [{ path: 'organizationId', message: 'no such organization' }] })));
    newTracker();
    for (const event of keyed('k1', 'k2')) tracker.track(event);
    await tracker.flush();
    expect(client.calls).toHaveLength(1);
    expect(reports[0].events).toHaveLength(2);
  });
});

describe('shutdown with a deadline', () => {
  it('abandons a request still under way when the deadline passes and reports it as possibly recorded', async () => {
    client.willAnswer(hangUntilAborted);
    newTracker();
    for (const event of keyed('k1', 'k2')) tracker.track(event);
    const stopped = tracker.shutdown({ deadlineMs: 500 });
    await jest.advanceTimersByTimeAsync(500);
    await expect(stopped).resolves.toMatchObject({ dropped: 2, sent: 0, inFlight: 0, buffered: 0 });
    expect(reports).toHaveLength(1);
    expect(reports[0].error).toBeInstanceOf(TrackerShutDownError);
    expect(reports[0].error).toMatchObject({ mayHaveBeenRecorded: true });
  });

  it('ends a backoff wait at the deadline instead of sleeping through it', async () => {
    client.willAnswer(failWith(problem(503, { retryAfterSeconds: 120 })));
    newTracker();
    tracker.track(keyed('k1')[0]);
    const stopped = tracker.shutdown({ deadlineMs: 1_000 });
    await jest.advanceTimersByTimeAsync(1_000);
    await expect(stopped).resolves.toMatchObject({ dropped: 1, retries: 1 });
    expect(client.calls).toHaveLength(1);
    expect(reports[0].error).toBeInstanceOf(TrackerShutDownError);
  });

  it('resolves as soon as everything is sent when that is before the deadline', async () => {
    newTracker();
    tracker.track(keyed('k1')[0]);
    await expect(tracker.shutdown({ deadlineMs: 10_000 })).resolves.toMatchObject({ sent: 1, dropped: 0 });
    expect(reports).toEqual([]);
  });
});
