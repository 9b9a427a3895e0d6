// The background tracker meeting a hard quota: the server refuses a bulk whole
// with 403 quota-exceeded and names each item that does not fit. The tracker
// treats that as final for those items (reported to onError, never retried)
// and sends the rest of the batch again, which then fits.
import { QuotaExceededError, UsageTracker, type BulkUsageItem, type TrackUsageInput } from '@tally/sdk';
import { FakeBulkClient, type CallBehaviour } from './support/fake-bulk-client';

type Report = { error: Error; events: readonly TrackUsageInput[] };

const WINDOW = { windowStart: '2026-11-01T00:00:00.000Z', windowEnd: '2026-12-01T00:00:00.000Z' };

/**
 * Acts like the server under a hard quota of `included` units of `feature`:
 * items that fit count in order; when any does not, the bulk is refused whole,
 * naming every item that did not fit, and nothing of it is counted.
 */
function hardQuota(feature: string, included: number): { behaviour: CallBehaviour; used: () => number } {
  let used = 0;
  const behaviour: CallBehaviour = (call, accept) => {
    let added = 0;
    const refused: { index: number; item: BulkUsageItem }[] = [];
    call.items.forEach((item, index) => {
      if (item.feature !== feature) return;
      const quantity = item.quantity ?? 1;
      if (used + added + quantity <= included) added += quantity;
      else refused.push({ index, item });
    });
    if (refused.length === 0) {
      used += added;
      return accept();
    }
    const remaining = included - used - added;
    throw new QuotaExceededError(
      {
        status: 403,
        type: 'https://tally.dev/problems/quota-exceeded',
        title: 'Quota exceeded',
        errors: refused.map(({ index, item }) => ({ path: `items[${index}].quantity`, message: `${feature}: ${remaining} of ${included} left, ${item.quantity ?? 1} asked` })),
      },
      { feature, included, used: used + added, reserved: 0, remaining, ...WINDOW },
    );
  };
  return { behaviour, used: () => used };
}

let client: FakeBulkClient;
let reports: Report[];
let tracker: UsageTracker;

beforeEach(() => {
  client = new FakeBulkClient();
  reports = [];
  tracker = new UsageTracker({ client, flushIntervalMs: 60_000, maxAttempts: 8, onError: (error, events) => reports.push({ error, events }) });
});
afterEach(() => tracker.shutdown({ deadlineMs: 0 }));

const scan = (key: string, quantity = 1): TrackUsageInput => ({ organizationId: 'org_1', feature: 'OCR_SCAN', quantity, idempotencyKey: key });
const call = (key: string): TrackUsageInput => ({ organizationId: 'org_1', feature: 'API_CALL', idempotencyKey: key });

describe('the tracker under a hard quota', () => {
  it('reports the items that do not fit as QuotaExceededError, never resends them, and delivers the rest of the batch', async () => {
    const quota = hardQuota('OCR_SCAN', 3);
    client.willAnswer(quota.behaviour, quota.behaviour, quota.behaviour);
    for (const event of [scan('s1'), call('c1'), scan('s2'), scan('s3'), scan('s4'), call('c2'), scan('s5')]) tracker.track(event);
    await tracker.flush();

    expect(client.sentKeys).toEqual([
      ['s1', 'c1', 's2', 's3', 's4', 'c2', 's5'],
      ['s1', 'c1', 's2', 's3', 'c2'],
    ]);
    expect(reports).toHaveLength(1);
    expect(reports[0].error).toBeInstanceOf(QuotaExceededError);
    expect(reports[0].error).toMatchObject({ feature: 'OCR_SCAN', included: 3, remaining: 0 });
    expect(reports[0].events.map((event) => event.idempotencyKey)).toEqual(['s4', 's5']);
    expect(quota.used()).toBe(3);
    expect(tracker.stats).toMatchObject({ sent: 5, dropped: 2, retries: 0 });
  });

  it('drops a batch that is refused whole after one request, however many attempts are allowed', async () => {
    const quota = hardQuota('OCR_SCAN', 0);
    client.willAnswer(quota.behaviour);
    for (const event of [scan('s1'), scan('s2', 4)]) tracker.track(event);
    await tracker.flush();
    expect(client.calls).toHaveLength(1);
    expect(reports.map((report) => [report.error.name, report.events.length])).toEqual([['QuotaExceededError', 2]]);
    expect(tracker.stats).toMatchObject({ sent: 0, dropped: 2, retries: 0 });
  });

  it('keeps delivering later usage after a refusal', async () => {
    const quota = hardQuota('OCR_SCAN', 1);
    client.willAnswer(quota.behaviour, quota.behaviour, quota.behaviour);
    tracker.track(scan('s1', 2));
    await tracker.flush();
    tracker.track(scan('s2', 1));
    tracker.track(call('c1'));
    await tracker.flush();
    expect(client.sentKeys).toEqual([['s1'], ['s2', 'c1']]);
    expect(reports.map((report) => report.events.map((event) => event.idempotencyKey))).toEqual([['s1']]);
    expect(tracker.stats).toMatchObject({ sent: 2, dropped: 1, retries: 0 });
  });
});
