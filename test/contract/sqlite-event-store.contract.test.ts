// The SQLite event store against the EventStore contract (on a temp file and in
// memory), plus what only a file-backed store has to prove: durability across
// reopen, and a second process-like instance on the same file.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  EventStoreUnavailableError,
  WrongExpectedRevisionError,
  type NewEvent,
  type RecordedEvent,
} from '../../src/application/ports/event-store';
import { SqliteEventStore } from '../../src/infrastructure/eventstore/sqlite-event-store';
import { eventStoreContract } from './event-store.contract';

async function tempDirectory(): Promise<{ file: string; remove(): Promise<void> }> {
  const directory = await mkdtemp(join(tmpdir(), 'tally-event-store-'));
  return {
    file: join(directory, 'events.sqlite'),
    remove: () => rm(directory, { recursive: true, force: true }),
  };
}

eventStoreContract(
  'SQLite on a temp file',
  async () => {
    const directory = await tempDirectory();
    const store = SqliteEventStore.open(directory.file);
    return {
      store,
      cleanup: async () => {
        await store.close();
        await directory.remove();
      },
    };
  },
  { freshStorePerTest: true },
);

eventStoreContract(
  'SQLite in memory',
  async () => {
    const store = SqliteEventStore.open(':memory:');
    return { store, cleanup: () => store.close() };
  },
  { freshStorePerTest: true },
);

async function waitUntil(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function usage(quantity: number): NewEvent {
  return { type: 'UsageRecorded', data: { orgId: 'org_1', feature: 'api_call', quantity } };
}

describe('SQLite event store on a file', () => {
  let directory: { file: string; remove(): Promise<void> };
  const opened: SqliteEventStore[] = [];

  function open(options?: Parameters<typeof SqliteEventStore.open>[1]): SqliteEventStore {
    const store = SqliteEventStore.open(directory.file, options);
    opened.push(store);
    return store;
  }

  beforeEach(async () => {
    directory = await tempDirectory();
  });
  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close();
    await directory.remove();
  });

  describe('after close and reopen', () => {
    it('still has every acknowledged event, revision and position, and continues after them', async () => {
      const first = open();
      await first.appendToStream('usage-org_1', [usage(1), usage(2)], { expectedRevision: 'no_stream' });
      const last = await first.appendToStream('usage-org_2', [usage(3)]);
      const before = await first.readAll();
      await first.close();

      const reopened = open();
      expect(await reopened.readAll()).toEqual(before);
      expect(await reopened.streamRevision('usage-org_1')).toBe(1n);
      expect(await reopened.headPosition()).toBe(last.position);
      const next = await reopened.appendToStream('usage-org_1', [usage(4)], { expectedRevision: 1n });
      expect(next.nextExpectedRevision).toBe(2n);
      expect(next.position).toBeGreaterThan(last.position);
    });
  });

  describe('with a second instance on the same file', () => {
    it("delivers the other instance's appends to a caught-up subscription by polling", async () => {
      const writer = open();
      const reader = open({ pollIntervalMs: 20 });
      await writer.appendToStream('usage-org_1', [usage(1)]);
      const received: RecordedEvent[] = [];
      const consumed = (async () => {
        for await (const event of reader.subscribeToAll()) {
          received.push(event);
          if (received.length === 3) break;
        }
      })();
      await waitUntil(() => received.length === 1);
      await new Promise((resolve) => setTimeout(resolve, 60)); // the reader is caught up and asleep
      await writer.appendToStream('usage-org_1', [usage(2), usage(3)]);
      await consumed;
      expect(received.map((event) => event.data.quantity)).toEqual([1, 2, 3]);
      expect(received).toEqual(await writer.readAll());
    });

    it('checks expected revisions against appends made by the other instance', async () => {
      const one = open();
      const two = open();
      await one.appendToStream('usage-org_1', [usage(1)], { expectedRevision: 'no_stream' });
      await expect(
        two.appendToStream('usage-org_1', [usage(2)], { expectedRevision: 'no_stream' }),
      ).rejects.toMatchObject({ name: 'WrongExpectedRevisionError', actual: 0n });
      await expect(two.appendToStream('usage-org_1', [usage(2)], { expectedRevision: 0n })).resolves.toMatchObject({
        nextExpectedRevision: 1n,
      });
    });
  });

  describe('recordedAt', () => {
    it('comes from the injected clock', async () => {
      const store = open({ clock: () => new Date('2025-03-30T01:30:00.000Z') });
      await store.appendToStream('usage-org_1', [usage(1)]);
      const [event] = await store.readStream('usage-org_1');
      expect(event.recordedAt).toEqual(new Date('2025-03-30T01:30:00.000Z'));
    });
  });

  describe('a subscription', () => {
    it('wakes at once for appends through the same instance, without waiting for the poll', async () => {
      const store = open({ pollIntervalMs: 60_000 });
      const received: RecordedEvent[] = [];
      const subscription = store.subscribeToAll();
      const consumed = (async () => {
        for await (const event of subscription) received.push(event);
      })();
      await new Promise((resolve) => setTimeout(resolve, 20)); // caught up on the empty store, asleep
      await store.appendToStream('usage-org_1', [usage(1)]);
      await waitUntil(() => received.length === 1, 1000);
      await subscription.unsubscribe();
      await consumed;
    });

    it('catches up over many batches, each event once and in order', async () => {
      const store = open({ subscriptionBatchSize: 250 });
      for (let batch = 0; batch < 20; batch++) {
        await store.appendToStream(`usage-org_${batch % 3}`, Array.from({ length: 500 }, (_, n) => usage(batch * 500 + n)));
      }
      let expected = 0;
      for await (const event of store.subscribeToAll()) {
        expect(event.data.quantity).toBe(expected);
        expected += 1;
        if (expected === 10_000) break;
      }
      expect(expected).toBe(10_000);
    });

    it('ends when the store is closed', async () => {
      const store = open();
      const subscription = store.subscribeToAll();
      const consumed = (async () => {
        for await (const event of subscription) void event;
        return 'ended';
      })();
      await new Promise((resolve) => setTimeout(resolve, 50));
      await store.close();
      await expect(consumed).resolves.toBe('ended');
    });
  });

  describe('when closed', () => {
    it('rejects calls with EventStoreUnavailableError', async () => {
      const store = open();
      await store.close();
      await expect(store.appendToStream('usage-org_1', [usage(1)])).rejects.toBeInstanceOf(
        EventStoreUnavailableError,
      );
      await expect(store.readAll()).rejects.toBeInstanceOf(EventStoreUnavailableError);
    });
  });

  describe('event ids', () => {
    it('rejects an event whose id is already stored, storing nothing of that append', async () => {
      const store = open();
      const eventId = '0190d6d2-7b3c-7a1e-9c1f-6a2b3c4d5e6f';
      await store.appendToStream('usage-org_1', [{ ...usage(1), eventId }]);
      await expect(store.appendToStream('usage-org_1', [usage(2), { ...usage(3), eventId }])).rejects.toThrow(
        /same event id is already stored/,
      );
      expect(await store.streamRevision('usage-org_1')).toBe(0n);
      await expect(
        store.appendToStream('usage-org_1', [usage(4)], { expectedRevision: 5n }),
      ).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    });
  });
});
