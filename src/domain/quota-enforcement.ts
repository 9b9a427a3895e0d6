// Hard quotas hold at ingest. A write that would take a window of a feature
// whose quota in force is hard past its included quantity is refused whole,
// in the same decision that would have appended it: the write side decides one
// organization's commands one batch at a time against its ledger and appends
// with the expected revision, so concurrent writers, on any instance, can
// never overrun a hard quota between them. What a window holds is its recorded
// usage, the quantity open reservations hold in it, and what earlier items of
// the same command add. For 'max' and 'latest' features a reading above the
// included quantity is refused. A repeat of an accepted key is a duplicate,
// decided before this, never refused.
import type { FeatureDefinition } from './catalogue';
import { usageDayOf } from './daily-usage';
import { DomainError } from './domain-error';
import type { UsageEvent } from './events';
import { effectiveQuota, type ActiveOrganization } from './organization';
import { windowOfDay } from './period-statement';
import type { Interval } from './periods';
import { reservedIn } from './reservations';
import type { Aggregation } from './catalogue';
import type { WindowTotal } from './usage-aggregation';

export interface QuotaRefusal {
  /** The refused input, e.g. "quantity" or "items[3].quantity". */
  readonly field: string;
  readonly feature: string;
  readonly included: number;
  /** Recorded in the window before this write (with this command's earlier items). */
  readonly used: number;
  /** Held by open reservations. */
  readonly reserved: number;
  readonly remaining: number;
  readonly requested: number;
  readonly windowStart: string;
  readonly windowEnd: string;
}

/** A hard quota refused the write; nothing of it is stored. */
export class QuotaExceededError extends DomainError {
  constructor(readonly refusals: readonly QuotaRefusal[]) {
    const first = refusals[0];
    super(
      'quota_exceeded',
      `${first.feature}'s hard quota allows ${first.included} per window; ${first.used} used and ${first.reserved} reserved leave ${first.remaining}, not ${first.requested}` +
        (refusals.length > 1 ? ` (and ${refusals.length - 1} more refused items)` : ''),
      first.field,
    );
  }
}

/** What the ledger has recorded, by window. */
export interface RecordedWindows {
  totalIn(feature: string, aggregation: Aggregation, fromMs: number, toMs: number, timeZone: string): WindowTotal;
}

/** One command's view of the hard quotas it must stay within. */
export class HardQuotaGuard {
  private readonly added = new Map<string, number>();

  constructor(
    private readonly state: ActiveOrganization,
    private readonly recorded: RecordedWindows,
    private readonly now: Date,
  ) {}

  /** The window of the quota in force that a usage event counts in, or null when the feature's quota is soft. */
  windowOf(event: UsageEvent, feature: FeatureDefinition): Interval | null {
    const quota = effectiveQuota(this.state, feature);
    if (quota.enforcement !== 'hard') return null;
    return windowOfDay(this.state, quota.resetPeriod, usageDayOf(event, this.state.settings.timeZone));
  }

  /**
   * Whether `quantity` more of `feature` fits in `window`; counts it in when it
   * does. `exceptReservation` does not hold against it (its own commit).
   */
  admit(feature: FeatureDefinition, window: Interval, quantity: number, field: string, exceptReservation?: string): QuotaRefusal | null {
    const quota = effectiveQuota(this.state, feature);
    const key = `${feature.key}|${window.start.toISOString()}`;
    const total = this.recorded.totalIn(feature.key, feature.aggregation, window.start.getTime(), window.end.getTime(), this.state.settings.timeZone);
    const used = feature.aggregation === 'sum' ? total.quantity + (this.added.get(key) ?? 0) : 0;
    const reserved = reservedIn(this.state.reservations ?? {}, feature.key, window.start.toISOString(), this.now, exceptReservation);
    const fits = feature.aggregation === 'sum' ? used + reserved + quantity <= quota.includedQuantity : quantity <= quota.includedQuantity;
    if (fits) {
      if (feature.aggregation === 'sum') this.added.set(key, (this.added.get(key) ?? 0) + quantity);
      return null;
    }
    return {
      field,
      feature: feature.key,
      included: quota.includedQuantity,
      used: feature.aggregation === 'sum' ? used : total.quantity,
      reserved,
      remaining: Math.max(0, quota.includedQuantity - used - reserved),
      requested: quantity,
      windowStart: window.start.toISOString(),
      windowEnd: window.end.toISOString(),
    };
  }
}
