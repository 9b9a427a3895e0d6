// The read side as callers see it, by name:
// getCurrentUsage, checkQuota, getUsageHistory, estimateUsageCosts. Every answer
// says how fresh its data is, and a caller that just wrote can ask to wait
// (bounded) until the read models include its write.
import { validationError } from '../../domain/domain-error';
import type { IntervalRecord } from '../../domain/events';
import { toMajorString, zero } from '../../domain/money';
import { effectiveQuota, organizationNotFound, type ActiveOrganization } from '../../domain/organization';
import { requireFeature } from '../../domain/usage-validation';
import { statementForPeriod, type FeatureLine } from '../../domain/period-statement';
import { billingPeriodsInWindow, quotaWindowAt } from '../../domain/periods';
import type { OrganizationSettings } from '../../domain/organization-settings';
import type { Quota, QuotaEnforcement } from '../../domain/quota';
import { EMPTY_WINDOW_TOTAL, mergeTotals } from '../../domain/usage-aggregation';
import { forecastPeriod } from '../../domain/usage-forecast';
import { openPeriodAt } from '../../domain/billing-calendar';
import { toIntervalRecord } from '../../domain/periods';
import type { Clock } from '../ports/clock';
import type { UsageReadModels } from '../ports/usage-read-models';
import { awaitFreshness, DEFAULT_FRESHNESS_WAIT, type Freshness, type FreshnessWait } from './read-model-freshness';
import { amountFields, currencyTotals, moneyFromMajor, type AmountFields, type CurrencyTotal } from './usage-amounts';

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
  /** False only for a hard quota that is used up; soft quotas bill the overage instead. */
  readonly hasQuota: boolean;
  readonly withinIncluded: boolean;
  readonly used: number;
  readonly included: number;
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
    const lines = statementForPeriod(state, period, await this.readModels.windowUsage(input.organizationId, period))
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

  async checkQuota(organizationId: string, featureKey: string, options: ReadOptions = {}): Promise<QuotaCheck> {
    const freshness = await this.freshness(options.waitForPosition);
    const state = await this.organization(organizationId);
    const feature = requireFeature(state, featureKey, 'feature');
    const quota = effectiveQuota(state, feature);
    const window = quotaWindowAt(this.clock.now(), quota.resetPeriod, state.settings);
    const periodStarts = billingPeriodsInWindow(window, state.settings).map((period) => period.start.toISOString());
    const parts = await this.readModels.windowParts(organizationId, feature.key, window.start.toISOString(), periodStarts);
    const used = [...parts]
      .sort((a, b) => a.billingPeriod.start.localeCompare(b.billingPeriod.start))
      .reduce((total, part) => mergeTotals(feature.aggregation, total, part.total), EMPTY_WINDOW_TOTAL).quantity;
    const withinIncluded = used < quota.includedQuantity;
    return {
      organizationId,
      feature: feature.key,
      hasQuota: quota.enforcement === 'soft' || withinIncluded,
      withinIncluded,
      used,
      included: quota.includedQuantity,
      remaining: Math.max(0, quota.includedQuantity - used),
      enforcement: quota.enforcement,
      resetPeriod: quota.resetPeriod,
      windowStart: window.start.toISOString(),
      windowEnd: window.end.toISOString(),
      freshness,
    };
  }

  async getUsageHistory(input: { organizationId: string; limit?: number } & ReadOptions): Promise<UsageHistory> {
    const limit = input.limit ?? 12;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_HISTORY_LIMIT) {
      throw validationError('limit', `limit must be a whole number from 1 to ${MAX_HISTORY_LIMIT}`);
    }
    const freshness = await this.freshness(input.waitForPosition);
    const state = await this.organization(input.organizationId);
    const periods = (await this.readModels.closedPeriods(input.organizationId, limit)).map((closed): HistoryPeriod => {
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
    const windows = await this.readModels.windowUsage(organizationId, period);
    const current = statementForPeriod(state, period, windows);
    const forecasts = forecastPeriod(state, period, this.clock.now(), windows, await this.readModels.dailyUsage(organizationId, period));
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

  private async organization(organizationId: string): Promise<ActiveOrganization> {
    const state = await this.readModels.organization(organizationId);
    if (!state) throw organizationNotFound(organizationId);
    return state;
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
