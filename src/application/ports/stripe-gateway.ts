// The port through which Tally tells Stripe what to bill: one Billing Meter per
// feature, metered prices on those meters, meter events carrying usage deltas,
// and invoice items for features billed by invoice instead. A feature is billed
// one way or the other, never both; the caller picks per organization.
//
// Every call that changes something in Stripe carries a deterministic meter-event
// identifier or idempotency key (see ../stripe-identifiers.ts), so a retry of the
// same call never bills twice.
import type { IntervalRecord } from '../../domain/events';

export type { IntervalRecord };

/** A feature as Stripe sees it: its key names the meter, its display name labels it. */
export interface StripeFeature {
  readonly key: string;
  readonly displayName: string;
}

export interface MeterRef {
  readonly meterId: string;
  readonly eventName: string;
}

export interface MeteredPriceRequest {
  readonly productId: string;
  readonly feature: StripeFeature;
  readonly meterId: string;
  /**
   * Price per unit above the included quantity, in the currency's minor unit as
   * Tally counts it (ISO 4217), up to 4 decimals: '5' = €0.05, '0.1' = a tenth of
   * a cent. The adapter converts it to Stripe's own minor unit where the two differ.
   */
  readonly unitAmountDecimal: string;
  /** ISO 4217, upper case, as everywhere in Tally; sent to Stripe in lower case. */
  readonly currency: string;
  /**
   * Units per period that cost nothing. Stripe's tier bounds are whole units, so a
   * fractional value is rejected by Stripe (a non-retryable 400).
   */
  readonly includedQuantity: number;
}

export interface MeteredPrice {
  readonly priceId: string;
}

export interface SubscriptionItemRef {
  readonly subscriptionItemId: string;
}

/** One delta of a feature's usage in a billing period, sent as one meter event. */
export interface UsageReport {
  readonly organizationId: string;
  readonly stripeCustomerId: string;
  readonly feature: string;
  readonly billingPeriod: IntervalRecord;
  /** 0, 1, 2 … per organization, feature and period; part of the meter event identifier. */
  readonly reportSequence: number;
  /**
   * Usage added since the last successful report: a whole number above 0. A zero
   * delta has nothing to tell Stripe, so the caller skips it; the gateway rejects it.
   */
  readonly quantity: number;
  /**
   * The meter event's time. Stripe attributes usage to the subscription period this
   * falls in and accepts it only within the past 35 days and up to 5 minutes ahead.
   */
  readonly timestamp: Date;
}

export interface UsageReportReceipt {
  readonly identifier: string;
  readonly eventName: string;
  /**
   * True when Stripe already held a meter event with this identifier (a retry of a
   * report whose answer was lost): the usage is in Stripe once, and was not added again.
   */
  readonly alreadyReported: boolean;
}

export interface InvoiceItemRequest {
  readonly organizationId: string;
  readonly stripeCustomerId: string;
  readonly feature: string;
  /** Shown on the customer's invoice; when blank the adapter writes feature, quantity and period. */
  readonly description: string;
  readonly billingPeriod: IntervalRecord;
  /** Major units, exact decimal string already rounded to the currency (e.g. '1.25' EUR, '21' JPY). */
  readonly amount: string;
  /** ISO 4217, upper case. */
  readonly currency: string;
  readonly quantity: number;
}

export interface InvoiceItemReceipt {
  readonly invoiceItemId: string;
  /** The idempotency key the item was created with, for the InvoiceItemCreated event. */
  readonly idempotencyKey: string;
}

export interface StripeGateway {
  /**
   * The feature's meter: an active meter with the feature's event name when one
   * exists, otherwise a new one (sum of the payload's `value`, customer from
   * `stripe_customer_id`). Calling it again finds the meter instead of adding one.
   */
  ensureMeter(feature: StripeFeature): Promise<MeterRef>;
  /** A monthly metered price on the meter, graduated: the included units free, then unitAmountDecimal each. */
  createMeteredPrice(input: MeteredPriceRequest): Promise<MeteredPrice>;
  addMeteredSubscriptionItem(subscriptionId: string, priceId: string): Promise<SubscriptionItemRef>;
  /** Sends one meter event; a repeat of the same report is recognised by its identifier. */
  reportUsage(report: UsageReport): Promise<UsageReportReceipt>;
  /** Creates one invoice item per organization, feature and period; a repeat returns the first. */
  createInvoiceItem(item: InvoiceItemRequest): Promise<InvoiceItemReceipt>;
}

export interface StripeGatewayErrorDetails {
  readonly retryable: boolean;
  readonly statusCode?: number | null;
  /** Stripe's error `code` (e.g. 'resource_missing'), when it gave one. */
  readonly stripeCode?: string | null;
  /** Stripe's error `type` (e.g. 'invalid_request_error', 'idempotency_error'). */
  readonly stripeErrorType?: string | null;
  readonly requestId?: string | null;
  readonly cause?: unknown;
}

/**
 * Stripe refused or could not be reached. `retryable` tells the workflow whether
 * the same call may succeed later: rate limits (429), conflicts with a request in
 * flight (409), Stripe's own failures (5xx) and connection errors may; invalid
 * requests and authentication failures will not until someone changes something.
 */
export class StripeGatewayError extends Error {
  readonly retryable: boolean;
  readonly statusCode: number | null;
  readonly stripeCode: string | null;
  readonly stripeErrorType: string | null;
  readonly requestId: string | null;

  constructor(message: string, details: StripeGatewayErrorDetails) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'StripeGatewayError';
    this.retryable = details.retryable;
    this.statusCode = details.statusCode ?? null;
    this.stripeCode = details.stripeCode ?? null;
    this.stripeErrorType = details.stripeErrorType ?? null;
    this.requestId = details.requestId ?? null;
  }

  /** Whether an HTTP answer with this status is worth retrying unchanged. */
  static isRetryableStatus(statusCode: number): boolean {
    return statusCode === 409 || statusCode === 429 || statusCode >= 500;
  }
}

/**
 * Tally refused to send the request: it could never succeed (a zero delta, an
 * amount with more decimals than the currency has, an unknown currency …).
 * Never retryable; a bug in the caller, not an outage.
 */
export class InvalidStripeRequestError extends StripeGatewayError {
  readonly field: string;

  constructor(field: string, message: string) {
    super(message, { retryable: false });
    this.name = 'InvalidStripeRequestError';
    this.field = field;
  }
}

/**
 * An active meter already uses the feature's event name but aggregates or maps
 * customers differently from what Tally sends, so reporting into it would bill
 * wrongly. Someone must fix or deactivate that meter in Stripe; not retryable.
 */
export class StripeMeterConflictError extends StripeGatewayError {
  readonly meterId: string;

  constructor(meterId: string, message: string) {
    super(message, { retryable: false });
    this.name = 'StripeMeterConflictError';
    this.meterId = meterId;
  }
}
