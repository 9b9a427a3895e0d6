// Runs organization commands: read the state, decide, append with the expected
// revision, retry on a concurrent writer. Commands for one organization queue
// up and run as a batch: all decisions of a batch go into one append (one
// transaction, one fsync), which is how concurrent single events stay durable
// without each paying for its own commit.
import { decide } from '../domain/decide';
import type { OrganizationCommand } from '../domain/commands';
import { organizationStreamId, type OrganizationEvent } from '../domain/events';
import { evolve, initialOrganizationState, type OrganizationState } from '../domain/organization';
import type { WindowUsage } from '../domain/period-statement';
import type { UsageFingerprint } from '../domain/usage-identity';
import { decodeEvent, encodeEvent } from './organization-event-codec';
import type { Clock } from './ports/clock';
import { WrongExpectedRevisionError, type EventStore, type GlobalPosition, type StreamRevision } from './ports/event-store';
import { UsageKeyIndex } from './usage-key-index';
import { WindowUsageIndex } from './window-usage-index';

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

interface LoadedOrganization {
  state: OrganizationState;
  revision: StreamRevision | 'no_stream';
  keys: UsageKeyIndex;
  windows: WindowUsageIndex;
  lastPosition: GlobalPosition | null;
}

interface PendingCommand {
  readonly command: OrganizationCommand;
  readonly resolve: (outcome: CommandOutcome) => void;
  readonly reject: (error: unknown) => void;
}

const READ_PAGE = 5_000;

export class OrganizationCommandHandler {
  private readonly loaded = new Map<string, LoadedOrganization>();
  private readonly queues = new Map<string, PendingCommand[]>();
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
    const organizationId = command.data.organizationId;
    return new Promise((resolve, reject) => {
      const queue = this.queues.get(organizationId);
      if (queue) {
        queue.push({ command, resolve, reject });
        return;
      }
      this.queues.set(organizationId, [{ command, resolve, reject }]);
      void this.drain(organizationId);
    });
  }

  /** The organization's current state, caught up with the stream (for reads that must be exact). */
  async currentState(organizationId: string): Promise<OrganizationState> {
    return (await this.load(organizationId, true)).state;
  }

  /**
   * The state and the usage per quota window and period, caught up with the stream:
   * what a statement of a closed period is recomputed from when its close event is
   * not at hand (a retried close whose answer was lost).
   */
  async currentUsage(organizationId: string): Promise<{ readonly state: OrganizationState; readonly usage: readonly WindowUsage[] }> {
    const organization = await this.load(organizationId, true);
    return { state: organization.state, usage: organization.windows.snapshot([], organization.state) };
  }

  private async drain(organizationId: string): Promise<void> {
    for (;;) {
      const queue = this.queues.get(organizationId);
      if (!queue || queue.length === 0) {
        this.queues.delete(organizationId);
        return;
      }
      await this.runBatch(organizationId, queue.splice(0, this.maxBatchSize));
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
      const decided = this.decideBatch(organization, batch);
      const events = decided.flatMap((result) => ('events' in result ? result.events : []));
      if (events.length === 0) {
        this.settle(batch, decided, organization.lastPosition);
        return;
      }
      try {
        const appended = await this.eventStore.appendToStream(
          organizationStreamId(organizationId),
          events.map(encodeEvent),
          { expectedRevision: organization.revision },
        );
        for (const event of events) this.fold(organization, event);
        organization.revision = appended.nextExpectedRevision;
        organization.lastPosition = appended.position;
        this.loaded.set(organizationId, organization);
        this.settle(batch, decided, appended.position);
        return;
      } catch (error) {
        if (error instanceof WrongExpectedRevisionError && attempt < this.maxConflictRetries) continue;
        batch.forEach((pending) => pending.reject(error));
        return;
      }
    }
  }

  private decideBatch(organization: LoadedOrganization, batch: readonly PendingCommand[]): ({ events: OrganizationEvent[] } | { error: unknown })[] {
    const now = this.clock.now();
    let state = organization.state;
    // Keys accepted by earlier commands of this batch, not yet in the index.
    const acceptedInBatch = new Map<string, UsageFingerprint>();
    const decidedInBatch: OrganizationEvent[] = [];
    const knownUsage = (key: string) => acceptedInBatch.get(key) ?? organization.keys.lookup(key);
    const windowUsage = () => organization.windows.snapshot(decidedInBatch, state);
    return batch.map(({ command }) => {
      try {
        const events = decide(command, state, { now, knownUsage, windowUsage });
        decidedInBatch.push(...events);
        for (const event of events) {
          state = evolve(state, event);
          if (event.type === 'UsageRecorded' || event.type === 'UsageCorrected') {
            const { idempotencyKey, feature, quantity, timestamp } = event.data;
            acceptedInBatch.set(idempotencyKey, { feature, quantity, timestampMs: Date.parse(timestamp) });
          }
        }
        return { events };
      } catch (error) {
        return { error };
      }
    });
  }

  private settle(batch: readonly PendingCommand[], decided: ({ events: OrganizationEvent[] } | { error: unknown })[], position: GlobalPosition | null): void {
    batch.forEach((pending, index) => {
      const result = decided[index];
      if ('error' in result) pending.reject(result.error);
      else pending.resolve({ events: result.events, position });
    });
  }

  private fold(organization: LoadedOrganization, event: OrganizationEvent): void {
    organization.state = evolve(organization.state, event);
    organization.keys.apply(event);
    organization.windows.apply(event, organization.state);
  }

  private async load(organizationId: string, catchUp: boolean): Promise<LoadedOrganization> {
    const cached = this.loaded.get(organizationId);
    if (cached && !catchUp) return cached;
    const organization: LoadedOrganization = cached ?? {
      state: initialOrganizationState(),
      revision: 'no_stream',
      keys: new UsageKeyIndex(),
      windows: new WindowUsageIndex(),
      lastPosition: null,
    };
    const streamId = organizationStreamId(organizationId);
    for (;;) {
      const fromRevision = organization.revision === 'no_stream' ? 0n : organization.revision + 1n;
      const page = await this.eventStore.readStream(streamId, { fromRevision, maxCount: READ_PAGE });
      for (const recorded of page) {
        const event = decodeEvent(recorded);
        if (event) this.fold(organization, event);
        organization.revision = recorded.revision;
        organization.lastPosition = recorded.position;
      }
      if (page.length < READ_PAGE) break;
    }
    // Unknown organizations are not cached, so probing random ids cannot fill memory.
    if (organization.revision !== 'no_stream') this.loaded.set(organizationId, organization);
    return organization;
  }
}
