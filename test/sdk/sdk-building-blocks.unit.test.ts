// The small pieces the client and tracker rest on: backoff, Retry-After,
// reading a problem document, blaming bulk items, and the bounded buffer.
// They are not part of the package's exports, so they come from its sources.
import fc from 'fast-check';
import { TallyApiError } from '@tally/sdk';
import { blamedItemIndexes, bulkItemIndex } from '../../packages/sdk/src/bulk-rejection';
import { EventQueue } from '../../packages/sdk/src/event-queue';
import { apiErrorFrom, parseRetryAfter } from '../../packages/sdk/src/problem-response';
import { backoffDelayMs } from '../../packages/sdk/src/retry-backoff';

describe('backoffDelayMs', () => {
  it('stays between 0 and min(cap, base × 2^(retry−1)) for any retry and any jitter', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (retry, jitter) => {
        const delay = backoffDelayMs(retry, undefined, { random: () => jitter });
        const ceiling = Math.min(30_000, 200 * 2 ** (retry - 1));
        return Number.isInteger(delay) && delay >= 0 && delay < Math.max(ceiling, 1);
      }),
    );
  });

  it('waits what Retry-After asks, however many retries came before', () => {
    expect(backoffDelayMs(1, 7)).toBe(7_000);
    expect(backoffDelayMs(6, 0)).toBe(0);
  });

  it('shortens an absurd Retry-After to the configured maximum', () => {
    expect(backoffDelayMs(1, 86_400)).toBe(5 * 60_000);
    expect(backoffDelayMs(1, 86_400, { maxRetryAfterMs: 1_000 })).toBe(1_000);
  });
});

describe('parseRetryAfter', () => {
  it('reads delay-seconds and HTTP dates, and ignores nonsense', () => {
    const now = Date.parse('2026-11-25T10:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120);
    expect(parseRetryAfter('Wed, 25 Nov 2026 10:00:30 GMT', now)).toBe(30);
    expect(parseRetryAfter('Wed, 25 Nov 2026 09:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});

describe('apiErrorFrom', () => {
  it('normalizes array paths from validation libraries to the items[i].field spelling', () => {
    const error = apiErrorFrom(400, 'Bad Request', null, JSON.stringify({ title: 'Invalid', errors: [{ path: ['items', 3, 'quantity'], message: 'too small' }] }));
    expect(error.errors).toEqual([{ path: 'items[3].quantity', message: 'too small' }]);
    expect(error.type).toBe('about:blank');
  });

  it('falls back to the status text when the body is JSON but not a problem document', () => {
    expect(apiErrorFrom(500, 'Internal Server Error', null, '[1,2]')).toMatchObject({ title: 'Internal Server Error', errors: [] });
    expect(apiErrorFrom(500, '', null, '')).toMatchObject({ title: 'HTTP 500', detail: undefined });
  });
});

describe('bulk item blame', () => {
  it('reads the item index from each spelling of a path', () => {
    expect(bulkItemIndex('items[3].quantity')).toBe(3);
    expect(bulkItemIndex('items.12.timestamp')).toBe(12);
    expect(bulkItemIndex('/items/0/feature')).toBe(0);
    expect(bulkItemIndex('items[7]')).toBe(7);
    expect(bulkItemIndex('items')).toBeUndefined();
    expect(bulkItemIndex('organizationId')).toBeUndefined();
    expect(bulkItemIndex('itemsX[1]')).toBeUndefined();
  });

  it('blames the named items, and every item sharing a refused feature', () => {
    const items = [{ feature: 'A' }, { feature: 'TYPO' }, { feature: 'B' }, { feature: 'TYPO' }];
    const refusal = (path: string) => new TallyApiError({ status: 400, type: 't', title: 't', errors: [{ path, message: 'm' }] });
    expect([...blamedItemIndexes(refusal('items[2].quantity'), items)]).toEqual([2]);
    expect([...blamedItemIndexes(refusal('items[1].feature'), items)].sort()).toEqual([1, 3]);
    expect([...blamedItemIndexes(refusal('items[9].quantity'), items)]).toEqual([]);
    expect([...blamedItemIndexes(refusal('organizationId'), items)]).toEqual([]);
  });
});

describe('EventQueue', () => {
  it('is first-in-first-out and drops from the front beyond its capacity', () => {
    const queue = new EventQueue<number>(3);
    expect([1, 2, 3].flatMap((n) => queue.push(n))).toEqual([]);
    expect(queue.push(4)).toEqual([1]);
    expect(queue.take(2)).toEqual([2, 3]);
    expect(queue.size).toBe(1);
    expect({ added: queue.addedCount, removed: queue.removedCount }).toEqual({ added: 4, removed: 3 });
  });

  it('behaves like a plain array model under any sequence of pushes and takes', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.array(fc.oneof(fc.record({ push: fc.integer() }), fc.record({ take: fc.integer({ min: 0, max: 60 }) })), { maxLength: 3_000 }),
        (capacity, operations) => {
          const queue = new EventQueue<number>(capacity);
          let model: number[] = [];
          for (const operation of operations) {
            if ('push' in operation) {
              model.push(operation.push);
              const overflow = model.length > capacity ? model.slice(0, model.length - capacity) : [];
              model = model.slice(overflow.length);
              expect(queue.push(operation.push)).toEqual(overflow);
            } else {
              expect(queue.take(operation.take)).toEqual(model.slice(0, operation.take));
              model = model.slice(operation.take);
            }
            expect(queue.size).toBe(model.length);
          }
          expect(queue.addedCount - queue.removedCount).toBe(model.length);
        },
      ),
      { numRuns: 50 },
    );
  });
});
