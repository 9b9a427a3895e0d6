// The background tracker's buffering: when it sends, how it groups, what it
// stamps on each event, and that track() can never hurt its caller.
import { InvalidUsageEventError, TrackerShutDownError, UsageBufferFullError, UsageTracker, type TrackUsageInput, type UsageTrackerOptions } from '@tally/sdk';
import { FakeBulkClient } from './support/fake-bulk-client';

type Report = { error: Error; events: readonly TrackUsageInput[] };

let client: FakeBulkClient;
let reports: Report[];
let tracker: UsageTracker;

function newTracker(options: Partial<UsageTrackerOptions> = {}): UsageTracker {
  tracker = new UsageTracker({
    client,
    flushIntervalMs: 60_000,
    onError: (error, events) => reports.push({ error, events }),
    ...options,
  });
  return tracker;
}

const ocrScan = (organizationId = 'org_1', extra: Partial<TrackUsageInput> = {}): TrackUsageInput => ({ organizationId, feature: 'OCR_SCAN', ...extra });
/** Lets promise jobs (and, under fake timers, due timers) run. */
const settle = () => jest.advanceTimersByTimeAsync(0);

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

describe('UsageTracker buffering', () => {
  it('sends nothing until maxBatchSize events are buffered, then sends them as one bulk', async () => {
    newTracker({ maxBatchSize: 3 });
    tracker.track(ocrScan());
    tracker.track(ocrScan());
    await settle();
    expect(client.calls).toHaveLength(0);
    tracker.track(ocrScan());
    await settle();
    expect(client.calls).toHaveLength(1);
    expect(client.calls[0].items).toHaveLength(3);
    expect(tracker.stats).toMatchObject({ tracked: 3, sent: 3, buffered: 0, inFlight: 0 });
  });

  it('sends whatever is buffered when the flush interval passes', async () => {
    newTracker({ flushIntervalMs: 1_000 });
    tracker.track(ocrScan());
    await jest.advanceTimersByTimeAsync(999);
    expect(client.calls).toHaveLength(0);
    await jest.advanceTimersByTimeAsync(1);
    expect(client.calls).toHaveLength(1);
  });

  it('coalesces many synchronous track() calls into full batches', async () => {
    newTracker({ maxBatchSize: 500 });
    for (let i = 0; i < 1_200; i++) tracker.track(ocrScan());
    await settle();
    expect(client.calls.map((call) => call.items.length)).toEqual([500, 500]);
    await tracker.flush();
    expect(client.calls.map((call) => call.items.length)).toEqual([500, 500, 200]);
  });

  it('sends one bulk per organization, each keeping its events in order', async () => {
    newTracker();
    const keys = ['a1', 'b1', 'a2', 'c1', 'b2'];
    for (const key of keys) tracker.track(ocrScan(`org_${key[0]}`, { idempotencyKey: key }));
    await tracker.flush();
    expect(client.calls.map((call) => [call.organizationId, call.items.map((item) => item.idempotencyKey)])).toEqual([
      ['org_a', ['a1', 'a2']],
      ['org_b', ['b1', 'b2']],
      ['org_c', ['c1']],
    ]);
    expect(client.calls[0].items[0]).not.toHaveProperty('organizationId');
  });

  it('stamps an idempotency key and timestamp on each event when it is tracked, keeping ones given', async () => {
    let n = 0;
    newTracker({ identity: { now: () => new Date('2026-11-25T10:00:00.000Z'), newIdempotencyKey: () => `key-${++n}` } });
    const first = tracker.track(ocrScan('org_1', { quantity: 2, metadata: { page: 1 }, userId: 'user_1' }));
    const second = tracker.track(ocrScan('org_1', { idempotencyKey: 'mine', timestamp: '2026-11-24T09:00:00Z' }));
    expect([first, second]).toEqual(['key-1', 'mine']);
    await tracker.flush();
    expect(client.calls[0].items).toEqual([
      { feature: 'OCR_SCAN', quantity: 2, metadata: { page: 1 }, userId: 'user_1', idempotencyKey: 'key-1', timestamp: '2026-11-25T10:00:00.000Z' },
      { feature: 'OCR_SCAN', idempotencyKey: 'mine', timestamp: '2026-11-24T09:00:00Z' },
    ]);
  });

  it('uses random UUIDs and the current time by default', async () => {
    jest.setSystemTime(new Date('2026-11-25T12:34:56.789Z'));
    newTracker();
    const key = tracker.track(ocrScan());
    expect(key).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    await tracker.flush();
    expect(client.calls[0].items[0]).toMatchObject({ idempotencyKey: key, timestamp: '2026-11-25T12:34:56.789Z' });
  });

  it('sends the metadata as it was when tracked, even if the caller changes its object afterwards', async () => {
    newTracker();
    const metadata = { fileSize: 1024 };
    tracker.track(ocrScan('org_1', { metadata }));
    metadata.fileSize = 99;
    await tracker.flush();
    expect(client.calls[0].items[0].metadata).toEqual({ fileSize: 1024 });
  });
});

describe('when the buffer is full', () => {
  it('drops the oldest events and reports them together', async () => {
    newTracker({ maxBufferedEvents: 3 });
    for (const key of ['k1', 'k2', 'k3', 'k4', 'k5']) tracker.track(ocrScan('org_1', { idempotencyKey: key }));
    expect(tracker.stats).toMatchObject({ tracked: 5, dropped: 2, buffered: 3 });
    await settle();
    expect(reports).toHaveLength(1);
    expect(reports[0].error).toBeInstanceOf(UsageBufferFullError);
    expect(reports[0].events.map((event) => event.idempotencyKey)).toEqual(['k1', 'k2']);
    await tracker.flush();
    expect(client.sentKeys).toEqual([['k3', 'k4', 'k5']]);
  });
});

describe('track() never hurts its caller', () => {
  it('refuses invalid events without throwing and reports each one', () => {
    newTracker();
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const invalid = [
      null,
      { feature: 'OCR_SCAN' },
      ocrScan('', {}),
      ocrScan('org_1', { feature: '' }),
      ocrScan('org_1', { quantity: 1.5 }),
      ocrScan('org_1', { metadata: cyclic }),
      ocrScan('org_1', { timestamp: 'yesterday' }),
      ocrScan('org_1', { idempotencyKey: 'has space' }),
    ] as unknown as TrackUsageInput[];
    for (const event of invalid) expect(tracker.track(event)).toBeUndefined();
    expect(reports).toHaveLength(invalid.length);
    expect(reports.every((report) => report.error instanceof InvalidUsageEventError)).toBe(true);
    expect(reports.map((report) => (report.error as InvalidUsageEventError).field)).toEqual([
      'event',
      'organizationId',
      'organizationId',
      'feature',
      'quantity',
      'metadata',
      'timestamp',
      'idempotencyKey',
    ]);
    expect(tracker.stats).toMatchObject({ tracked: 0, dropped: invalid.length - 1 });
  });

  it('survives an onError that throws and a client that throws synchronously', async () => {
    const brokenClient = {
      trackBulkUsage: () => {
        throw new TypeError('bug in a custom client');
      },
    };
    tracker = new UsageTracker({
      client: brokenClient,
      maxBatchSize: 1,
      onError: () => {
        throw new Error('onError is broken too');
      },
    });
    expect(() => tracker.track(ocrScan())).not.toThrow();
    expect(() => tracker.track(null as unknown as TrackUsageInput)).not.toThrow();
    await expect(tracker.flush()).resolves.toBeUndefined();
    expect(tracker.stats).toMatchObject({ tracked: 1, dropped: 1, sent: 0 });
  });

  it('returns before anything is sent', () => {
    newTracker({ maxBatchSize: 1 });
    tracker.track(ocrScan());
    expect(client.calls).toHaveLength(0);
  });
});

describe('flush and shutdown', () => {
  it('flush resolves once everything tracked before it is acknowledged', async () => {
    newTracker();
    tracker.track(ocrScan('org_1'));
    tracker.track(ocrScan('org_2'));
    await tracker.flush();
    expect(tracker.stats).toMatchObject({ sent: 2, buffered: 0, inFlight: 0 });
  });

  it('shutdown sends what is buffered, stops the interval, and reports usage tracked afterwards', async () => {
    newTracker({ flushIntervalMs: 1_000 });
    tracker.track(ocrScan());
    const stats = await tracker.shutdown();
    expect(stats).toMatchObject({ tracked: 1, sent: 1 });
    expect(tracker.track(ocrScan())).toBeUndefined();
    expect(reports.map((report) => report.error)).toEqual([expect.any(TrackerShutDownError)]);
    await jest.advanceTimersByTimeAsync(5_000);
    expect(client.calls).toHaveLength(1);
    await expect(tracker.shutdown()).resolves.toBe(stats);
  });

  it('without an onError, makes dropped usage visible as a process warning', () => {
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      tracker = new UsageTracker({ client });
      tracker.track({ organizationId: 'org_1', feature: 'OCR_SCAN', quantity: 0.5 });
      expect(warn).toHaveBeenCalledWith(expect.stringMatching(/dropped 1 usage event\(s\): quantity must be a whole number/), expect.objectContaining({ type: 'TallyUsageWarning' }));
    } finally {
      warn.mockRestore();
    }
  });

  it('refuses nonsensical options at construction', () => {
    expect(() => new UsageTracker({} as UsageTrackerOptions)).toThrow(/client/);
    expect(() => new UsageTracker({ client, maxBatchSize: 10_001 })).toThrow(/maxBatchSize/);
    expect(() => new UsageTracker({ client, maxAttempts: 0 })).toThrow(/maxAttempts/);
    expect(() => new UsageTracker({ client, flushIntervalMs: -1 })).toThrow(/flushIntervalMs/);
  });
});
