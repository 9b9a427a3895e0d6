// An organization's decision state: the fold of its events that every decision
// reads (its settings and quotas, every idempotency key it accepted, its usage
// per local day), and the decisions taken against it. The write side keeps
// one ledger per organization, the specifications build theirs from the same
// events, so what is tested is the fold that runs.
//
// A ledger can be written down as a snapshot (its state and recent days, not
// its keys: those go to the key archive first) and built again from it plus
// the events after it, so loading an organization never reads its whole history.
import type { OrganizationCommand } from './commands';
import { decide } from './decide';
import { alertsAfter } from './decide-alerts';
import { isUsageEvent, type OrganizationEvent } from './events';
import { evolve, initialOrganizationState, type OrganizationState } from './organization';
import type { OrganizationSettings } from './organization-settings';
import type { UsageFingerprint } from './usage-identity';
import { UsageKeyIndex } from './usage-key-index';
import { openPeriodAt } from './billing-calendar';
import { DailyUsageIndex, type DailyUsage } from './daily-usage';
import { reservationUsageKey } from './decide-reservations';
import { previousBillingPeriod, type Interval } from './periods';
import type { FeatureDefinition } from './catalogue';
import type { WindowTotal } from './usage-aggregation';

/** One command's outcome in a batch: its events, or why it was refused. */
export type Decision = { readonly events: readonly OrganizationEvent[] } | { readonly error: unknown };

/** What readers outside the write side may ask of a ledger. */
export interface LedgerView {
  readonly state: OrganizationState;
  dailyUsage(): DailyUsage[];
  /** A feature's recorded usage in a window (days beginning in it, any billing period). */
  usageIn(feature: FeatureDefinition, window: Interval): WindowTotal;
}

/** The shape of a snapshot's body; a snapshot of another version is not read (the log is folded instead). */
export const LEDGER_SNAPSHOT_VERSION = 2;

export interface LedgerSnapshot {
  readonly state: OrganizationState;
  readonly days: readonly DailyUsage[];
  readonly magnitudes: readonly (readonly [string, number])[];
}

/** Billing periods before the open one whose days stay at hand: a yearly window reaches eleven periods back. */
const PERIODS_KEPT_BEFORE_OPEN = 11;

// Every snapshot asks for the start of the oldest period it keeps: eleven steps back through
// the zone's calendar, the same for every snapshot of a period, so kept per settings and open period.
const keptFromByPeriod = new WeakMap<OrganizationSettings, Map<number, number>>();

function keptFromOf(open: Interval, settings: OrganizationSettings): number {
  let ofSettings = keptFromByPeriod.get(settings);
  if (!ofSettings) keptFromByPeriod.set(settings, (ofSettings = new Map()));
  let keptFrom = ofSettings.get(open.start.getTime());
  if (keptFrom === undefined) {
    let period = open;
    for (let back = 0; back < PERIODS_KEPT_BEFORE_OPEN; back++) period = previousBillingPeriod(period, settings);
    keptFrom = period.start.getTime();
    ofSettings.set(open.start.getTime(), keptFrom);
  }
  return keptFrom;
}

export class OrganizationLedger implements LedgerView {
  /** Whether some accepted keys are only in the archive (the ledger came from a snapshot, or archived its keys). */
  private keysInArchive = false;

  private constructor(
    private current: OrganizationState,
    private readonly keys: UsageKeyIndex,
    private readonly days: DailyUsageIndex,
  ) {}

  /** A ledger from a snapshot; fold the events after its revision into it. Keys before it are in the archive. */
  static fromSnapshot(snapshot: LedgerSnapshot): OrganizationLedger {
    const ledger = new OrganizationLedger(snapshot.state, new UsageKeyIndex(), DailyUsageIndex.of(snapshot.days, snapshot.magnitudes));
    ledger.keysInArchive = true;
    return ledger;
  }

  /**
   * The ledger written down, without its keys (archive `keysToArchive()` first).
   * Days of closed periods older than a yearly window before `now`'s open period
   * are left out: nothing will price them again.
   */
  toSnapshot(now: Date): LedgerSnapshot {
    const keptFrom = this.oldestPeriodKept(now);
    const closed = new Set(this.current.status === 'active' ? this.current.closedPeriods : []);
    const kept = (periodStart: string) => !closed.has(periodStart) || keptFrom === null || Date.parse(periodStart) >= keptFrom;
    return {
      state: this.current,
      days: this.days.all().filter((usage) => kept(usage.billingPeriod.start)),
      magnitudes: this.days.magnitudeEntries().filter(([key]) => kept(key.slice(key.lastIndexOf('|') + 1))),
    };
  }

  /** Keys accepted since the archive last took them, as [key, packed fingerprint]. */
  keysToArchive(): [string, string][] {
    return this.keys.toArchive();
  }

  /** The archive has these keys now: they may leave memory, and later repeats are recalled from the archive. */
  keysArchived(keys: readonly (readonly [string, string])[]): void {
    this.keys.archived(keys);
    this.keysInArchive = true;
  }

  /** The idempotency keys of these commands that only the archive could know: recall them before deciding. */
  keysToRecall(commands: readonly OrganizationCommand[]): string[] {
    if (!this.keysInArchive) return [];
    const wanted = new Set<string>();
    for (const command of commands) {
      const keys =
        command.type === 'TrackUsage'
          ? Array.isArray(command.data.items) ? command.data.items.map((item) => item.idempotencyKey) : []
          : command.type === 'CorrectUsage'
            ? [command.data.idempotencyKey]
            : command.type === 'CommitReservation'
              ? [reservationUsageKey(command.data.reservationId)]
              : [];
      for (const key of keys) if (typeof key === 'string' && this.keys.lookup(key) === undefined) wanted.add(key);
    }
    return [...wanted];
  }

  /** Keys the archive answered with ([key, packed fingerprint]). */
  recall(found: ReadonlyMap<string, string>): void {
    this.keys.remember(found);
  }

  /** Forgets days no statement will need again (see toSnapshot), so a long-lived ledger stays small. */
  forgetOldDays(now: Date): void {
    const keptFrom = this.oldestPeriodKept(now);
    if (keptFrom === null || this.current.status !== 'active') return;
    const closed = new Set(this.current.closedPeriods);
    this.days.forget((periodStart) => closed.has(periodStart) && Date.parse(periodStart) < keptFrom);
  }

  private oldestPeriodKept(now: Date): number | null {
    if (this.current.status !== 'active') return null;
    const open = openPeriodAt(this.current, now);
    return keptFromOf(open, this.current.settings);
  }

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

  /** Folds one more event in (in place). */
  apply(event: OrganizationEvent): void {
    this.current = evolve(this.current, event);
    this.keys.apply(event);
    this.days.apply(event, this.current);
  }

  dailyUsage(): DailyUsage[] {
    return this.days.all();
  }

  usageIn(feature: FeatureDefinition, window: Interval): WindowTotal {
    const timeZone = this.current.status === 'active' ? this.current.settings.timeZone : 'UTC';
    return this.days.totalIn(feature.key, feature.aggregation, window.start.getTime(), window.end.getTime(), timeZone);
  }

  knownUsage(idempotencyKey: string): UsageFingerprint | undefined {
    return this.keys.lookup(idempotencyKey);
  }

  /** The events `command` leads to at `now` (with the alerts its usage fires), or a DomainError; the ledger is unchanged. */
  decide(command: OrganizationCommand, now: Date): OrganizationEvent[] {
    const [decision] = this.decideAll([command], now).decisions;
    if ('error' in decision) throw decision.error;
    return [...decision.events];
  }

  private decideOne(command: OrganizationCommand, now: Date): OrganizationEvent[] {
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
        const events = draft.decideOne(command, now);
        for (const event of events) draft.apply(event);
        return { events };
      } catch (error) {
        return { error };
      }
    });
    // Alerts are decided once for the whole batch's usage, against the draft that holds it: the
    // batch is appended in one write, so they go with the usage that caused them at a cost per
    // write, not per command. They join the last decision that recorded usage.
    const usage = decisions.flatMap((decision) => ('events' in decision ? decision.events.filter(isUsageEvent) : []));
    const last = decisions.findLastIndex((decision) => 'events' in decision && decision.events.some(isUsageEvent));
    if (last >= 0 && draft.current.status === 'active') {
      const alerts = alertsAfter(draft.current, usage, { now, recorded: draft.days, dailyUsage: () => draft.days.all() });
      for (const event of alerts) draft.apply(event);
      const decision = decisions[last] as { events: readonly OrganizationEvent[] };
      if (alerts.length > 0) decisions[last] = { events: [...decision.events, ...alerts] };
    }
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
