// The state of one organization, folded from its events by a pure `evolve`:
// its settings, custom features, quotas and which periods have closed. It is
// what `decide` needs and nothing more; usage totals live in read models.
import { EMPTY_ALERTS, evolveAlerts, type AlertState } from './alerts';
import { builtInFeature, customFeature, type Aggregation, type FeatureDefinition } from './catalogue';
import { DomainError } from './domain-error';
import type { IntervalRecord, OrganizationEvent } from './events';
import type { OrganizationSettings } from './organization-settings';
import { eventTime } from './event-time';
import { defaultQuota, type Quota } from './quota';
import { evolveReservations, type Reservations } from './reservations';

export type OrganizationState =
  | { readonly status: 'unknown' }
  | {
      readonly status: 'active';
      readonly organizationId: string;
      readonly settings: OrganizationSettings;
      readonly customFeatures: Readonly<Record<string, FeatureDefinition>>;
      readonly quotas: Readonly<Record<string, Quota>>;
      /** Start instants (ISO) of the billing periods that have closed. */
      readonly closedPeriods: readonly string[];
      readonly lastClosedPeriod: IntervalRecord | null;
      readonly hasUsage: boolean;
      /** What Stripe was last told per feature and period (see stripeReportKey): reports are numbered and cumulative. */
      readonly stripeReports: Readonly<Record<string, StripeReportState>>;
      /** Idempotency keys of the invoice items created. */
      readonly invoiceItems: readonly string[];
      /** Open reservations, and those ended within the last day. */
      readonly reservations: Reservations;
      /** Alert rules, and what they fired in recent windows. */
      readonly alerts: AlertState;
    };

export interface StripeReportState {
  readonly reportSequence: number;
  readonly cumulativeQuantity: number;
}

// Epoch milliseconds rather than the ISO string: the state is stored in MongoDB documents,
// where a field name must not contain dots.
export const stripeReportKey = (feature: string, billingPeriodStart: string): string => `${feature}|${Date.parse(billingPeriodStart)}`;

export type ActiveOrganization = Extract<OrganizationState, { status: 'active' }>;

/** The one answer for an organization that does not exist (or that the caller may not see). */
export function organizationNotFound(organizationId: string): DomainError {
  return new DomainError('not_found', `organization ${JSON.stringify(organizationId)} does not exist`, 'organizationId');
}

/** Commands other than configuring an organization need one that exists. */
export function requireActive(state: OrganizationState, organizationId: string): ActiveOrganization {
  if (state.status !== 'active') throw organizationNotFound(organizationId);
  return state;
}

export const initialOrganizationState = (): OrganizationState => ({ status: 'unknown' });

export function evolve(state: OrganizationState, event: OrganizationEvent): OrganizationState {
  if (event.type === 'OrganizationConfigured') {
    const { organizationId, configuredAt: _configuredAt, ...settings } = event.data;
    if (state.status === 'unknown') {
      return {
        status: 'active',
        organizationId,
        settings,
        customFeatures: {},
        quotas: {},
        closedPeriods: [],
        lastClosedPeriod: null,
        hasUsage: false,
        stripeReports: {},
        invoiceItems: [],
        reservations: {},
        alerts: EMPTY_ALERTS,
      };
    }
    return { ...state, settings };
  }
  if (state.status === 'unknown') return state;

  switch (event.type) {
    case 'CustomFeatureDefined': {
      const { key, displayName, unit, aggregation } = event.data;
      return { ...state, customFeatures: { ...state.customFeatures, [key]: customFeature(key, displayName, unit, aggregation) } };
    }
    case 'QuotaConfigured': {
      const { organizationId: _org, configuredAt: _at, ...quota } = event.data;
      return { ...state, quotas: { ...state.quotas, [quota.feature]: { ...quota, configured: true } } };
    }
    case 'QuotaRemoved': {
      const { [event.data.feature]: _removed, ...quotas } = state.quotas;
      return { ...state, quotas };
    }
    case 'UsageRecorded':
    case 'UsageCorrected':
      return state.hasUsage ? state : { ...state, hasUsage: true };
    case 'BillingPeriodClosed':
      return {
        ...state,
        closedPeriods: [...state.closedPeriods, event.data.billingPeriod.start],
        lastClosedPeriod: event.data.billingPeriod,
      };
    case 'UsageReportedToStripe': {
      const { feature, billingPeriod, reportSequence, cumulativeQuantity } = event.data;
      return { ...state, stripeReports: { ...state.stripeReports, [stripeReportKey(feature, billingPeriod.start)]: { reportSequence, cumulativeQuantity } } };
    }
    case 'InvoiceItemCreated':
      return { ...state, invoiceItems: [...state.invoiceItems, event.data.idempotencyKey] };
    case 'UsageReserved':
    case 'ReservationCommitted':
    case 'ReservationReleased':
    case 'ReservationExpired':
      return { ...state, reservations: evolveReservations(state.reservations ?? {}, event, eventTime(event)) };
    case 'AlertRuleSet':
    case 'AlertRuleRemoved':
    case 'UsageThresholdCrossed':
    case 'QuotaUsedUp':
      return { ...state, alerts: evolveAlerts(state.alerts ?? EMPTY_ALERTS, event, eventTime(event)) };
    case 'UsageDuplicateIgnored':
    case 'UsageAggregated':
    case 'StripeReportFailed':
      return state;
    default: {
      const unhandled: never = event;
      return unhandled;
    }
  }
}

/** A built-in feature or one of the organization's custom features. */
export function findFeature(state: ActiveOrganization, key: string): FeatureDefinition | undefined {
  return builtInFeature(key) ?? state.customFeatures[key];
}

/** How a feature's usage combines; unknown features (none once validated) count as 'sum'. */
export function aggregationOf(state: OrganizationState, feature: string): Aggregation {
  const definition = builtInFeature(feature) ?? (state.status === 'active' ? state.customFeatures[feature] : undefined);
  return definition?.aggregation ?? 'sum';
}

/** The configured quota, or the catalogue's default in the organization's currency. */
export function effectiveQuota(state: ActiveOrganization, feature: FeatureDefinition): Quota {
  return state.quotas[feature.key] ?? defaultQuota(feature, state.settings.currency);
}

export function isPeriodClosed(state: ActiveOrganization, periodStart: string): boolean {
  return state.closedPeriods.includes(periodStart);
}
