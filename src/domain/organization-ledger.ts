// An organization's decision state: the fold of its events that every decision
// reads (its settings and quotas, every idempotency key it accepted, its usage
// per local day), and the decisions taken against it. The write side keeps
// one ledger per organization, the specifications build theirs from the same
// events, so what is tested is the fold that runs.
import type { OrganizationCommand } from './commands';
import { decide } from './decide';
import type { OrganizationEvent } from './events';
import { evolve, initialOrganizationState, type OrganizationState } from './organization';
import type { UsageFingerprint } from './usage-identity';
import { UsageKeyIndex } from './usage-key-index';
import { DailyUsageIndex, type DailyUsage } from './daily-usage';

/** One command's outcome in a batch: its events, or why it was refused. */
export type Decision = { readonly events: readonly OrganizationEvent[] } | { readonly error: unknown };

/** What readers outside the write side may ask of a ledger. */
export interface LedgerView {
  readonly state: OrganizationState;
  dailyUsage(): DailyUsage[];
}

export class OrganizationLedger implements LedgerView {
  private constructor(
    private current: OrganizationState,
    private readonly keys: UsageKeyIndex,
    private readonly days: DailyUsageIndex,
  ) {}

  static empty(): OrganizationLedger {
    return new OrganizationLedger(initialOrganizationState(), new UsageKeyIndex(), new DailyUsageIndex());
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
    this.days.apply(event, this.current);
  }

  dailyUsage(): DailyUsage[] {
    return this.days.all();
  }

  knownUsage(idempotencyKey: string): UsageFingerprint | undefined {
    return this.keys.lookup(idempotencyKey);
  }

  /** The events `command` leads to at `now`, or a DomainError; the ledger is unchanged. */
  decide(command: OrganizationCommand, now: Date): OrganizationEvent[] {
    return decide(command, this.current, {
      now,
      knownUsage: (key) => this.keys.lookup(key),
      dailyUsage: () => this.days.all(),
      recorded: this.days,
    });
  }

  /**
   * Decides commands in order, each against the ledger as the decisions before
   * it left it (a key accepted by one is a duplicate for the next). The ledger
   * itself is unchanged until `adopt(batch)`, once the events are appended.
   */
  decideAll(commands: readonly OrganizationCommand[], now: Date): DecidedBatch {
    const draft = new OrganizationLedger(this.current, this.keys.overlay(), this.days.overlay());
    const decisions = commands.map((command): Decision => {
      try {
        const events = draft.decide(command, now);
        for (const event of events) draft.apply(event);
        return { events };
      } catch (error) {
        return { error };
      }
    });
    return { decisions, events: decisions.flatMap((decision) => ('events' in decision ? decision.events : [])), draft };
  }

  /** Takes over what a decided batch folded, once its events are appended (cheaper than folding them again). */
  adopt(batch: DecidedBatch): void {
    this.current = batch.draft.current;
    this.keys.absorb(batch.draft.keys);
    this.days.absorb(batch.draft.days);
  }
}

/** A batch decided against a draft of the ledger: each command's decision, all their events, and the draft that folded them. */
export interface DecidedBatch {
  readonly decisions: readonly Decision[];
  readonly events: readonly OrganizationEvent[];
  readonly draft: OrganizationLedger;
}
