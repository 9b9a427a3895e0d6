// A test double for the one client call the tracker makes. By default it acts
// like the server: it accepts a bulk, remembers its idempotency keys and
// answers a resent key as a duplicate. Tests queue failures for the next calls
// to see how the tracker reacts.
import type { BulkUsageItem, BulkUsageSender, RequestOptions, TrackBulkUsageResult } from '@tally/sdk';

export interface BulkCall {
  readonly organizationId: string;
  readonly items: readonly BulkUsageItem[];
  readonly signal: AbortSignal | undefined;
}

/** What to do with one call: answer it as the server would ('accept'), or fail with a thrown error. */
export type CallBehaviour = 'accept' | ((call: BulkCall, accept: () => TrackBulkUsageResult) => Promise<TrackBulkUsageResult> | TrackBulkUsageResult);

export class FakeBulkClient implements BulkUsageSender {
  readonly calls: BulkCall[] = [];
  /** Every key the "server" has recorded, once each. */
  readonly recordedKeys = new Set<string>();
  private readonly behaviours: CallBehaviour[] = [];

  /** The next calls behave like this, in order; later calls are accepted. */
  willAnswer(...behaviours: CallBehaviour[]): this {
    this.behaviours.push(...behaviours);
    return this;
  }

  async trackBulkUsage(organizationId: string, items: readonly BulkUsageItem[], options: RequestOptions = {}): Promise<TrackBulkUsageResult> {
    const call = { organizationId, items: structuredClone(items), signal: options.signal };
    this.calls.push(call);
    const behaviour = this.behaviours.shift() ?? 'accept';
    const accept = () => this.accept(call);
    return behaviour === 'accept' ? accept() : behaviour(call, accept);
  }

  /** Records the items like the server: a key seen before is a duplicate and is not counted again. */
  accept(call: BulkCall): TrackBulkUsageResult {
    let duplicates = 0;
    const results = call.items.map((item) => {
      const key = item.idempotencyKey ?? 'missing';
      const duplicate = this.recordedKeys.has(key);
      if (duplicate) duplicates += 1;
      this.recordedKeys.add(key);
      return { idempotencyKey: key, duplicate, countedAs: duplicate ? null : ('usage' as const), billingPeriod: null };
    });
    return { accepted: results.length - duplicates, duplicates, items: results, position: String(this.calls.length) };
  }

  get sentKeys(): string[][] {
    return this.calls.map((call) => call.items.map((item) => item.idempotencyKey ?? 'missing'));
  }
}

/** A behaviour that waits until the request's signal aborts, as a hung server would. */
export const hangUntilAborted: CallBehaviour = (call) =>
  new Promise((_, reject) => {
    call.signal?.addEventListener('abort', () => reject(Object.assign(new Error('aborted'), { name: 'AbortError' })), { once: true });
  });
