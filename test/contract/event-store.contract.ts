// The EventStore contract: one specification every adapter must meet (SQLite,
// EventStoreDB). Each adapter's *.contract.test.ts calls eventStoreContract.
// Tests use random stream names and look only at their own streams, starting
// from the head position captured at the test's start, so the suite can run
// against a shared EventStoreDB server that other tests write to.
import { randomUUID } from 'node:crypto';
import {
  EventDataNotJsonSafeError,
  WrongExpectedRevisionError,
  type EventStore,
  type EventSubscription,
  type GlobalPosition,
  type NewEvent,
  type RecordedEvent,
} from '../../src/application/ports/event-store';
import { hasLedgerStorage } from '../../src/application/ports/ledger-storage';

export type EventStoreFactory = () => Promise<{ store: EventStore; cleanup(): Promise<void> }>;

export interface EventStoreContractOptions {
  /** Every test gets an empty store of its own; enables the "empty store" and exact-head specs. */
  readonly freshStorePerTest: boolean;
  /** How long to wait for a subscription to deliver (ms). */
  readonly deliveryTimeoutMs?: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function eventStoreContract(
  name: string,
  factory: EventStoreFactory,
  options: EventStoreContractOptions = { freshStorePerTest: false },
): void {
  const deliveryTimeoutMs = options.deliveryTimeoutMs ?? 5000;
  const onFreshStore = options.freshStorePerTest ? it : it.skip;

  describe(`EventStore contract: ${name}`, () => {
    let store: EventStore;
    let cleanup: () => Promise<void>;
    let startHead: GlobalPosition | undefined;

    beforeEach(async () => {
      ({ store, cleanup } = await factory());
      startHead = (await store.headPosition()) ?? undefined;
    });
    afterEach(async () => {
      await cleanup();
    });

    /** All events after the test's start, of the given streams only, paging through readAll. */
    async function ownEventsInLog(streams: readonly string[], pageSize = 1000): Promise<RecordedEvent[]> {
      const own: RecordedEvent[] = [];
      let from = startHead;
      for (;;) {
        const page = await store.readAll({ fromPosition: from, maxCount: pageSize });
        if (page.length === 0) return own;
        own.push(...page.filter((event) => streams.includes(event.streamId)));
        from = page[page.length - 1].position;
      }
    }

    function subscribe(fromPosition: GlobalPosition | undefined, streams: readonly string[]): Probe {
      return new Probe(store.subscribeToAll({ fromPosition }), streams, deliveryTimeoutMs);
    }

    describe('appending to a new stream with no_stream', () => {
      it('stores the events at revisions 0, 1, 2 and returns the next expected revision', async () => {
        const stream = streamName();
        const result = await store.appendToStream(stream, [usage(1), usage(2), usage(3)], {
          expectedRevision: 'no_stream',
        });
        expect(result.nextExpectedRevision).toBe(2n);
        const events = await store.readStream(stream);
        expect(events.map((event) => event.revision)).toEqual([0n, 1n, 2n]);
        expect(events.map((event) => event.data.quantity)).toEqual([1, 2, 3]);
      });

      it('rejects no_stream when the stream exists, reporting its actual revision', async () => {
        const stream = streamName();
        await store.appendToStream(stream, [usage(1)]);
        await expect(
          store.appendToStream(stream, [usage(2)], { expectedRevision: 'no_stream' }),
        ).rejects.toMatchObject({ name: 'WrongExpectedRevisionError', streamId: stream, actual: 0n });
      });
    });

    describe('appending with an exact expected revision', () => {
      it('succeeds when the stream is at that revision', async () => {
        const stream = streamName();
        const first = await store.appendToStream(stream, [usage(1), usage(2)]);
        const second = await store.appendToStream(stream, [usage(3)], { expectedRevision: first.nextExpectedRevision });
        expect(second.nextExpectedRevision).toBe(2n);
      });

      it('fails with WrongExpectedRevisionError carrying the actual revision when it is not', async () => {
        const stream = streamName();
        await store.appendToStream(stream, [usage(1), usage(2)]);
        const append = store.appendToStream(stream, [usage(3)], { expectedRevision: 0n });
        await expect(append).rejects.toBeInstanceOf(WrongExpectedRevisionError);
        await expect(append).rejects.toMatchObject({ streamId: stream, expected: 0n, actual: 1n });
      });

      it('fails with actual no_stream when the stream does not exist', async () => {
        const stream = streamName();
        await expect(store.appendToStream(stream, [usage(1)], { expectedRevision: 0n })).rejects.toMatchObject({
          name: 'WrongExpectedRevisionError',
          actual: 'no_stream',
        });
      });

      it('lets exactly one of two racing appends with the same expected revision win', async () => {
        const stream = streamName();
        await store.appendToStream(stream, [usage(1)]);
        const outcomes = await Promise.allSettled([
          store.appendToStream(stream, [usage(2)], { expectedRevision: 0n }),
          store.appendToStream(stream, [usage(3)], { expectedRevision: 0n }),
        ]);
        expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
        const [rejected] = outcomes.filter((outcome) => outcome.status === 'rejected');
        expect((rejected as PromiseRejectedResult).reason).toBeInstanceOf(WrongExpectedRevisionError);
        expect(await store.streamRevision(stream)).toBe(1n);
      });
    });

    describe('appending with stream_exists', () => {
      it('succeeds on a stream that has events', async () => {
        const stream = streamName();
        await store.appendToStream(stream, [usage(1)]);
        const result = await store.appendToStream(stream, [usage(2)], { expectedRevision: 'stream_exists' });
        expect(result.nextExpectedRevision).toBe(1n);
      });

      it('fails on a missing stream with actual no_stream', async () => {
        await expect(
          store.appendToStream(streamName(), [usage(1)], { expectedRevision: 'stream_exists' }),
        ).rejects.toMatchObject({ name: 'WrongExpectedRevisionError', expected: 'stream_exists', actual: 'no_stream' });
      });
    });

    describe('appending with any (the default)', () => {
      it('creates a stream and appends to an existing one without checks', async () => {
        const stream = streamName();
        await store.appendToStream(stream, [usage(1)], { expectedRevision: 'any' });
        const result = await store.appendToStream(stream, [usage(2)]);
        expect(result.nextExpectedRevision).toBe(1n);
      });
    });

    describe('an append is atomic', () => {
      it('stores none of the events when the expected revision fails', async () => {
        const stream = streamName();
        await store.appendToStream(stream, [usage(1)]);
        await expect(
          store.appendToStream(stream, [usage(2), usage(3), usage(4)], { expectedRevision: 5n }),
        ).rejects.toBeInstanceOf(WrongExpectedRevisionError);
        expect(await store.readStream(stream)).toHaveLength(1);
        expect(await store.streamRevision(stream)).toBe(0n);
      });

      it('stores none of the events when one of them is not JSON-safe', async () => {
        const stream = streamName();
        const invalid: NewEvent = { type: 'UsageRecorded', data: { quantity: 10n } };
        await expect(store.appendToStream(stream, [usage(1), invalid])).rejects.toBeInstanceOf(
          EventDataNotJsonSafeError,
        );
        expect(await store.streamRevision(stream)).toBe('no_stream');
      });
    });

    describe('recorded events', () => {
      it('keep the given id, type, data and metadata, and get a generated UUID id otherwise', async () => {
        const stream = streamName();
        const eventId = randomUUID();
        const data = { orgId: 'org_1', feature: 'ocr_scan', quantity: 2.5, tags: ['a', null], nested: { ok: true } };
        await store.appendToStream(stream, [
          { type: 'UsageRecorded', data, metadata: { correlationId: 'c-1' }, eventId },
          { type: 'QuotaConfigured', data: { limit: 100 } },
        ]);
        const [given, generated] = await store.readStream(stream);
        expect(given).toMatchObject({ streamId: stream, eventId, type: 'UsageRecorded', data, metadata: { correlationId: 'c-1' } });
        expect(given.recordedAt).toBeInstanceOf(Date);
        expect(Number.isNaN(given.recordedAt.getTime())).toBe(false);
        expect(generated.eventId).toMatch(UUID);
        expect(generated.metadata).toEqual({});
      });

      it('report, in the append result, the global position of the last event appended', async () => {
        const stream = streamName();
        const result = await store.appendToStream(stream, [usage(1), usage(2)]);
        const events = await store.readStream(stream);
        expect(result.position).toBe(events[1].position);
        expect(events[0].position).toBeLessThan(events[1].position);
      });
    });

    describe('reading a stream', () => {
      it('returns its events in revision order', async () => {
        const stream = streamName();
        await store.appendToStream(stream, [usage(1), usage(2)]);
        await store.appendToStream(streamName(), [usage(99)]);
        await store.appendToStream(stream, [usage(3)]);
        const events = await store.readStream(stream);
        expect(events.map((event) => [event.revision, event.data.quantity])).toEqual([[0n, 1], [1n, 2], [2n, 3]]);
      });

      it('starts at fromRevision (inclusive) and stops after maxCount', async () => {
        const stream = streamName();
        await store.appendToStream(stream, [usage(0), usage(1), usage(2), usage(3), usage(4)]);
        expect((await store.readStream(stream, { fromRevision: 2n })).map((e) => e.revision)).toEqual([2n, 3n, 4n]);
        expect((await store.readStream(stream, { maxCount: 2 })).map((e) => e.revision)).toEqual([0n, 1n]);
        expect((await store.readStream(stream, { fromRevision: 1n, maxCount: 3 })).map((e) => e.revision)).toEqual([1n, 2n, 3n]);
        expect(await store.readStream(stream, { fromRevision: 5n })).toEqual([]);
      });

      it('returns [] for a missing stream', async () => {
        expect(await store.readStream(streamName())).toEqual([]);
      });

      it('reports the stream revision, or no_stream', async () => {
        const stream = streamName();
        expect(await store.streamRevision(stream)).toBe('no_stream');
        await store.appendToStream(stream, [usage(1), usage(2)]);
        expect(await store.streamRevision(stream)).toBe(1n);
      });
    });

    describe('reading all events', () => {
      onFreshStore('returns nothing and a null head position on an empty store', async () => {
        expect(await store.readAll()).toEqual([]);
        expect(await store.headPosition()).toBeNull();
      });

      it('from the beginning, starts with the oldest event, in position order', async () => {
        const stream = streamName();
        await store.appendToStream(stream, [usage(1), usage(2)]);
        const ours = await store.readStream(stream);
        const firstBatch = await store.readAll({ maxCount: 10 });
        expect(firstBatch.length).toBeGreaterThan(0);
        expectStrictlyIncreasing(firstBatch.map((event) => event.position));
        expect(firstBatch[0].position).toBeLessThanOrEqual(ours[0].position);
        if (options.freshStorePerTest) expect(firstBatch).toEqual(ours);
      });

      it('from a position, returns only the events after it (exclusive)', async () => {
        const stream = streamName();
        await store.appendToStream(stream, [usage(1), usage(2), usage(3)]);
        const [first, second, third] = await store.readStream(stream);
        const after = await store.readAll({ fromPosition: first.position });
        expect(after.every((event) => event.position > first.position)).toBe(true);
        expect(after.filter((event) => event.streamId === stream)).toEqual([second, third]);
      });

      it('in batches of maxCount, covers every event exactly once, across streams, in global order', async () => {
        const streams = [streamName(), streamName(), streamName()];
        const appended: string[] = [];
        for (let round = 0; round < 4; round++) {
          for (const [index, stream] of streams.entries()) {
            const events = Array.from({ length: 1 + ((round + index) % 3) }, (_, n) => usage(round * 10 + n, randomUUID()));
            await store.appendToStream(stream, events);
            appended.push(...events.map((event) => event.eventId as string));
          }
        }
        const batches: RecordedEvent[][] = [];
        for (let from = startHead; ; ) {
          const batch = await store.readAll({ fromPosition: from, maxCount: 4 });
          if (batch.length === 0) break;
          expect(batch.length).toBeLessThanOrEqual(4);
          batches.push(batch);
          from = batch[batch.length - 1].position;
        }
        const all = batches.flat();
        expectStrictlyIncreasing(all.map((event) => event.position));
        expect(all.filter((event) => streams.includes(event.streamId)).map((event) => event.eventId)).toEqual(appended);
        expect(await ownEventsInLog(streams)).toEqual(all.filter((event) => streams.includes(event.streamId)));
      });

      it('has a head position at or after the last append', async () => {
        const result = await store.appendToStream(streamName(), [usage(1)]);
        const head = await store.headPosition();
        expect(head).not.toBeNull();
        expect(head as bigint).toBeGreaterThanOrEqual(result.position);
        if (options.freshStorePerTest) {
          expect(head).toBe(result.position);
          expect(await store.readAll({ fromPosition: head as bigint })).toEqual([]);
        }
      });
    });

    describe('subscribing to all events', () => {
      it('delivers the stored events, then events appended after subscribing, in order', async () => {
        const stream = streamName();
        const other = streamName();
        await store.appendToStream(stream, [usage(1), usage(2)]);
        await store.appendToStream(other, [usage(3)]);
        const probe = subscribe(startHead, [stream, other]);
        await probe.waitFor(3);
        await store.appendToStream(stream, [usage(4)]);
        await store.appendToStream(other, [usage(5), usage(6)]);
        const received = await probe.waitFor(6);
        await probe.stop();
        expect(received.map((event) => event.data.quantity)).toEqual([1, 2, 3, 4, 5, 6]);
        expectStrictlyIncreasing(received.map((event) => event.position));
        expect(received).toEqual(await ownEventsInLog([stream, other]));
      });

      it('starts after the given position (exclusive)', async () => {
        const stream = streamName();
        await store.appendToStream(stream, [usage(1), usage(2), usage(3)]);
        const [first] = await store.readStream(stream);
        const probe = subscribe(first.position, [stream]);
        const received = await probe.waitFor(2);
        await probe.stop();
        expect(received.map((event) => event.data.quantity)).toEqual([2, 3]);
      });

      it('delivers each event once and in order while appends race with catch-up', async () => {
        const stream = streamName();
        await store.appendToStream(stream, [usage(0), usage(1)]);
        const probe = subscribe(startHead, [stream]);
        for (let n = 2; n < 30; n += 2) await store.appendToStream(stream, [usage(n), usage(n + 1)]);
        const received = await probe.waitFor(30);
        await new Promise((resolve) => setTimeout(resolve, 100)); // room for a duplicate to show up
        await probe.stop();
        expect(probe.received.map((event) => event.data.quantity)).toEqual(Array.from({ length: 30 }, (_, n) => n));
        expect(received.map((event) => event.revision)).toEqual(Array.from({ length: 30 }, (_, n) => BigInt(n)));
      });

      it('ends a for-await loop that is waiting for events when unsubscribed', async () => {
        const probe = subscribe((await store.headPosition()) ?? undefined, [streamName()]);
        await new Promise((resolve) => setTimeout(resolve, 100)); // caught up, waiting
        await probe.stop();
        expect(probe.received).toEqual([]);
      });

      it('ends when the consumer breaks out of its loop', async () => {
        const stream = streamName();
        await store.appendToStream(stream, [usage(1), usage(2)]);
        const subscription = store.subscribeToAll({ fromPosition: startHead });
        let seen: RecordedEvent | undefined;
        for await (const event of subscription) {
          if (event.streamId !== stream) continue;
          seen = event;
          break;
        }
        expect(seen?.data.quantity).toBe(1);
        await subscription.unsubscribe(); // already ended: a no-op that must not throw
      });
    });

    describe('ledger storage beside the log', () => {
      const ledgerStorageOf = () => {
        if (!hasLedgerStorage(store)) throw new Error(`${name} keeps no ledger storage beside its log`);
        return store.ledgerStorage();
      };

      it('has no snapshot of a stream until one is saved, then the latest one, never an older one', async () => {
        const storage = ledgerStorageOf();
        const stream = `organization-${randomUUID()}`;
        expect(await storage.loadSnapshot(stream)).toBeNull();
        const later = { revision: 41n, position: 4_100n, schemaVersion: 1, body: { state: { status: 'active', quotas: { OCR_SCAN: { includedQuantity: 50 } } }, days: [] } };
        await storage.saveSnapshot(stream, later);
        await storage.saveSnapshot(stream, { ...later, revision: 12n, position: 1_200n, body: { stale: true } });
        expect(await storage.loadSnapshot(stream)).toEqual(later);
        const newer = { ...later, revision: 99n, position: 9_900n, schemaVersion: 2, body: { state: { status: 'active' } } };
        await storage.saveSnapshot(stream, newer);
        expect(await storage.loadSnapshot(stream)).toEqual(newer);
      });

      it('finds every accepted key with the fingerprint it was first recorded with, and no other key', async () => {
        const storage = ledgerStorageOf();
        const stream = `organization-${randomUUID()}`;
        const keys = Array.from({ length: 1_200 }, (_, i) => ({ idempotencyKey: `key-${i}`, fingerprint: `OCR_SCAN|${i}|1763200000000` }));
        await storage.recordAcceptedKeys(stream, keys);
        // Recording again, even with other content, changes nothing: the first record stands.
        await storage.recordAcceptedKeys(stream, [{ idempotencyKey: 'key-7', fingerprint: 'OCR_SCAN|999|0' }]);
        const found = await storage.findAcceptedKeys(stream, [...keys.map((key) => key.idempotencyKey), 'never-seen']);
        expect(found.size).toBe(1_200);
        expect(found.get('key-7')).toBe('OCR_SCAN|7|1763200000000');
        expect(found.get('key-1199')).toBe('OCR_SCAN|1199|1763200000000');
        expect(found.has('never-seen')).toBe(false);
        // Keys belong to their stream.
        expect((await storage.findAcceptedKeys(`organization-${randomUUID()}`, ['key-7'])).size).toBe(0);
      });

      it('keeps what it stores out of the log that readers and subscriptions see', async () => {
        const storage = ledgerStorageOf();
        const stream = `organization-${randomUUID()}`;
        await storage.recordAcceptedKeys(stream, [{ idempotencyKey: 'only-key', fingerprint: 'API_CALL|1|0' }]);
        await storage.saveSnapshot(stream, { revision: 0n, position: 1n, schemaVersion: 1, body: {} });
        const marker = `marker-${randomUUID()}`;
        await store.appendToStream(marker, [usage(1)]);
        const seen: RecordedEvent[] = [];
        let from = startHead;
        for (;;) {
          const page = await store.readAll({ fromPosition: from, maxCount: 1000 });
          if (page.length === 0) break;
          seen.push(...page);
          from = page[page.length - 1].position;
        }
        expect(seen.some((recorded) => recorded.streamId === marker)).toBe(true);
        expect(seen.filter((recorded) => recorded.streamId.includes(stream))).toEqual([]);
      });
    });
  });
}

function streamName(): string {
  return `usage_contract-${randomUUID()}`;
}

function usage(quantity: number, eventId?: string): NewEvent {
  return {
    type: 'UsageRecorded',
    data: { orgId: 'org_contract', feature: 'api_call', quantity },
    ...(eventId === undefined ? {} : { eventId }),
  };
}

function expectStrictlyIncreasing(positions: readonly bigint[]): void {
  for (let index = 1; index < positions.length; index++) {
    expect(positions[index]).toBeGreaterThan(positions[index - 1]);
  }
}

/** Consumes a subscription with `for await` in the background, keeping the events of some streams. */
class Probe {
  readonly received: RecordedEvent[] = [];
  private failure: unknown;
  private readonly finished: Promise<void>;

  constructor(
    private readonly subscription: EventSubscription,
    streams: readonly string[],
    private readonly timeoutMs: number,
  ) {
    this.finished = (async () => {
      for await (const event of subscription) {
        if (streams.includes(event.streamId)) this.received.push(event);
      }
    })().catch((error: unknown) => {
      this.failure = error;
    });
  }

  /** Resolves with the received events once there are at least `count`. */
  async waitFor(count: number): Promise<RecordedEvent[]> {
    const deadline = Date.now() + this.timeoutMs;
    while (this.received.length < count) {
      if (this.failure !== undefined) throw this.failure;
      if (Date.now() > deadline) {
        throw new Error(`subscription delivered ${this.received.length} of ${count} events in ${this.timeoutMs} ms`);
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return [...this.received];
  }

  /** Unsubscribes and checks that the for-await loop really ended. */
  async stop(): Promise<void> {
    await this.subscription.unsubscribe();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.timeoutMs);
    });
    const outcome = await Promise.race([this.finished.then(() => 'ended' as const), timedOut]);
    clearTimeout(timer);
    if (outcome === 'timeout') throw new Error('the for-await loop did not end after unsubscribe()');
    if (this.failure !== undefined) throw this.failure;
  }
}
