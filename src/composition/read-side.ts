// The read side as the processes assemble it: the usage projector of
// `tally projector` and of `tally serve --embedded-projector` (one
// construction, so the two cannot drift apart in how they batch, lease or
// log), the read models the queries use, and the rebuild behind `tally replay`.
import type { Db } from 'mongodb';
import type { Clock } from '../application/ports/clock';
import type { EventStore, GlobalPosition } from '../application/ports/event-store';
import type { Projection } from '../application/ports/projection';
import type { UsageReadModels } from '../application/ports/usage-read-models';
import type { ProjectorSettings } from '../infrastructure/config/environment';
import { fieldLogger, type Logger } from '../infrastructure/logging/logger';
import { MongoCheckpointStore } from '../read-side/mongo/mongo-checkpoints';
import { MongoUsageProjection } from '../read-side/mongo/mongo-usage-projection';
import { MongoUsageReadModels } from '../read-side/mongo/mongo-usage-read-models';
import { Projector, type ProjectorLogger } from '../read-side/projector';

export interface ProjectorParts {
  readonly store: EventStore;
  readonly db: Db;
  readonly clock: Clock;
  /** The usage read models when absent. */
  readonly projection?: Projection;
  readonly batchSize?: number;
  readonly batchWindowMs?: number;
  readonly leaseMs?: number;
  readonly logger?: ProjectorLogger;
}

/** A projector on the MongoDB checkpoint store: the usage read models unless another projection is given. */
export function composeProjector(parts: ProjectorParts): Projector {
  return new Projector({
    store: parts.store,
    checkpoints: new MongoCheckpointStore(parts.db, parts.leaseMs),
    projection: parts.projection ?? new MongoUsageProjection(parts.db),
    clock: parts.clock,
    batchSize: parts.batchSize,
    batchWindowMs: parts.batchWindowMs,
    logger: parts.logger,
  });
}

/** The projector as the processes run it, configured from their settings. */
export function usageProjector(store: EventStore, db: Db, clock: Clock, config: ProjectorSettings, logger: Logger, projection?: Projection): Projector {
  return composeProjector({
    store,
    db,
    clock,
    projection,
    batchSize: config.PROJECTOR_BATCH_SIZE,
    batchWindowMs: config.PROJECTOR_BATCH_WINDOW_MS,
    leaseMs: config.PROJECTOR_LEASE_MS,
    logger: fieldLogger(logger),
  });
}

export function usageReadModels(db: Db): UsageReadModels {
  return new MongoUsageReadModels(db);
}

export interface RebuildOptions {
  readonly store: EventStore;
  readonly db: Db;
  readonly clock: Clock;
  readonly batchSize?: number;
  /** Called after every batch with the events replayed so far. */
  readonly onProgress?: (replayed: number, position: GlobalPosition) => void;
  /** Start over even when an interrupted rebuild could be resumed. */
  readonly restart?: boolean;
}

/**
 * Rebuilds the read models from the event log: drop them, reset the
 * checkpoint, replay from the first event. Replay runs the same projection
 * code as live projection, so the rebuilt documents equal the live ones.
 */
export async function rebuildReadModels(options: RebuildOptions): Promise<{ applied: number; resumed: boolean }> {
  const projector = composeProjector({ store: options.store, db: options.db, clock: options.clock, batchSize: options.batchSize ?? 2_000 });
  return projector.catchUp(options.onProgress, { fromScratch: true, restart: options.restart });
}
