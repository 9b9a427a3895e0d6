// Decisions about alerts. A rule is set or removed by its own command; a
// crossing is decided with the usage that caused it, once the batch of
// commands that recorded that usage is decided, and appended in the same
// write as that usage: once per rule and
// window (the state remembers what fired), never twice under concurrent
// writers (one organization's commands are decided one batch at a time against
// its ledger), never missed between two writes (a watched value at or past its
// threshold fires at the next write into its window if it has not yet), and
// replayed identically. Reservations do not count: only recorded usage does.
import type { Decimal as DecimalValue } from 'decimal.js';
import { MoneyDecimal as Decimal } from './money';
import { EMPTY_ALERTS, firedKey, firedKeyAt, MAX_ALERT_RULES, usedUpKeyAt, type AlertRule, type AlertState } from './alerts';
import { openPeriodAt } from './billing-calendar';
import type { Aggregation, FeatureDefinition } from './catalogue';
import type { RemoveAlertRule, SetAlertRule } from './commands';
import { currencyExponent, isCurrencyCode } from './currency';
import { usageDayOf, type DailyUsage } from './daily-usage';
import { DomainError, validationError } from './domain-error';
import type { AlertWatch, IntervalRecord, OrganizationEvent, QuotaUsedUp, UsageEvent, UsageThresholdCrossed } from './events';
import { sumMoney, toMajorString } from './money';
import { effectiveQuota, findFeature, type ActiveOrganization } from './organization';
import { periodsPricedWith, statementForPeriod, windowOfDay, type FeatureLine } from './period-statement';
import { quotaWindowAt, toIntervalRecord, type Interval } from './periods';
import type { WindowTotal } from './usage-aggregation';
import { MAX_PERIOD_QUANTITY } from './usage-bounds';
import { requireFeature } from './usage-validation';

/** What a decision knows of usage recorded before it. */
export interface AlertContext {
  readonly now: Date;
  readonly recorded: { totalIn(feature: string, aggregation: Aggregation, fromMs: number, toMs: number, timeZone: string): WindowTotal };
  readonly dailyUsage: () => readonly DailyUsage[];
}

const MAX_PERCENT = 100_000;

function validateWatch(state: ActiveOrganization, watch: AlertWatch): AlertWatch {
  switch (watch?.kind) {
    case 'quantity': {
      const feature = requireFeature(state, watch.feature, 'feature');
      if (!Number.isSafeInteger(watch.quantity) || watch.quantity < 1 || watch.quantity > MAX_PERIOD_QUANTITY) {
        throw validationError('quantity', `quantity must be a whole number from 1 to ${MAX_PERIOD_QUANTITY.toLocaleString('en')}`);
      }
      return { kind: 'quantity', feature: feature.key, quantity: watch.quantity };
    }
    case 'percentOfIncluded': {
      const feature = requireFeature(state, watch.feature, 'feature');
      const percent = watch.percentOfIncluded;
      if (typeof percent !== 'number' || !Number.isFinite(percent) || percent <= 0 || percent > MAX_PERCENT || new Decimal(percent).decimalPlaces() > 2) {
        throw validationError('percentOfIncluded', `percentOfIncluded must be a number above 0 and at most ${MAX_PERCENT}, with at most 2 decimals (80, 100, 150…)`);
      }
      return { kind: 'percentOfIncluded', feature: feature.key, percentOfIncluded: percent };
    }
    case 'overageAmount': {
      if (typeof watch.currency !== 'string' || !isCurrencyCode(watch.currency)) throw validationError('currency', `currency ${JSON.stringify(watch.currency)} is not an ISO 4217 code (e.g. "EUR")`);
      const text = watch.overageAmount;
      const valid = typeof text === 'string' && /^\d{1,15}(\.\d+)?$/.test(text) && new Decimal(text).gt(0) && new Decimal(text).decimalPlaces() <= currencyExponent(watch.currency);
      if (!valid) {
        throw validationError('overageAmount', `overageAmount must be a positive decimal in major units of ${watch.currency} with at most ${currencyExponent(watch.currency)} decimals, e.g. "500.00"`);
      }
      return { kind: 'overageAmount', overageAmount: new Decimal(text).toFixed(), currency: watch.currency };
    }
    default:
      throw validationError('watch', 'an alert rule watches { feature, quantity }, { feature, percentOfIncluded } or { overageAmount, currency }');
  }
}

// A rule's threshold is asked for at every write into a window it watches; it
// changes only with the rule or the feature's quota, both immutable values.
const thresholds = new WeakMap<AlertWatch, { quota: unknown; threshold: DecimalValue }>();

function rememberedThreshold(state: ActiveOrganization, watch: AlertWatch): DecimalValue {
  const quota = watch.kind === 'overageAmount' ? null : state.quotas[watch.feature];
  const known = thresholds.get(watch);
  if (known && known.quota === quota) return known.threshold;
  const threshold = thresholdOf(state, watch);
  thresholds.set(watch, { quota, threshold });
  return threshold;
}

/** The rule's threshold in the units of the watched value: a quantity, or an amount. */
function thresholdOf(state: ActiveOrganization, watch: AlertWatch): DecimalValue {
  switch (watch.kind) {
    case 'quantity':
      return new Decimal(watch.quantity);
    case 'percentOfIncluded': {
      const feature = findFeature(state, watch.feature);
      const included = feature ? effectiveQuota(state, feature).includedQuantity : 0;
      return new Decimal(included).times(watch.percentOfIncluded).dividedBy(100);
    }
    case 'overageAmount':
      return new Decimal(watch.overageAmount);
  }
}

function crossing(state: ActiveOrganization, rule: AlertRule, value: DecimalValue, window: IntervalRecord, cause: UsageThresholdCrossed['data']['cause'], now: Date): UsageThresholdCrossed {
  return {
    type: 'UsageThresholdCrossed',
    data: {
      organizationId: state.organizationId,
      ruleId: rule.ruleId,
      watch: rule.watch,
      threshold: thresholdOf(state, rule.watch).toFixed(),
      value: value.toFixed(),
      window,
      cause,
      crossedAt: now.toISOString(),
    },
  };
}

/** The overage in a currency of a period's statement lines, in major units. */
function overageOfLines(lines: readonly FeatureLine[], currency: string): DecimalValue {
  const amounts = lines.map((line) => line.overageAmount).filter((amount) => amount.currency === currency);
  return new Decimal(toMajorString(sumMoney(currency, amounts)));
}

/** The organization's overage in a currency over a billing period, given its daily usage. */
function overageIn(state: ActiveOrganization, period: IntervalRecord, usage: readonly DailyUsage[], currency: string): DecimalValue {
  return overageOfLines(statementForPeriod(state, period, usage), currency);
}

export function setAlertRule(command: SetAlertRule, state: ActiveOrganization, context: AlertContext): OrganizationEvent[] {
  const { organizationId, ruleId } = command.data;
  if (typeof ruleId !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(ruleId)) throw validationError('ruleId', 'ruleId must be 1 to 64 letters, digits, "_" or "-"');
  const rules = state.alerts?.rules ?? {};
  if (!rules[ruleId] && Object.keys(rules).length >= MAX_ALERT_RULES) {
    throw new DomainError('conflict', `organization ${organizationId} has ${MAX_ALERT_RULES} alert rules already; remove one first`, 'watch');
  }
  const watch = validateWatch(state, command.data.watch);
  const current = rules[ruleId];
  if (current && JSON.stringify(current.watch) === JSON.stringify(watch)) return [];
  const now = context.now;
  const rule: AlertRule = { ruleId, watch, setAt: now.toISOString() };
  const events: OrganizationEvent[] = [{ type: 'AlertRuleSet', data: { organizationId, ruleId, watch, setAt: now.toISOString() } }];
  // A rule set while its value is past its threshold fires once, now.
  const threshold = thresholdOf(state, watch);
  if (watch.kind === 'overageAmount') {
    const period = toIntervalRecord(openPeriodAt(state, now));
    const value = overageIn(state, period, context.dailyUsage(), watch.currency);
    if (value.gte(threshold)) events.push(crossing(state, rule, value, period, 'rule-created', now));
  } else {
    const feature = requireFeature(state, watch.feature, 'feature');
    const window = quotaWindowAt(now, effectiveQuota(state, feature).resetPeriod, state.settings);
    const value = new Decimal(context.recorded.totalIn(feature.key, feature.aggregation, window.start.getTime(), window.end.getTime(), state.settings.timeZone).quantity);
    if (value.gte(threshold) && threshold.gt(0)) events.push(crossing(state, rule, value, toIntervalRecord(window), 'rule-created', now));
  }
  return events;
}

export function removeAlertRule(command: RemoveAlertRule, state: ActiveOrganization, now: Date): OrganizationEvent[] {
  const { organizationId, ruleId } = command.data;
  if (!(state.alerts?.rules ?? {})[ruleId]) throw new DomainError('not_found', `organization ${organizationId} has no alert rule ${JSON.stringify(ruleId)}`, 'ruleId');
  return [{ type: 'AlertRuleRemoved', data: { organizationId, ruleId, removedAt: now.toISOString() } }];
}

/** An organization's rules sorted for deciding: per watched feature, and those on overage. */
interface RulePlan {
  readonly rulesOf: ReadonlyMap<string, readonly AlertRule[]>;
  readonly overageRules: readonly AlertRule[];
}

// Rules change rarely and every write asks; the rules object is immutable, so its plan is kept with it.
const plans = new WeakMap<AlertState['rules'], RulePlan>();

function planOf(rules: AlertState['rules']): RulePlan {
  let plan = plans.get(rules);
  if (!plan) {
    const rulesOf = new Map<string, AlertRule[]>();
    const overageRules: AlertRule[] = [];
    for (const rule of Object.values(rules)) {
      if (rule.watch.kind === 'overageAmount') {
        overageRules.push(rule);
        continue;
      }
      const watching = rulesOf.get(rule.watch.feature);
      if (watching) watching.push(rule);
      else rulesOf.set(rule.watch.feature, [rule]);
    }
    plan = { rulesOf, overageRules };
    plans.set(rules, plan);
  }
  return plan;
}

/**
 * The crossings, and hard quotas used up, that usage just recorded leads to:
 * every rule (and hard quota) of a window the usage went into whose value is
 * now at or past its threshold and that has not fired in that window yet.
 * `state` and `context` already hold the usage (the ledger decides a batch of
 * commands, then asks once for all of its usage).
 */
export function alertsAfter(state: ActiveOrganization, usage: readonly UsageEvent[], context: AlertContext): OrganizationEvent[] {
  if (usage.length === 0) return [];
  const alerts = state.alerts ?? EMPTY_ALERTS;
  const { rulesOf, overageRules } = planOf(alerts.rules);
  const now = context.now;
  const events: OrganizationEvent[] = [];
  // Per feature and window of the quota in force that the usage went into.
  const windows = new Map<string, { feature: FeatureDefinition; window: Interval }>();
  for (const event of usage) {
    const feature = findFeature(state, event.data.feature);
    if (!feature) continue;
    const quota = effectiveQuota(state, feature);
    if (quota.enforcement !== 'hard' && !rulesOf.has(feature.key)) continue;
    const window = windowOfDay(state, quota.resetPeriod, usageDayOf(event, state.settings.timeZone));
    windows.set(`${feature.key}|${window.start.getTime()}`, { feature, window });
  }
  for (const { feature, window } of windows.values()) {
    const startMs = window.start.getTime();
    // Once every rule of the window has fired (and its hard quota is used up), the window's total is not needed.
    const pending = (rulesOf.get(feature.key) ?? []).filter((rule) => !alerts.fired[firedKeyAt(rule.ruleId, startMs)]);
    const quota = effectiveQuota(state, feature);
    const watchesUsedUp = quota.enforcement === 'hard' && quota.includedQuantity > 0 && !alerts.usedUp[usedUpKeyAt(feature.key, startMs)];
    if (pending.length === 0 && !watchesUsedUp) continue;
    const total = context.recorded.totalIn(feature.key, feature.aggregation, startMs, window.end.getTime(), state.settings.timeZone);
    const record = toIntervalRecord(window);
    const value = new Decimal(total.quantity);
    for (const rule of pending) {
      const threshold = rememberedThreshold(state, rule.watch);
      if (threshold.gt(0) && value.gte(threshold)) events.push(crossing(state, rule, value, record, 'usage', now));
    }
    if (watchesUsedUp && total.quantity >= quota.includedQuantity) {
      events.push({ type: 'QuotaUsedUp', data: { organizationId: state.organizationId, feature: feature.key, included: quota.includedQuantity, window: record, usedUpAt: now.toISOString() } } satisfies QuotaUsedUp);
    }
  }
  if (overageRules.length > 0) {
    for (const period of new Map(usage.map((event) => [event.data.billingPeriod.start, event.data.billingPeriod])).values()) {
      const pending = overageRules.filter((rule) => !alerts.fired[firedKey(rule.ruleId, period)]);
      if (pending.length === 0) continue;
      const priced = new Set(periodsPricedWith(state, period).map((p) => p.start));
      // One statement for every pending rule; the lines of features the usage did not touch are remembered from earlier decisions.
      const lines = statementForPeriod(state, period, context.dailyUsage().filter((day) => priced.has(day.billingPeriod.start)));
      const overage = new Map<string, DecimalValue>();
      for (const rule of pending) {
        if (rule.watch.kind !== 'overageAmount') continue;
        const { currency } = rule.watch;
        const value = overage.get(currency) ?? overageOfLines(lines, currency);
        overage.set(currency, value);
        if (value.gte(rememberedThreshold(state, rule.watch))) events.push(crossing(state, rule, value, period, 'usage', now));
      }
    }
  }
  return events;
}
