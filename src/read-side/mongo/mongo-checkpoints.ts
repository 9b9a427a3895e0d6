// The checkpoint store in MongoDB: one document per projection, updated with
// its version and owner in the filter, so a second projector instance racing
// this one matches nothing and gets a CheckpointConflictError.
import { MongoServerError, type Collection, type Db } from 'mongodb';
import { CheckpointConflictError, type Checkpoint, type CheckpointStore } from '../../application/ports/checkpoint-store';
import type { GlobalPosition } from '../../application/ports/event-store';
import { COLLECTIONS, type CheckpointDocument } from './read-model-documents';

export const DEFAULT_LEASE_MS = 30_000;

function toCheckpoint(document: CheckpointDocument | null): Checkpoint {
  if (!document) return { position: null, version: 0, caughtUpAt: null, owner: null, leaseExpiresAt: null, rebuilding: false };
  return {
    position: document.position === null ? null : BigInt(document.position),
    version: document.version,
    caughtUpAt: document.caughtUpAt === null ? null : new Date(document.caughtUpAt),
    owner: document.owner ?? null,
    leaseExpiresAt: document.leaseExpiresAt ? new Date(document.leaseExpiresAt) : null,
    rebuilding: document.rebuilding === true,
  };
}

export class MongoCheckpointStore implements CheckpointStore {
  private readonly collection: Collection<CheckpointDocument>;

  constructor(
    db: Db,
    private readonly leaseMs = DEFAULT_LEASE_MS,
  ) {
    this.collection = db.collection<CheckpointDocument>(COLLECTIONS.checkpoints);
  }

  async load(name: string): Promise<Checkpoint> {
    return toCheckpoint(await this.collection.findOne({ _id: name }));
  }

  private leaseUntil(): string {
    return new Date(Date.now() + this.leaseMs).toISOString();
  }

  /** Takes the lease when it is free, expired or already ours; returns the checkpoint, or null when another instance holds it. */
  async acquire(name: string, owner: string): Promise<Checkpoint | null> {
    const current = await this.load(name);
    if (current.owner !== null && current.owner !== owner && current.leaseExpiresAt !== null && current.leaseExpiresAt.getTime() > Date.now()) return null;
    const leaseExpiresAt = this.leaseUntil();
    if (current.version === 0 && current.owner === null && current.position === null) {
      try {
        await this.collection.insertOne({ _id: name, position: null, version: 1, caughtUpAt: null, owner, leaseExpiresAt });
        return this.load(name);
      } catch (error) {
        if (error instanceof MongoServerError && error.code === 11000) return this.acquire(name, owner);
        throw error;
      }
    }
    const result = await this.collection.updateOne({ _id: name, version: current.version }, { $set: { owner, leaseExpiresAt, version: current.version + 1 } });
    return result.matchedCount === 0 ? null : this.load(name);
  }

  /** Stores the new position and renews the lease, if this instance still owns the checkpoint at `expectedVersion`. */
  async save(name: string, owner: string, position: GlobalPosition, expectedVersion: number): Promise<number> {
    const version = expectedVersion + 1;
    const result = await this.collection.updateOne(
      { _id: name, version: expectedVersion, owner },
      { $set: { position: position.toString(), version, leaseExpiresAt: this.leaseUntil() } },
    );
    if (result.matchedCount === 0) throw new CheckpointConflictError(`checkpoint ${name} moved past version ${expectedVersion}: another projector took over`);
    return version;
  }

  /** Renews the lease and records that the projection had applied everything in the log at `at`. */
  async renew(name: string, owner: string, caughtUpAt: Date | null): Promise<boolean> {
    const update = { leaseExpiresAt: this.leaseUntil(), ...(caughtUpAt && { caughtUpAt: caughtUpAt.toISOString() }) };
    const result = await this.collection.updateOne({ _id: name, owner }, { $set: update });
    return result.matchedCount === 1;
  }

  async finishRebuild(name: string, owner: string): Promise<void> {
    await this.collection.updateOne({ _id: name, owner }, { $set: { rebuilding: false } });
  }

  async release(name: string, owner: string): Promise<void> {
    await this.collection.updateOne({ _id: name, owner }, { $set: { owner: null, leaseExpiresAt: null } });
  }

  /** Moves the owner's checkpoint back to the beginning of the log, for a rebuild. */
  async rewind(name: string, owner: string, expectedVersion: number): Promise<number> {
    const version = expectedVersion + 1;
    const result = await this.collection.updateOne({ _id: name, version: expectedVersion, owner }, { $set: { position: null, caughtUpAt: null, version, rebuilding: true } });
    if (result.matchedCount === 0) throw new CheckpointConflictError(`checkpoint ${name} moved past version ${expectedVersion}: another projector took over`);
    return version;
  }
}
