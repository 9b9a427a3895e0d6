// Runs organization commands: queue them per organization, decide a batch
// against the organization's ledger, append the batch's events with the
// expected revision, and decide again if another writer moved the stream.
// All decisions of a batch go into one append (one transaction, one fsync),
// which is how concurrent single events stay durable without each paying for
// its own commit. What is decided, and against what, is the ledger's business.
//
// Loading an organization reads its latest snapshot and only the events after
// it; every `snapshotEvery` events the ledger archives its new idempotency
// keys and is written down again, so the cost of a load, and the memory of a
// ledger, follow the work since the last snapshot, not the organization's
// history. At most `maxLoadedOrganizations` ledgers stay in memory.
import type { OrganizationCommand } from '../../domain/commands';
import { organizationStreamId, type OrganizationEvent } from '../../domain/events';
import { LEDGER_SNAPSHOT_VERSION, OrganizationLedger, type Decision, type LedgerSnapshot, type LedgerView } from '../../domain/organization-ledger';
import { decodeEvent, encodeEvent } from '../event-log/organization-event-codec';
import { revisionAfter, streamPages } from '../event-log/stream-pages';
import type { Clock } from '../ports/clock';
import { MAX_CONFLICT_RETRIES, pauseBeforeRetry } from '../event-log/conflict-retry';
import { WrongExpectedRevisionError, type EventStore, type GlobalPosition, type RecordedEvent, type StreamRevision } from '../ports/event-store';
import type { LedgerStorage } from '../ports/ledger-storage';

export interface CommandOutcome {
  readonly events: readonly OrganizationEvent[];
  /** Wait for projections to pass this position to read the command's effect (null: nothing was ever written). */
  readonly position: GlobalPosition | null;
}

export interface OrganizationCommandHandlerOptions {
  /** Commands decided together and appended in one transaction. */
  readonly maxBatchSize?: number;
  /** Attempts after a concurrent writer moved the stream. */
  readonly maxConflictRetries?: number;
  /** Snapshots and accepted keys beside the log; without it every ledger is folded from its whole stream and keeps every key. */
  readonly ledgerStorage?: LedgerStorage | null;
  /** Events folded between two snapshots of a ledger. */
  readonly snapshotEvery?: number;
  /** Ledgers kept in memory; the least recently used beyond it are loaded again when next needed. */
  readonly maxLoadedOrganizations?: number;
  /** Told when a snapshot or key archiving failed; the write already succeeded, and the next snapshot tries again. */
  readonly onStorageError?: (error: unknown) => void;
}

export const DEFAULT_SNAPSHOT_EVERY = 1_000;
export const DEFAULT_MAX_LOADED_ORGANIZATIONS = 5_000;

/** A ledger and where in the stream it stands. */
interface LoadedOrganization {
  readonly ledger: OrganizationLedger;
  revision: StreamRevision | 'no_stream';
  lastPosition: GlobalPosition | null;
  /** Events folded since the ledger was last written down (or loaded from a snapshot). */
  sinceSnapshot: number;
}

interface PendingCommand {
  readonly kind: 'command';
  readonly command: OrganizationCommand;
  readonly resolve: (outcome: CommandOutcome) => void;
  readonly reject: (error: unknown) => void;
}

/** A read of the ledger, queued with the commands so it never sees a batch half applied. */
interface PendingRead {
  readonly kind: 'read';
  readonly resolve: (read: LedgerRead) => void;
  readonly reject: (error: unknown) => void;
}

/** A ledger caught up with the stream, and the position of the last event it folded. */
export interface LedgerRead {
  readonly ledger: LedgerView;
  readonly position: GlobalPosition | null;
}

type Pending = PendingCommand | PendingRead;

const READ_PAGE = 5_000;

export class OrganizationCommandHandler {
  private readonly loaded = new Map<string, LoadedOrganization>();
  private readonly queues = new Map<string, Pending[]>();
  private readonly maxBatchSize: number;
  private readonly maxConflictRetries: number;
  private readonly storage: LedgerStorage | null;
  private readonly snapshotEvery: number;
  private readonly maxLoaded: number;

  constructor(
    private readonly eventStore: EventStore,
    private readonly clock: Clock,
    private readonly options: OrganizationCommandHandlerOptions = {},
  ) {
    this.maxBatchSize = options.maxBatchSize ?? 1_000;
    this.maxConflictRetries = options.maxConflictRetries ?? MAX_CONFLICT_RETRIES;
    this.storage = options.ledgerStorage ?? null;
    this.snapshotEvery = options.snapshotEvery ?? DEFAULT_SNAPSHOT_EVERY;
    this.maxLoaded = options.maxLoadedOrganizations ?? DEFAULT_MAX_LOADED_ORGANIZATIONS;
  }

  execute(command: OrganizationCommand): Promise<CommandOutcome> {
    return new Promise((resolve, reject) => this.enqueue(command.data.organizationId, { kind: 'command', command, resolve, reject }));
  }

  /**
   * The organization's ledger caught up with the stream, for reads that must be
   * exact (the billing activities' state, a closed period recomputed from the
   * log). Queued behind the commands already asked for, so it includes them.
   */
  async ledger(organizationId: string): Promise<LedgerView> {
    return (await this.read(organizationId)).ledger;
  }

  /**
   * The ledger caught up with the stream (including what other instances
   * appended) and the position it reflects: an answer from it includes every
   * write acknowledged before it was asked, on any instance.
   */
  read(organizationId: string): Promise<LedgerRead> {
    return new Promise((resolve, reject) => this.enqueue(organizationId, { kind: 'read', resolve, reject }));
  }

  private enqueue(organizationId: string, pending: Pending): void {
    const queue = this.queues.get(organizationId);
    if (queue) {
      queue.push(pending);
      return;
    }
    this.queues.set(organizationId, [pending]);
    void this.drain(organizationId);
  }

  /** One organization's queue, in order: a run of commands is one batch; a run of reads shares one catch-up. */
  private async drain(organizationId: string): Promise<void> {
    for (;;) {
      const queue = this.queues.get(organizationId);
      if (!queue || queue.length === 0) {
        this.queues.delete(organizationId);
        return;
      }
      const kind = queue[0].kind;
      let run = 1;
      while (run < queue.length && run < this.maxBatchSize && queue[run].kind === kind) run++;
      const taken = queue.splice(0, run);
      if (kind === 'read') await this.runReads(organizationId, taken as PendingRead[]);
      else await this.runBatch(organizationId, taken as PendingCommand[]);
    }
  }

  private async runReads(organizationId: string, reads: readonly PendingRead[]): Promise<void> {
    try {
      const { ledger, lastPosition } = await this.load(organizationId, true);
      reads.forEach((read) => read.resolve({ ledger, position: lastPosition }));
    } catch (error) {
      reads.forEach((read) => read.reject(error));
    }
  }

  private async runBatch(organizationId: string, batch: PendingCommand[]): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      await pauseBeforeRetry(attempt);
      let organization: LoadedOrganization;
      try {
        // The cache is trusted on the first attempt; the expected revision catches any other writer.
        organization = await this.load(organizationId, attempt > 0);
      } catch (error) {
        batch.forEach((pending) => pending.reject(error));
        return;
      }
      const commands = batch.map((pending) => pending.command);
      try {
        await this.recallKeys(organizationId, organization, commands);
      } catch (error) {
        batch.forEach((pending) => pending.reject(error));
        return;
      }
      const decided = organization.ledger.decideAll(commands, this.clock.now());
      if (decided.events.length === 0) {
        this.settle(batch, decided.decisions, organization.lastPosition);
        return;
      }
      try {
        const appended = await this.eventStore.appendToStream(organizationStreamId(organizationId), decided.events.map(encodeEvent), {
          expectedRevision: organization.revision,
        });
        organization.ledger.adopt(decided);
        organization.revision = appended.nextExpectedRevision;
        organization.lastPosition = appended.position;
        organization.sinceSnapshot += decided.events.length;
        this.remember(organizationId, organization);
        this.settle(batch, decided.decisions, appended.position);
        if (organization.sinceSnapshot >= this.snapshotEvery) await this.writeDown(organizationId, organization);
        return;
      } catch (error) {
        if (error instanceof WrongExpectedRevisionError && attempt < this.maxConflictRetries) continue;
        batch.forEach((pending) => pending.reject(error));
        return;
      }
    }
  }

  private settle(batch: readonly PendingCommand[], decided: readonly Decision[], position: GlobalPosition | null): void {
    batch.forEach((pending, index) => {
      const decision = decided[index];
      if ('error' in decision) pending.reject(decision.error);
      else pending.resolve({ events: decision.events, position });
    });
  }

  private async load(organizationId: string, catchUp: boolean): Promise<LoadedOrganization> {
    const cached = this.loaded.get(organizationId);
    if (cached && !catchUp) return cached;
    const streamId = organizationStreamId(organizationId);
    // A store that knows nothing was appended to the stream since the ledger's revision spares the read.
    if (cached && this.eventStore.knownHeadRevision && (await this.eventStore.knownHeadRevision(streamId)) === cached.revision) {
      this.remember(organizationId, cached);
      return cached;
    }
    const organization = cached ?? (await this.fromSnapshot(streamId)) ?? { ledger: OrganizationLedger.empty(), revision: 'no_stream', lastPosition: null, sinceSnapshot: 0 };
    const fold = (page: readonly RecordedEvent[]) => {
      for (const recorded of page) {
        const event = decodeEvent(recorded);
        if (event) organization.ledger.apply(event);
        organization.revision = recorded.revision;
        organization.lastPosition = recorded.position;
        organization.sinceSnapshot += 1;
      }
    };
    // A ledger in memory is usually at the head already (every quota check asks): one short read says so.
    const first = await this.eventStore.readStream(streamId, { fromRevision: revisionAfter(organization.revision), maxCount: READ_PAGE });
    fold(first);
    if (first.length === READ_PAGE) {
      for await (const page of streamPages(this.eventStore, streamId, { fromRevision: revisionAfter(organization.revision), pageSize: READ_PAGE })) fold(page);
    }
    // Unknown organizations are not kept, so probing random ids cannot fill memory.
    if (organization.revision === 'no_stream') return organization;
    this.remember(organizationId, organization);
    // A long tail (the first load of a large organization, another instance's writes) is written down at once.
    if (organization.sinceSnapshot >= this.snapshotEvery) await this.writeDown(organizationId, organization);
    return organization;
  }

  private async fromSnapshot(streamId: string): Promise<LoadedOrganization | null> {
    const stored = await this.storage?.loadSnapshot(streamId);
    if (!stored || stored.schemaVersion !== LEDGER_SNAPSHOT_VERSION) return null;
    return {
      ledger: OrganizationLedger.fromSnapshot(stored.body as unknown as LedgerSnapshot),
      revision: stored.revision,
      lastPosition: stored.position,
      sinceSnapshot: 0,
    };
  }

  /** Recalls from the archive the keys of these commands that memory no longer holds. */
  private async recallKeys(organizationId: string, organization: LoadedOrganization, commands: readonly OrganizationCommand[]): Promise<void> {
    if (!this.storage) return;
    const wanted = organization.ledger.keysToRecall(commands);
    if (wanted.length > 0) organization.ledger.recall(await this.storage.findAcceptedKeys(organizationStreamId(organizationId), wanted));
  }

  /**
   * Archives the keys accepted since the last time, then writes the ledger down
   * at its revision: in this order, so a snapshot never stands for keys the
   * archive lacks. A failure leaves the keys in memory for the next attempt.
   */
  private async writeDown(organizationId: string, organization: LoadedOrganization): Promise<void> {
    if (!this.storage || organization.revision === 'no_stream' || organization.lastPosition === null) return;
    const streamId = organizationStreamId(organizationId);
    const now = this.clock.now();
    try {
      const keys = organization.ledger.keysToArchive();
      await this.storage.recordAcceptedKeys(streamId, keys.map(([idempotencyKey, fingerprint]) => ({ idempotencyKey, fingerprint })));
      organization.ledger.keysArchived(keys);
      organization.ledger.forgetOldDays(now);
      await this.storage.saveSnapshot(streamId, {
        revision: organization.revision,
        position: organization.lastPosition,
        schemaVersion: LEDGER_SNAPSHOT_VERSION,
        body: organization.ledger.toSnapshot(now) as unknown as Record<string, unknown>,
      });
      organization.sinceSnapshot = 0;
    } catch (error) {
      this.options.onStorageError?.(error);
    }
  }

  /** Keeps the ledger as the most recently used, forgetting the least recently used beyond the limit. */
  private remember(organizationId: string, organization: LoadedOrganization): void {
    this.loaded.delete(organizationId);
    this.loaded.set(organizationId, organization);
    for (const [id] of this.loaded) {
      if (this.loaded.size <= this.maxLoaded) break;
      // A ledger with work queued stays: its batch is about to use it.
      if (!this.queues.has(id)) this.loaded.delete(id);
      else break;
    }
  }
}
