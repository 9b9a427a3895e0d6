// Runs organization commands: queue them per organization, decide a batch
// against the organization's ledger, append the batch's events with the
// expected revision, and decide again if another writer moved the stream.
// All decisions of a batch go into one append (one transaction, one fsync),
// which is how concurrent single events stay durable without each paying for
// its own commit. What is decided, and against what, is the ledger's business.
import type { OrganizationCommand } from '../../domain/commands';
import { organizationStreamId, type OrganizationEvent } from '../../domain/events';
import { OrganizationLedger, type Decision, type LedgerView } from '../../domain/organization-ledger';
import { decodeEvent, encodeEvent } from '../event-log/organization-event-codec';
import { revisionAfter, streamPages } from '../event-log/stream-pages';
import type { Clock } from '../ports/clock';
import { WrongExpectedRevisionError, type EventStore, type GlobalPosition, type StreamRevision } from '../ports/event-store';

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
}

/** A ledger and where in the stream it stands. */
interface LoadedOrganization {
  readonly ledger: OrganizationLedger;
  revision: StreamRevision | 'no_stream';
  lastPosition: GlobalPosition | null;
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
  readonly resolve: (ledger: LedgerView) => void;
  readonly reject: (error: unknown) => void;
}

type Pending = PendingCommand | PendingRead;

const READ_PAGE = 5_000;

export class OrganizationCommandHandler {
  private readonly loaded = new Map<string, LoadedOrganization>();
  private readonly queues = new Map<string, Pending[]>();
  private readonly maxBatchSize: number;
  private readonly maxConflictRetries: number;

  constructor(
    private readonly eventStore: EventStore,
    private readonly clock: Clock,
    options: OrganizationCommandHandlerOptions = {},
  ) {
    this.maxBatchSize = options.maxBatchSize ?? 1_000;
    this.maxConflictRetries = options.maxConflictRetries ?? 5;
  }

  execute(command: OrganizationCommand): Promise<CommandOutcome> {
    return new Promise((resolve, reject) => this.enqueue(command.data.organizationId, { kind: 'command', command, resolve, reject }));
  }

  /**
   * The organization's ledger caught up with the stream, for reads that must be
   * exact (the billing activities' state, a closed period recomputed from the
   * log). Queued behind the commands already asked for, so it includes them.
   */
  ledger(organizationId: string): Promise<LedgerView> {
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
      const { ledger } = await this.load(organizationId, true);
      reads.forEach((read) => read.resolve(ledger));
    } catch (error) {
      reads.forEach((read) => read.reject(error));
    }
  }

  private async runBatch(organizationId: string, batch: PendingCommand[]): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      let organization: LoadedOrganization;
      try {
        // The cache is trusted on the first attempt; the expected revision catches any other writer.
        organization = await this.load(organizationId, attempt > 0);
      } catch (error) {
        batch.forEach((pending) => pending.reject(error));
        return;
      }
      const decided = organization.ledger.decideAll(
        batch.map((pending) => pending.command),
        this.clock.now(),
      );
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
        this.loaded.set(organizationId, organization);
        this.settle(batch, decided.decisions, appended.position);
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
    const organization: LoadedOrganization = cached ?? { ledger: OrganizationLedger.empty(), revision: 'no_stream', lastPosition: null };
    const pages = streamPages(this.eventStore, organizationStreamId(organizationId), { fromRevision: revisionAfter(organization.revision), pageSize: READ_PAGE });
    for await (const page of pages) {
      for (const recorded of page) {
        const event = decodeEvent(recorded);
        if (event) organization.ledger.apply(event);
        organization.revision = recorded.revision;
        organization.lastPosition = recorded.position;
      }
    }
    // Unknown organizations are not cached, so probing random ids cannot fill memory.
    if (organization.revision !== 'no_stream') this.loaded.set(organizationId, organization);
    return organization;
  }
}
