// An organization's decision state: the fold of its events that every decision
// reads (its settings and quotas, every idempotency key it accepted, its usage
// per quota window), and the decisions taken against it. The write side keeps
// one ledger per organization, the specifications build theirs from the same
// events, so what is tested is the fold that runs.
import type { OrganizationCommand } from './commands';
import { decide } from './decide';
import type { OrganizationEvent } from './events';
import { evolve, initialOrganizationState, type OrganizationState } from './organization';
import type { WindowUsage } from './period-statement';
import type { UsageFingerprint } from './usage-identity';
import { UsageKeyIndex } from './usage-key-index';
import { WindowUsageIndex } from './window-usage-index';

/** One command's outcome in a batch: its events, or why it was refused. */
export type Decision = { readonly events: readonly OrganizationEvent[] } | { readonly error: unknown };

/** What readers outside the write side may ask of a ledger. */
export interface LedgerView {
  readonly state: OrganizationState;
  windowUsage(): WindowUsage[];
}

export class OrganizationLedger implements LedgerView {
  private constructor(
    private current: OrganizationState,
    private readonly keys: UsageKeyIndex,
    private readonly windows: WindowUsageIndex,
  ) {}

  static empty(): OrganizationLedger {
    return new OrganizationLedger(initialOrganizationState(), new UsageKeyIndex(), new WindowUsageIndex());
  }

  static from(events: Iterable<OrganizationEvent>): OrganizationLedger {
    const ledger = OrganizationLedger.empty();
    for (const event of events) ledger.apply(event);
    return ledger;
  }

  get state(): OrganizationState {
    return this.current;
  }

  /** Folds one more event in (in place: the indexes only grow). */
  apply(event: OrganizationEvent): void {
    this.current = evolve(this.current, event);
    this.keys.apply(event);
    this.windows.apply(event, this.current);
  }

  windowUsage(): WindowUsage[] {
    return this.windows.all();
  }

  knownUsage(idempotencyKey: string): UsageFingerprint | undefined {
    return this.keys.lookup(idempotencyKey);
  }

  /** The events `command` leads to at `now`, or a DomainError; the ledger is unchanged. */
  decide(command: OrganizationCommand, now: Date): OrganizationEvent[] {
    return decide(command, this.current, {
      now,
      knownUsage: (key) => this.keys.lookup(key),
      windowUsage: () => this.windows.all(),
    });
  }

  /**
   * Decides commands in order, each against the ledger as the decisions before
   * it left it (a key accepted by one is a duplicate for the next). The ledger
   * itself is unchanged: apply the events once they are appended.
   */
  decideAll(commands: readonly OrganizationCommand[], now: Date): Decision[] {
    const draft = new OrganizationLedger(this.current, this.keys.overlay(), this.windows.overlay());
    return commands.map((command): Decision => {
      try {
        const events = draft.decide(command, now);
        for (const event of events) draft.apply(event);
        return { events };
      } catch (error) {
        return { error };
      }
    });
  }
}
