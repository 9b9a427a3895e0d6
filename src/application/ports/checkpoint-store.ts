// Where each projection has got to in the event log, and which projector
// instance may write it. One instance holds a lease at a time (a standby waits
// for it to expire); saving checks both the version it loaded and the lease,
// so two instances racing get a CheckpointConflictError instead of a silent
// overwrite. Implemented beside the read models (src/read-side/mongo).
import type { GlobalPosition } from './event-store';

export interface Checkpoint {
  readonly position: GlobalPosition | null;
  readonly version: number;
  readonly caughtUpAt: Date | null;
  readonly owner: string | null;
  readonly leaseExpiresAt: Date | null;
  readonly rebuilding: boolean;
}

/** Another projector instance owns the checkpoint now: going on would only fight it. */
export class CheckpointConflictError extends Error {
  override readonly name = 'CheckpointConflictError';
}

export interface CheckpointStore {
  load(name: string): Promise<Checkpoint>;
  /** Takes the lease when it is free, expired or already ours; the checkpoint, or null when another instance holds it. */
  acquire(name: string, owner: string): Promise<Checkpoint | null>;
  /** Stores the new position and renews the lease if `owner` still holds the checkpoint at `expectedVersion`; the new version. */
  save(name: string, owner: string, position: GlobalPosition, expectedVersion: number): Promise<number>;
  /** Renews the lease and, when given, records that the projection had applied everything in the log at `caughtUpAt`; false when the lease was lost. */
  renew(name: string, owner: string, caughtUpAt: Date | null): Promise<boolean>;
  /** Moves the owner's checkpoint back to the beginning of the log and marks a rebuild; the new version. */
  rewind(name: string, owner: string, expectedVersion: number): Promise<number>;
  finishRebuild(name: string, owner: string): Promise<void>;
  release(name: string, owner: string): Promise<void>;
}
