// The read side as callers see it, by name:
// getCurrentUsage, checkQuota, getUsageHistory, estimateUsageCosts. Every answer
// says how fresh its data is, and a caller that just wrote can ask to wait
// (bounded) until the read models include its write.
import { openPeriodAt } from '../../domain/billing-calendar';
import { compareText, type DailyUsage } from '../../domain/daily-usage';
import { billingPeriodForKey } from '../../domain/period-key';
import { validationError } from '../../domain/domain-error';
import type { IntervalRecord } from '../../domain/events';
import { toMajorString, zero } from '../../domain/money';
import { effectiveQuota, requireActive, type ActiveOrganization } from '../../domain/organization';
import type { OrganizationSettings } from '../../domain/organization-settings';
import { periodsPricedWith, statementForPeriod, type FeatureLine } from '../../domain/period-statement';
import { quotaWindowAt, toIntervalRecord } from '../../domain/periods';
import type { Quota, QuotaEnforcement } from '../../domain/quota';
import { reservedIn } from '../../domain/reservations';
import { forecastPeriod } from '../../domain/usage-forecast';
import { requireFeature } from '../../domain/usage-validation';
import type { LedgerView } from '../../domain/organization-ledger';
import type { Clock } from '../ports/clock';
import type { OrganizationListing, UsageReadModels } from '../ports/usage-read-models';
import { awaitFreshness, DEFAULT_FRESHNESS_WAIT, type Freshness, type FreshnessWait } from './read-model-freshness';
import { amountFields, currencyTotals, moneyFromMajor, type AmountFields, type CurrencyTotal } from './usage-amounts';

/** Where queries get an organization's state: the write side's ledger, caught up with the log. */
export interface OrganizationLedgers {
  ledger(organizationId: string): Promise<LedgerView>;
  read(organizationId: string): Promise<{ readonly ledger: LedgerView; readonly position: bigint | null }>;
}

export type { Freshness } from './read-model-freshness';

export interface ReadOptions {
  /** Wait (bounded) until the read models include this position, e.g. a write's `position`. */
  readonly waitForPosition?: string;
}

export interface FeatureUsage extends AmountFields {
  readonly feature: string;
  readonly displayName: string;
  readonly unit: string;
  readonly aggregation: string;
  readonly resetPeriod: string;
  readonly totalQuantity: number;
  readonly includedQuantity: number;
  readonly overageQuantity: number;
  readonly currency: string;
  readonly periodStart: string;
  readonly periodEnd: string;
}

export interface CurrentUsage {
  readonly organizationId: string;
  readonly periodStart: string;
  readonly periodEnd: string;
  /** The sum over features when they share one currency; null when they do not (see `totals`). */
  readonly totalOverageAmount: number | null;
  readonly currency: string | null;
  readonly totals: readonly CurrencyTotal[];
  readonly features: readonly FeatureUsage[];
  readonly freshness: Freshness;
}

export interface QuotaCheck {
  readonly organizationId: string;
  readonly feature: string;
  /** Whether `requested` more units may be used now: always for a soft quota, which bills the overage; for a hard one, if they fit. */
  readonly allowed: boolean;
  readonly requested: number;
  /** False only for a hard quota that is used up (nothing more fits); soft quotas bill the overage instead. */
  readonly hasQuota: boolean;
  readonly withinIncluded: boolean;
  readonly used: number;
  /** Held by open reservations (it counts against a hard quota). */
  readonly reserved: number;
  readonly included: number;
  /** Included quantity not used nor reserved. */
  readonly remaining: number;
  readonly enforcement: QuotaEnforcement;
  readonly resetPeriod: string;
  readonly windowStart: string;
  readonly windowEnd: string;
  readonly freshness: Freshness;
}

export interface HistoryPeriod {
  readonly periodStart: string;
  readonly periodEnd: string;
  readonly closedAt: string;
  readonly totalOverageAmount: number | null;
  readonly totals: readonly CurrencyTotal[];
  readonly features: readonly (Omit<FeatureUsage, 'displayName' | 'unit' | 'aggregation' | 'resetPeriod' | 'periodStart' | 'periodEnd'> & { events: number; corrections: number })[];
}

export interface UsageHistory {
  readonly organizationId: string;
  readonly periods: readonly HistoryPeriod[];
  readonly freshness: Freshness;
}

export interface DailyUsageLine {
  /** The organization's local date, "YYYY-MM-DD". */
  readonly day: string;
  readonly feature: string;
  /** The day's quantity as the feature aggregates it (a sum, a peak, or the latest reading). */
  readonly quantity: number;
  readonly events: number;
  readonly corrections: number;
}

export interface DailyUsageAnswer {
  readonly organizationId: string;
  readonly periodStart: string;
  readonly periodEnd: string;
  /** The time zone whose local days these are. */
  readonly timeZone: string;
  /** Every day and feature with usage, by day then feature. */
  readonly days: readonly DailyUsageLine[];
  readonly freshness: Freshness;
}

export interface OrganizationList {
  readonly organizations: readonly OrganizationListing[];
  /** Pass as `after` for the next page; null on the last one. */
  readonly next: string | null;
  readonly freshness: Freshness;
}

/** Organizations a page of the list holds at most. */
export const MAX_ORGANIZATIONS_PAGE = 200;

export interface FeatureEstimate {
  readonly feature: string;
  readonly currentQuantity: number;
  readonly projectedQuantity: number;
  /** Units per day the projection assumes, for counted features; null for readings kept level. */
  readonly dailyRate: number | null;
  readonly estimatedAmount: number;
  readonly estimatedAmountDecimal: string;
  readonly currency: string;
}

export interface CostEstimate {
  readonly organizationId: string;
  readonly periodStart: string;
  readonly periodEnd: string;
  readonly method: string;
  readonly estimatedAmount: number | null;
  readonly currentAmount: number | null;
  readonly currency: string | null;
  readonly totals: readonly CurrencyTotal[];
  readonly features: readonly FeatureEstimate[];
  readonly freshness: Freshness;
}

/** An organization's settings, own features and configured quotas, as the read models hold them. */
export interface OrganizationView extends OrganizationSettings {
  readonly organizationId: string;
  readonly customFeatures: readonly { key: string; displayName: string; unit: string; aggregation: string }[];
  readonly quotas: readonly Omit<Quota, 'configured'>[];
  readonly freshness: Freshness;
}

export const ESTIMATE_METHOD =
  'counted features continue at the run-rate of the last 7 local days (fewer early in a period); readings stay at their current level; each remaining quota window is priced like real usage';

export const MAX_HISTORY_LIMIT = 120;

export interface UsageQueriesOptions {
  readonly maxWaitMs?: number;
  readonly pollIntervalMs?: number;
}

export class UsageQueries {
  private readonly wait: FreshnessWait;

  constructor(
    private readonly readModels: UsageReadModels,
    private readonly ledgers: OrganizationLedgers,
    private readonly clock: Clock,
    options: UsageQueriesOptions = {},
  ) {
    this.wait = {
      maxWaitMs: options.maxWaitMs ?? DEFAULT_FRESHNESS_WAIT.maxWaitMs,
      pollIntervalMs: options.pollIntervalMs ?? DEFAULT_FRESHNESS_WAIT.pollIntervalMs,
    };
  }

  async getCurrentUsage(input: { organizationId: string; features?: readonly string[] } & ReadOptions): Promise<CurrentUsage> {
    const freshness = await this.freshness(input.waitForPosition);
    const { state, period } = await this.currentPeriod(input.organizationId);
    const wanted = input.features?.map((key, index) => requireFeature(state, key, `features[${index}]`).key);
    const lines = statementForPeriod(state, period, await this.usageFor(state, period))
      .filter((line) => !wanted || wanted.includes(line.feature));
    // Asked-for features without usage or quota still answer, at zero.
    for (const key of wanted ?? []) if (!lines.some((line) => line.feature === key)) lines.push(zeroLine(state, key));
    const amounts = lines.map((line) => line.overageAmount);
    const totals = currencyTotals(amounts, state.settings.currency);
    return {
      organizationId: input.organizationId,
      periodStart: period.start,
      periodEnd: period.end,
      totalOverageAmount: totals.length === 1 ? totals[0].overageAmount : null,
      currency: totals.length === 1 ? totals[0].currency : null,
      totals,
      features: lines.map((line) => featureUsage(line, period)),
      freshness,
    };
  }

  /**
   * Exact: answered from the write side's ledger, caught up with the log, so it
   * includes every write acknowledged before it was asked, on any instance.
   */
  async checkQuota(organizationId: string, featureKey: string, options: { quantity?: number } = {}): Promise<QuotaCheck> {
    const requested = options.quantity ?? 1;
    if (!Number.isSafeInteger(requested) || requested < 1) throw validationError('quantity', 'quantity must be a whole number of at least 1');
    const { ledger, position } = await this.ledgers.read(organizationId);
    const state = requireActive(ledger.state, organizationId);
    const feature = requireFeature(state, featureKey, 'feature');
    const quota = effectiveQuota(state, feature);
    const now = this.clock.now();
    const window = quotaWindowAt(now, quota.resetPeriod, state.settings);
    const used = ledger.usageIn(feature, window).quantity;
    const reserved = reservedIn(state.reservations ?? {}, feature.key, window.start.toISOString(), now);
    const hard = quota.enforcement === 'hard';
    // Readings (max, latest) are not added up: a reading fits when it is within the included quantity.
    const fits = (quantity: number) => (feature.aggregation === 'sum' ? used + reserved + quantity <= quota.includedQuantity : quantity <= quota.includedQuantity);
    return {
      organizationId,
      feature: feature.key,
      allowed: !hard || fits(requested),
      requested,
      hasQuota: !hard || fits(1),
      withinIncluded: used < quota.includedQuantity,
      used,
      reserved,
      included: quota.includedQuantity,
      remaining: Math.max(0, quota.includedQuantity - used - reserved),
      enforcement: quota.enforcement,
      resetPeriod: quota.resetPeriod,
      windowStart: window.start.toISOString(),
      windowEnd: window.end.toISOString(),
      freshness: { position: position?.toString() ?? null, caughtUpAt: now.toISOString(), ageMs: 0, includesRequestedPosition: true },
    };
  }

  async getUsageHistory(input: { organizationId: string; limit?: number } & ReadOptions): Promise<UsageHistory> {
    const limit = input.limit ?? 12;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_HISTORY_LIMIT) {
      throw validationError('limit', `limit must be a whole number from 1 to ${MAX_HISTORY_LIMIT}`);
    }
    const freshness = await this.freshness(input.waitForPosition);
    const state = await this.organization(input.organizationId);
    const newestFirst = [...state.closedPeriods].sort().reverse().slice(0, limit);
    const closedPeriods = (await this.readModels.closedPeriods(input.organizationId, newestFirst)).sort((a, b) => b.billingPeriod.start.localeCompare(a.billingPeriod.start));
    const periods = closedPeriods.map((closed): HistoryPeriod => {
      const features = closed.features.map(({ overageAmount, ...rest }) => ({ ...rest, ...amountFields(overageAmount, rest.currency) }));
      const totals = currencyTotals(closed.features.map((f) => moneyFromMajor(f.overageAmount, f.currency)), state.settings.currency);
      return {
        periodStart: closed.billingPeriod.start,
        periodEnd: closed.billingPeriod.end,
        closedAt: closed.closedAt,
        totalOverageAmount: totals.length === 1 ? totals[0].overageAmount : null,
        totals,
        features,
      };
    });
    return { organizationId: input.organizationId, periods, freshness };
  }

  async estimateUsageCosts(organizationId: string, options: ReadOptions = {}): Promise<CostEstimate> {
    const freshness = await this.freshness(options.waitForPosition);
    const { state, period } = await this.currentPeriod(organizationId);
    const usage = await this.usageFor(state, period);
    const current = statementForPeriod(state, period, usage);
    const forecasts = forecastPeriod(state, period, this.clock.now(), usage);
    const features = forecasts.map(({ feature, dailyRate, line }): FeatureEstimate => {
      const now = current.find((c) => c.feature === feature);
      const estimated = amountFields(toMajorString(line.overageAmount), line.overageAmount.currency);
      return {
        feature,
        currentQuantity: now?.totalQuantity ?? 0,
        projectedQuantity: line.totalQuantity,
        dailyRate: dailyRate === null ? null : Math.round(dailyRate * 100) / 100,
        estimatedAmount: estimated.overageAmount,
        estimatedAmountDecimal: estimated.overageAmountDecimal,
        currency: line.overageAmount.currency,
      };
    });
    const totals = currencyTotals(forecasts.map((f) => f.line.overageAmount), state.settings.currency);
    const currentTotals = currencyTotals(current.map((c) => c.overageAmount), state.settings.currency);
    return {
      organizationId,
      periodStart: period.start,
      periodEnd: period.end,
      method: ESTIMATE_METHOD,
      estimatedAmount: totals.length === 1 ? totals[0].overageAmount : null,
      currentAmount: currentTotals.length === 1 ? currentTotals[0].overageAmount : null,
      currency: totals.length === 1 ? totals[0].currency : null,
      totals,
      features,
      freshness,
    };
  }

  /** Organizations by id, a page at a time, optionally those whose id or name contains a text; from the read models. */
  async listOrganizations(input: { containing?: string; after?: string; limit?: number } & ReadOptions): Promise<OrganizationList> {
    const limit = input.limit ?? 50;
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_ORGANIZATIONS_PAGE) throw validationError('limit', `limit must be a whole number from 1 to ${MAX_ORGANIZATIONS_PAGE}`);
    const freshness = await this.freshness(input.waitForPosition);
    // One more than asked says whether a next page exists.
    const found = await this.readModels.organizations({ containing: input.containing, after: input.after, limit: limit + 1 });
    const organizations = found.slice(0, limit);
    return { organizations, next: found.length > limit ? organizations[organizations.length - 1].organizationId : null, freshness };
  }

  /** A billing period's usage per local day and feature: the open period, or the one `period` ("2026-11") names. */
  async getDailyUsage(input: { organizationId: string; period?: string } & ReadOptions): Promise<DailyUsageAnswer> {
    const freshness = await this.freshness(input.waitForPosition);
    const state = await this.organization(input.organizationId);
    const period = toIntervalRecord(input.period === undefined ? openPeriodAt(state, this.clock.now()) : billingPeriodForKey(input.period, state.settings));
    const days = (await this.readModels.dailyUsage(input.organizationId, [period.start]))
      .filter((usage) => usage.billingPeriod.start === period.start)
      .sort((a, b) => compareText(a.day, b.day) || compareText(a.feature, b.feature))
      .map(({ day, feature, total }) => ({ day, feature, quantity: total.quantity, events: total.events, corrections: total.corrections }));
    return { organizationId: input.organizationId, periodStart: period.start, periodEnd: period.end, timeZone: state.settings.timeZone, days, freshness };
  }

  async getOrganization(organizationId: string, options: ReadOptions = {}): Promise<OrganizationView> {
    const freshness = await this.freshness(options.waitForPosition);
    const { settings, customFeatures, quotas } = await this.organization(organizationId);
    return {
      organizationId,
      ...settings,
      customFeatures: Object.values(customFeatures).map(({ key, displayName, unit, aggregation }) => ({ key, displayName, unit, aggregation })),
      quotas: Object.values(quotas).map(({ configured: _configured, ...quota }) => quota),
      freshness,
    };
  }

  /**
   * The organization as the write side knows it (exact, and there as soon as it
   * is created); its usage comes from the read models, whose freshness every
   * answer reports.
   */
  private async organization(organizationId: string): Promise<ActiveOrganization> {
    return requireActive((await this.ledgers.ledger(organizationId)).state, organizationId);
  }

  /** The daily usage a statement of `period` prices: its own, and earlier periods' in windows reaching into it. */
  private usageFor(state: ActiveOrganization, period: IntervalRecord): Promise<DailyUsage[]> {
    return this.readModels.dailyUsage(state.organizationId, periodsPricedWith(state, period).map((p) => p.start));
  }

  private async currentPeriod(organizationId: string): Promise<{ state: ActiveOrganization; period: IntervalRecord }> {
    const state = await this.organization(organizationId);
    return { state, period: toIntervalRecord(openPeriodAt(state, this.clock.now())) };
  }

  private async freshness(waitForPosition: string | undefined): Promise<Freshness> {
    let wanted: bigint | null = null;
    if (waitForPosition !== undefined) {
      if (!/^\d{1,30}$/.test(waitForPosition)) throw validationError('waitForPosition', 'waitForPosition must be a position returned by a write (digits)');
      wanted = BigInt(waitForPosition);
    }
    return awaitFreshness(this.readModels, this.clock, wanted, this.wait);
  }
}

function zeroLine(state: ActiveOrganization, key: string): FeatureLine {
  const feature = requireFeature(state, key, 'features');
  const quota = effectiveQuota(state, feature);
  return {
    feature: feature.key,
    displayName: feature.displayName,
    unit: feature.unit,
    aggregation: feature.aggregation,
    resetPeriod: quota.resetPeriod,
    includedQuantity: quota.includedQuantity,
    totalQuantity: 0,
    overageQuantity: 0,
    overageAmount: zero(quota.currency),
    windows: 0,
    events: 0,
    corrections: 0,
  };
}

function featureUsage(line: FeatureLine, period: IntervalRecord): FeatureUsage {
  return {
    feature: line.feature,
    displayName: line.displayName,
    unit: line.unit,
    aggregation: line.aggregation,
    resetPeriod: line.resetPeriod,
    totalQuantity: line.totalQuantity,
    includedQuantity: line.includedQuantity,
    overageQuantity: line.overageQuantity,
    ...amountFields(toMajorString(line.overageAmount), line.overageAmount.currency),
    currency: line.overageAmount.currency,
    periodStart: period.start,
    periodEnd: period.end,
  };
}
