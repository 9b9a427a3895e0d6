// The write and read sides wired together on real parts: an embedded SQLite
// event store and a fresh database on the local MongoDB-wire server.
import { randomUUID } from 'node:crypto';
import { OrganizationCommandHandler } from '../../src/application/organization-command-handler';
import { UsageCommands } from '../../src/application/usage-commands';
import { UsageQueries } from '../../src/application/usage-queries';
import type { EventStore } from '../../src/application/ports/event-store';
import { SqliteEventStore } from '../../src/infrastructure/eventstore/sqlite-event-store';
import { connectMongo, type MongoConnection } from '../../src/infrastructure/mongo/mongo-connection';
import { MongoCheckpointStore } from '../../src/projections/mongo-checkpoints';
import { MongoUsageProjection } from '../../src/projections/mongo-usage-projection';
import { MongoUsageReadModels } from '../../src/projections/mongo-usage-read-models';
import { Projector } from '../../src/projections/projector';
import { FixedClock, SequentialIds } from './fixed-clock';
import { stackSettings } from './stack-settings';

export interface ReadSide {
  readonly store: EventStore;
  readonly mongo: MongoConnection;
  readonly clock: FixedClock;
  readonly commands: UsageCommands;
  readonly queries: UsageQueries;
  readonly projection: MongoUsageProjection;
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
  const checkpoints = new MongoCheckpointStore(mongo.db);
  const newProjector = (opts: { batchSize?: number; batchWindowMs?: number } = {}) =>
    new Projector({ store, checkpoints, projection, clock, batchSize: opts.batchSize ?? 500, batchWindowMs: opts.batchWindowMs ?? 10 });
  const readSide: ReadSide = {
    store,
    mongo,
    clock,
    commands: new UsageCommands(new OrganizationCommandHandler(store, clock), new SequentialIds()),
    queries: new UsageQueries(new MongoUsageReadModels(mongo.db), clock, { maxWaitMs: 2_000 }),
    projection,
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
