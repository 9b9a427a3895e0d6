// The write and read sides wired together on real parts: an embedded SQLite
// event store and a fresh database on the local MongoDB-wire server.
import { randomUUID } from 'node:crypto';
import { UsageCommands } from '../../src/application/usage/usage-commands';
import { UsageQueries } from '../../src/application/usage/usage-queries';
import type { EventStore } from '../../src/application/ports/event-store';
import type { UsageReadModels } from '../../src/application/ports/usage-read-models';
import type { FeatureSummary, IntervalRecord } from '../../src/domain/events';
import { SqliteEventStore } from '../../src/infrastructure/eventstore/sqlite-event-store';
import { connectMongo, type MongoConnection } from '../../src/read-side/mongo/mongo-connection';
import { MongoUsageProjection } from '../../src/read-side/mongo/mongo-usage-projection';
import { Projector } from '../../src/read-side/projector';
import { FixedClock, SequentialIds } from './fixed-clock';
import { stackSettings } from './stack-settings';
import { composeWriteSide } from '../../src/composition/write-side';
import { composeProjector, usageReadModels } from '../../src/composition/read-side';

export interface ReadSide {
  readonly store: EventStore;
  readonly mongo: MongoConnection;
  readonly clock: FixedClock;
  readonly commands: UsageCommands;
  readonly queries: UsageQueries;
  readonly projection: MongoUsageProjection;
  readonly readModels: UsageReadModels;
  /** Closes a billing period through the write side, as the period workflow does; its summary. */
  closePeriod(organizationId: string, billingPeriod: IntervalRecord): Promise<readonly FeatureSummary[]>;
  newProjector(options?: { batchSize?: number; batchWindowMs?: number }): Projector;
  /** Projects everything appended so far. */
  catchUp(): Promise<void>;
  dispose(): Promise<void>;
}

export async function createReadSide(options: { store?: EventStore; databaseName?: string } = {}): Promise<ReadSide> {
  const store = options.store ?? SqliteEventStore.open(':memory:');
  const mongo = await connectMongo(stackSettings().mongodbUrl, options.databaseName ?? `tally_test_${randomUUID().slice(0, 12)}`);
  const clock = new FixedClock(new Date('2026-11-15T12:00:00Z'));
  const projection = new MongoUsageProjection(mongo.db);
  const newProjector = (opts: { batchSize?: number; batchWindowMs?: number } = {}) =>
    composeProjector({ store, db: mongo.db, clock, projection, batchSize: opts.batchSize ?? 500, batchWindowMs: opts.batchWindowMs ?? 10 });
  const writeSide = composeWriteSide({ eventStore: store, clock, ids: new SequentialIds() });
  const readModels = usageReadModels(mongo.db);
  const readSide: ReadSide = {
    store,
    mongo,
    clock,
    commands: writeSide.commands,
    queries: new UsageQueries(readModels, writeSide.handler, clock, { maxWaitMs: 2_000 }),
    projection,
    readModels,
    closePeriod: async (organizationId, billingPeriod) => {
      const { events } = await writeSide.handler.execute({ type: 'CloseBillingPeriod', data: { organizationId, billingPeriod } });
      const closed = events.find((event) => event.type === 'BillingPeriodClosed');
      if (closed?.type !== 'BillingPeriodClosed') throw new Error('the period did not close');
      return closed.data.features;
    },
    newProjector,
    catchUp: async () => {
      await newProjector().catchUp();
    },
    dispose: async () => {
      await mongo.db.dropDatabase();
      await mongo.close();
      await store.close();
    },
  };
  return readSide;
}
