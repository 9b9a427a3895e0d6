// An organization's billing settings: the calendar its periods follow, its
// default currency, how late usage may arrive, and how Stripe bills it.
import { isCurrencyCode } from './currency';
import { validationError } from './domain-error';
import { validateBillingSettings, type BillingSettings } from './periods';

/** A feature is billed through a Stripe meter or through invoice items, never both. */
export type StripeBillingMode = 'meter' | 'invoice';
export const STRIPE_BILLING_MODES: readonly StripeBillingMode[] = ['meter', 'invoice'];

export const STRIPE_CUSTOMER_ID = /^cus_[A-Za-z0-9]+$/;

export interface OrganizationSettings extends BillingSettings {
  readonly name: string;
  /** Currency of quotas configured without one and of the catalogue's default prices. */
  readonly currency: string;
  /** How long after a period ends its usage still counts there before the period closes. */
  readonly gracePeriodMinutes: number;
  readonly stripeCustomerId: string | null;
  readonly stripeBillingMode: StripeBillingMode;
}

// Quotas default to EUR; a period closes an hour after it ends unless configured.
export const DEFAULT_ORGANIZATION_SETTINGS: Omit<OrganizationSettings, 'name'> = Object.freeze({
  currency: 'EUR',
  timeZone: 'UTC',
  billingAnchorDay: 1,
  gracePeriodMinutes: 60,
  stripeCustomerId: null,
  stripeBillingMode: 'meter',
});

// A week is generous for late usage yet keeps an invoice from waiting on a period for long.
export const MAX_GRACE_PERIOD_MINUTES = 7 * 24 * 60;

export function validateOrganizationSettings(settings: OrganizationSettings): void {
  if (typeof settings.name !== 'string' || settings.name.trim() === '' || [...settings.name].length > 200) {
    throw validationError('name', 'name must be a non-empty string of at most 200 characters');
  }
  if (!isCurrencyCode(settings.currency)) {
    throw validationError('currency', `currency ${JSON.stringify(settings.currency)} is not an ISO 4217 code (e.g. "EUR")`);
  }
  validateBillingSettings(settings);
  const grace = settings.gracePeriodMinutes;
  if (!Number.isInteger(grace) || grace < 0 || grace > MAX_GRACE_PERIOD_MINUTES) {
    throw validationError(
      'gracePeriodMinutes',
      `gracePeriodMinutes must be a whole number from 0 to ${MAX_GRACE_PERIOD_MINUTES}, got ${JSON.stringify(grace)}`,
    );
  }
  if (settings.stripeCustomerId !== null && !STRIPE_CUSTOMER_ID.test(settings.stripeCustomerId)) {
    throw validationError('stripeCustomerId', 'stripeCustomerId must be a Stripe customer id such as "cus_123"');
  }
  if (!STRIPE_BILLING_MODES.includes(settings.stripeBillingMode)) {
    throw validationError('stripeBillingMode', 'stripeBillingMode must be "meter" or "invoice"');
  }
}
