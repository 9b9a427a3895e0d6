// The names and keys Tally sends to Stripe, derived only from what they stand
// for (organization, feature, period, report sequence). Deriving instead of
// generating is what makes a retry — by the SDK, by a Temporal activity, or by a
// replayed workflow — reach Stripe as the same request, so Stripe can refuse to
// count it twice. Pure and deterministic: no clock, no randomness.
//
// Stripe's limits (checked against the OpenAPI spec stripe-mock embeds and the
// API reference): a meter event's `event_name` and `identifier` are at most 100
// characters; idempotency keys at most 255. A readable value that would not fit,
// or that holds characters other than printable ASCII, is replaced by a fixed
// prefix and the SHA-256 digest of the readable value, which is just as
// deterministic and, for practical purposes, just as unique.
import { createHash } from 'node:crypto';
import { FEATURE_KEY_PATTERN } from '../../domain/catalogue';
import type { IntervalRecord } from '../../domain/events';
import { InvalidStripeRequestError, type MeteredPriceRequest, type StripeFeature } from '../ports/stripe-gateway';

export const METER_EVENT_NAME_PREFIX = 'tally_';
export const METER_EVENT_NAME_MAX_LENGTH = 100;
export const METER_EVENT_IDENTIFIER_MAX_LENGTH = 100;
export const IDEMPOTENCY_KEY_MAX_LENGTH = 255;

// Spaces and non-ASCII are legal in Stripe strings, but a key that survives every
// log, header and dashboard search unchanged is worth a hash.
const PRINTABLE_ASCII = /^[\x21-\x7e]+$/;

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The readable value when it fits Stripe's limit, else `${prefix}sha256:${digest}`. */
function fitted(readable: string, hashedPrefix: string, maxLength: number): string {
  if (readable.length <= maxLength && PRINTABLE_ASCII.test(readable)) return readable;
  return `${hashedPrefix}sha256:${sha256Hex(readable)}`;
}

function requireFeatureKey(feature: string): string {
  if (typeof feature !== 'string' || !FEATURE_KEY_PATTERN.test(feature)) {
    throw new InvalidStripeRequestError('feature', `feature ${JSON.stringify(feature)} is not a feature key (A–Z, 0–9 and _, 2–64 characters)`);
  }
  return feature;
}

function requireText(value: string, field: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new InvalidStripeRequestError(field, `${field} must not be empty`);
  }
  return value;
}

/**
 * The instant in one canonical spelling, so '…T00:00:00Z' and '…T00:00:00.000Z'
 * (or an offset form of the same instant) give the same identifier.
 */
function canonicalInstant(value: string, field: string): string {
  const millis = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(millis)) {
    throw new InvalidStripeRequestError(field, `${field} ${JSON.stringify(value)} is not an ISO-8601 instant`);
  }
  return new Date(millis).toISOString();
}

/** The meter event name of a feature: 'OCR_SCAN' → 'tally_ocr_scan'. At most 70 characters. */
export function meterEventName(featureKey: string): string {
  return `${METER_EVENT_NAME_PREFIX}${requireFeatureKey(featureKey).toLowerCase()}`;
}

export interface MeterEventIdentity {
  readonly organizationId: string;
  readonly feature: string;
  readonly billingPeriod: IntervalRecord;
  readonly reportSequence: number;
}

/**
 * The meter event identifier of one report: `tally:{org}:{feature}:{periodStart}:{seq}`,
 * or `tally:sha256:{digest}` when that is too long for Stripe.
 *
 * The readable form is unambiguous even when an organization id contains ':' —
 * read from the right, the sequence is digits, the period start has a fixed
 * shape and a feature key holds no ':' — so two reports never share one.
 * Stripe keeps identifiers for at least 24 hours; within that window it rejects
 * a second event with the same identifier instead of counting it.
 */
export function meterEventIdentifier(identity: MeterEventIdentity): string {
  const { reportSequence } = identity;
  if (!Number.isSafeInteger(reportSequence) || reportSequence < 0) {
    throw new InvalidStripeRequestError('reportSequence', `reportSequence must be a whole number ≥ 0, got ${String(reportSequence)}`);
  }
  const organizationId = requireText(identity.organizationId, 'organizationId');
  const feature = requireFeatureKey(identity.feature);
  const periodStart = canonicalInstant(identity.billingPeriod?.start, 'billingPeriod.start');
  const readable = `tally:${organizationId}:${feature}:${periodStart}:${reportSequence}`;
  return fitted(readable, 'tally:', METER_EVENT_IDENTIFIER_MAX_LENGTH);
}

export interface InvoiceItemIdentity {
  readonly organizationId: string;
  readonly feature: string;
  readonly billingPeriod: IntervalRecord;
}

/**
 * The idempotency key of a period's invoice item for one feature:
 * `tally-invoice:{org}:{feature}:{periodStart}`. One item per organization,
 * feature and period; Stripe answers a repeat with the first item, and refuses a
 * repeat whose amount or other parameters differ (an idempotency error).
 */
export function invoiceItemIdempotencyKey(identity: InvoiceItemIdentity): string {
  const organizationId = requireText(identity.organizationId, 'organizationId');
  const feature = requireFeatureKey(identity.feature);
  const periodStart = canonicalInstant(identity.billingPeriod?.start, 'billingPeriod.start');
  const readable = `tally-invoice:${organizationId}:${feature}:${periodStart}`;
  return fitted(readable, 'tally-invoice:', IDEMPOTENCY_KEY_MAX_LENGTH);
}

/**
 * The idempotency key for creating a feature's meter. It covers everything the
 * meter is created with, so two racing `ensureMeter` calls create one meter.
 */
export function meterCreationIdempotencyKey(feature: StripeFeature): string {
  const eventName = meterEventName(feature.key);
  return `tally-meter:${eventName}:${sha256Hex(JSON.stringify([eventName, feature.displayName])).slice(0, 32)}`;
}

/**
 * The idempotency key for creating a metered price: a digest of every input, so a
 * retried creation returns the same price while a different price gets its own key.
 */
export function meteredPriceIdempotencyKey(input: MeteredPriceRequest): string {
  const feature = requireFeatureKey(input.feature.key);
  const digest = sha256Hex(
    JSON.stringify([
      input.productId,
      feature,
      input.feature.displayName,
      input.meterId,
      input.unitAmountDecimal,
      input.currency,
      input.includedQuantity,
    ]),
  );
  return `tally-price:${feature}:${digest}`;
}

/** The idempotency key for attaching a price to a subscription: once per pair. */
export function subscriptionItemIdempotencyKey(subscriptionId: string, priceId: string): string {
  const readable = `tally-subscription-item:${requireText(subscriptionId, 'subscriptionId')}:${requireText(priceId, 'priceId')}`;
  return fitted(readable, 'tally-subscription-item:', IDEMPOTENCY_KEY_MAX_LENGTH);
}
