// The organization's decision rules: given a command, what the ledger knows and
// "now", the events to append, or a DomainError saying why not. Pure: no clock,
// no ids, no I/O. Called through OrganizationLedger.decide, which supplies the
// context from the fold of the organization's events.
import { validateCustomFeature } from './catalogue';
import { closeBillingPeriod, recordInvoiceItem, recordStripeFailure, recordStripeReport, recordUsageAggregation } from './decide-billing';
import type { DailyUsage } from './daily-usage';
import type {
  ConfigureOrganization,
  ConfigureQuota,
  CorrectUsage,
  DefineCustomFeature,
  OrganizationCommand,
  RemoveQuota,
  TrackUsage,
} from './commands';
import { DomainError, validationError } from './domain-error';
import type { OrganizationEvent, UsageCorrected } from './events';
import { DEFAULT_ORGANIZATION_SETTINGS, validateOrganizationSettings, type OrganizationSettings } from './organization-settings';
import { requireActive, type ActiveOrganization, type OrganizationState } from './organization';
import { perUnitPricing } from './pricing';
import { validateQuota, type Quota } from './quota';
import { describeFingerprint, fingerprintOf, sameUsage, type UsageFingerprint, type UsageKeyLookup } from './usage-identity';
import { removeAlertRule, setAlertRule } from './decide-alerts';
import { commitReservation, releaseReservation, reserveUsage } from './decide-reservations';
import { HardQuotaGuard, QuotaExceededError, type QuotaRefusal, type RecordedWindows } from './quota-enforcement';
import { PeriodQuantityGuard, type RecordedQuantities } from './usage-bounds';
import { placeCorrection, usageEventFor } from './usage-placement';
import { MAX_BULK_ITEMS, parseInstant, requireFeature, requireNotFuture, validateIdempotencyKey, validateQuantity, validateUsageItem } from './usage-validation';

export interface DecisionContext {
  readonly now: Date;
  /** The content each already-accepted idempotency key of this organization was recorded with. */
  readonly knownUsage: UsageKeyLookup;
  /** The organization's usage per local day and period, for aggregation and close. */
  readonly dailyUsage: () => readonly DailyUsage[];
  /** Quantities already recorded: for the bound on what Tally adds up exactly, and for hard quotas. */
  readonly recorded: RecordedQuantities & RecordedWindows;
}

export function decide(command: OrganizationCommand, state: OrganizationState, context: DecisionContext): OrganizationEvent[] {
  switch (command.type) {
    case 'ConfigureOrganization':
      return configureOrganization(command, state, context.now);
    case 'DefineCustomFeature':
      return defineCustomFeature(command, requireActive(state, command.data.organizationId), context.now);
    case 'ConfigureQuota':
      return configureQuota(command, requireActive(state, command.data.organizationId), context.now);
    case 'RemoveQuota':
      return removeQuota(command, requireActive(state, command.data.organizationId), context.now);
    case 'TrackUsage':
      return trackUsage(command, requireActive(state, command.data.organizationId), context);
    case 'CorrectUsage':
      return correctUsage(command, requireActive(state, command.data.organizationId), context);
    case 'RecordUsageAggregation':
      return recordUsageAggregation(command, requireActive(state, command.data.organizationId), context.now, context.dailyUsage());
    case 'CloseBillingPeriod':
      return closeBillingPeriod(command, requireActive(state, command.data.organizationId), context.now, context.dailyUsage());
    case 'RecordStripeReport':
      return recordStripeReport(command, requireActive(state, command.data.organizationId), context.now);
    case 'RecordStripeFailure':
      requireActive(state, command.data.organizationId);
      return recordStripeFailure(command, context.now);
    case 'RecordInvoiceItem':
      return recordInvoiceItem(command, requireActive(state, command.data.organizationId), context.now);
    case 'ReserveUsage':
      return reserveUsage(command, requireActive(state, command.data.organizationId), context);
    case 'CommitReservation':
      return commitReservation(command, requireActive(state, command.data.organizationId), context);
    case 'ReleaseReservation':
      return releaseReservation(command, requireActive(state, command.data.organizationId), context.now);
    case 'SetAlertRule':
      return setAlertRule(command, requireActive(state, command.data.organizationId), context);
    case 'RemoveAlertRule':
      return removeAlertRule(command, requireActive(state, command.data.organizationId), context.now);
    default: {
      const unhandled: never = command;
      throw new Error(`unhandled command ${JSON.stringify(unhandled)}`);
    }
  }
}

function configureOrganization(command: ConfigureOrganization, state: OrganizationState, now: Date): OrganizationEvent[] {
  const { organizationId, ...changes } = command.data;
  const defined = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined)) as Partial<OrganizationSettings>;
  const current: OrganizationSettings =
    state.status === 'active' ? state.settings : { ...DEFAULT_ORGANIZATION_SETTINGS, name: organizationId };
  const settings: OrganizationSettings = { ...current, ...defined };
  validateOrganizationSettings(settings);
  if (state.status === 'active') {
    const calendarChanged = settings.timeZone !== current.timeZone || settings.billingAnchorDay !== current.billingAnchorDay;
    // Recorded usage is placed in periods of the old calendar; moving the boundaries under it would split or overlap periods.
    if (calendarChanged && state.hasUsage) {
      throw new DomainError('conflict', 'timeZone and billingAnchorDay cannot change once usage has been recorded', 'timeZone');
    }
    if (sameSettings(settings, current)) return [];
  }
  return [{ type: 'OrganizationConfigured', data: { organizationId, configuredAt: now.toISOString(), ...settings } }];
}

function sameSettings(a: OrganizationSettings, b: OrganizationSettings): boolean {
  return (Object.keys(a) as (keyof OrganizationSettings)[]).every((key) => a[key] === b[key]);
}

function defineCustomFeature(command: DefineCustomFeature, state: ActiveOrganization, now: Date): OrganizationEvent[] {
  const { organizationId, ...definition } = command.data;
  const feature = validateCustomFeature(definition);
  const existing = state.customFeatures[feature.key];
  if (existing) {
    // Changing how a feature aggregates would reinterpret every reading already recorded.
    if (existing.aggregation !== feature.aggregation) {
      throw new DomainError('conflict', `feature ${feature.key} already aggregates by ${existing.aggregation}`, 'aggregation');
    }
    if (existing.displayName === feature.displayName && existing.unit === feature.unit) return [];
  }
  return [
    {
      type: 'CustomFeatureDefined',
      data: {
        organizationId,
        key: feature.key,
        displayName: feature.displayName,
        unit: feature.unit,
        aggregation: feature.aggregation,
        definedAt: now.toISOString(),
      },
    },
  ];
}

function configureQuota(command: ConfigureQuota, state: ActiveOrganization, now: Date): OrganizationEvent[] {
  const { organizationId, feature: featureKey, pricePerUnit, pricing, ...rest } = command.data;
  const feature = requireFeature(state, featureKey, 'feature');
  if ((pricePerUnit === undefined) === (pricing === undefined)) {
    throw validationError('pricePerUnit', 'give either pricePerUnit (minor units per unit) or pricing (a tiered or package model), not both or neither');
  }
  const quota: Quota = {
    feature: feature.key,
    includedQuantity: rest.includedQuantity,
    pricing: pricing ?? perUnitPricing(pricePerUnit as string | number),
    currency: rest.currency ?? state.settings.currency,
    resetPeriod: rest.resetPeriod ?? 'MONTHLY',
    enforcement: rest.enforcement ?? 'soft',
    configured: true,
  };
  validateQuota(quota);
  const current = state.quotas[feature.key];
  if (current && JSON.stringify(current) === JSON.stringify(quota)) return [];
  const { configured: _configured, ...data } = quota;
  return [{ type: 'QuotaConfigured', data: { organizationId, ...data, configuredAt: now.toISOString() } }];
}

function removeQuota(command: RemoveQuota, state: ActiveOrganization, now: Date): OrganizationEvent[] {
  const { organizationId, feature } = command.data;
  if (!state.quotas[feature]) {
    throw new DomainError('not_found', `organization ${organizationId} has no quota configured for ${JSON.stringify(feature)}`, 'feature');
  }
  return [{ type: 'QuotaRemoved', data: { organizationId, feature, removedAt: now.toISOString() } }];
}

function trackUsage(command: TrackUsage, state: ActiveOrganization, context: DecisionContext): OrganizationEvent[] {
  const { organizationId, items } = command.data;
  if (!Array.isArray(items) || items.length === 0 || items.length > MAX_BULK_ITEMS) {
    throw validationError('items', `items must hold 1 to ${MAX_BULK_ITEMS} usage events`);
  }
  const now = context.now;
  const acceptedHere = new Map<string, UsageFingerprint>();
  const bound = new PeriodQuantityGuard(context.recorded, state.settings.timeZone);
  const quotas = new HardQuotaGuard(state, context.recorded, now);
  const refusals: QuotaRefusal[] = [];
  const events: OrganizationEvent[] = [];
  items.forEach((item, index) => {
    const prefix = command.data.bulk ? `items[${index}].` : '';
    const { feature, happenedAt } = validateUsageItem(state, item, now, prefix);
    const known = acceptedHere.get(item.idempotencyKey) ?? context.knownUsage(item.idempotencyKey);
    if (known) {
      const repeat = { feature: feature.key, quantity: item.quantity, timestampMs: item.timestamp === undefined ? undefined : happenedAt.getTime() };
      if (sameUsage(known, repeat)) {
        events.push(duplicateIgnored(organizationId, feature.key, item.quantity, item.idempotencyKey, now));
        return;
      }
      throw new DomainError(
        'conflict',
        `idempotency key ${JSON.stringify(item.idempotencyKey)} was already used for different usage (${describeFingerprint(known)})`,
        `${prefix}idempotencyKey`,
      );
    }
    const usage = usageEventFor(state, organizationId, feature, item, happenedAt, now);
    if (feature.aggregation === 'sum') bound.admit(usage, `${prefix}quantity`);
    const window = quotas.windowOf(usage, feature);
    const refusal = window && quotas.admit(feature, window, item.quantity, `${prefix}quantity`);
    if (refusal) refusals.push(refusal);
    acceptedHere.set(item.idempotencyKey, fingerprintOf(usage));
    events.push(usage);
  });
  // A bulk is accepted whole or not at all: every refusing item is named.
  if (refusals.length > 0) throw new QuotaExceededError(refusals);
  return events;
}

/** Duplicates are logged, never counted: an audit can then show what was received and ignored. */
function duplicateIgnored(organizationId: string, feature: string, quantity: number, idempotencyKey: string, now: Date): OrganizationEvent {
  return { type: 'UsageDuplicateIgnored', data: { organizationId, feature, quantity, idempotencyKey, receivedAt: now.toISOString() } };
}

function correctUsage(command: CorrectUsage, state: ActiveOrganization, context: DecisionContext): OrganizationEvent[] {
  const { organizationId, quantity, reason, idempotencyKey, timestamp } = command.data;
  const feature = requireFeature(state, command.data.feature, 'feature');
  validateQuantity(quantity, feature, 'quantity', true);
  validateIdempotencyKey(idempotencyKey, 'idempotencyKey');
  if (typeof reason !== 'string' || reason.trim() === '' || [...reason].length > 500) {
    throw validationError('reason', 'reason must be a non-empty string of at most 500 characters');
  }
  const happenedAt = timestamp === undefined ? context.now : parseInstant(timestamp, 'timestamp');
  requireNotFuture(happenedAt, context.now, 'timestamp', timestamp);
  const known = context.knownUsage(idempotencyKey);
  if (known) {
    if (sameUsage(known, { feature: feature.key, quantity, timestampMs: timestamp === undefined ? undefined : happenedAt.getTime() })) {
      return [duplicateIgnored(organizationId, feature.key, quantity, idempotencyKey, context.now)];
    }
    throw new DomainError('conflict', `idempotency key ${JSON.stringify(idempotencyKey)} was already used for different usage (${describeFingerprint(known)})`, 'idempotencyKey');
  }
  const correction: UsageCorrected = {
    type: 'UsageCorrected',
    data: {
      organizationId,
      feature: feature.key,
      quantity,
      idempotencyKey,
      reason,
      timestamp: happenedAt.toISOString(),
      recordedAt: context.now.toISOString(),
      ...placeCorrection(state, feature, context.now),
    },
  };
  if (feature.aggregation === 'sum') new PeriodQuantityGuard(context.recorded, state.settings.timeZone).admit(correction, 'quantity');
  return [correction];
}
