// The usage projector as `tally projector` and `tally serve --embedded-projector`
// run it: one construction, so the two processes cannot drift apart in how
// they batch, lease or log.
import type { Db } from 'mongodb';
import { systemClock } from '../application/ports/clock';
import type { EventStore } from '../application/ports/event-store';
import type { ProjectorSettings } from '../infrastructure/config/environment';
import { fieldLogger, type Logger } from '../infrastructure/logging/logger';
import { MongoCheckpointStore } from '../projections/mongo-checkpoints';
import { MongoUsageProjection } from '../projections/mongo-usage-projection';
import { Projector } from '../projections/projector';

export function usageProjector(store: EventStore, db: Db, config: ProjectorSettings, logger: Logger): Projector {
  return new Projector({
    store,
    checkpoints: new MongoCheckpointStore(db, config.PROJECTOR_LEASE_MS),
    projection: new MongoUsageProjection(db),
    clock: systemClock,
    batchSize: config.PROJECTOR_BATCH_SIZE,
    batchWindowMs: config.PROJECTOR_BATCH_WINDOW_MS,
    logger: fieldLogger(logger),
  });
}
