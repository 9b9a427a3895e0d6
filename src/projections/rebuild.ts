// Rebuilds the read models from the event log: drop them, reset the
// checkpoint, replay from the first event. Replay runs the same projection
// code as live projection, so the rebuilt documents equal the live ones.
import type { Db } from 'mongodb';
import type { Clock } from '../application/ports/clock';
import type { EventStore, GlobalPosition } from '../application/ports/event-store';
import { MongoCheckpointStore } from './mongo-checkpoints';
import { MongoUsageProjection } from './mongo-usage-projection';
import { Projector } from './projector';

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

export async function rebuildReadModels(options: RebuildOptions): Promise<{ applied: number; resumed: boolean }> {
  const projection = new MongoUsageProjection(options.db);
  const checkpoints = new MongoCheckpointStore(options.db);
  const projector = new Projector({ store: options.store, checkpoints, projection, clock: options.clock, batchSize: options.batchSize ?? 2_000 });
  return projector.catchUp(options.onProgress, { fromScratch: true, restart: options.restart });
}
