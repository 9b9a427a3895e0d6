// Receiving Tally's webhooks: the typed envelopes Tally POSTs, and the check
// of their `Tally-Signature` header (t=<unix seconds>,v1=<hex HMAC-SHA256 of
// "<t>.<raw body>">, keyed with the endpoint's secret). The check needs the
// body exactly as it arrived: JSON parsed and serialised again is not the
// same bytes. Receivers dedupe by the envelope's `id`, which stays the same
// on every retry and redelivery.
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface WebhookInterval {
  readonly start: string;
  readonly end: string;
}

/** What an alert rule watches. */
export type WebhookAlertWatch =
  | { readonly kind: 'quantity'; readonly feature: string; readonly quantity: number }
  | { readonly kind: 'percentOfIncluded'; readonly feature: string; readonly percentOfIncluded: number }
  | { readonly kind: 'overageAmount'; readonly overageAmount: string; readonly currency: string };

export interface WebhookFeatureSummary {
  readonly feature: string;
  readonly totalQuantity: number;
  readonly includedQuantity: number;
  readonly overageQuantity: number;
  /** Major units, exact decimal. */
  readonly overageAmount: string;
  readonly currency: string;
  readonly events: number;
  readonly corrections: number;
}

export interface WebhookPayloads {
  'usage.threshold_crossed': {
    readonly ruleId: string;
    readonly watch: WebhookAlertWatch;
    readonly threshold: string;
    readonly value: string;
    readonly window: WebhookInterval;
    readonly cause: 'usage' | 'rule-created';
    readonly crossedAt: string;
  };
  'usage.quota_exceeded': { readonly feature: string; readonly included: number; readonly window: WebhookInterval; readonly usedUpAt: string };
  'billing.period_closed': { readonly billingPeriod: WebhookInterval; readonly closedAt: string; readonly features: readonly WebhookFeatureSummary[] };
  'stripe.report_failed': {
    readonly feature: string;
    readonly billingPeriod: WebhookInterval;
    readonly reportSequence: number;
    readonly identifier: string;
    readonly error: string;
    readonly retryable: boolean;
    readonly failedAt: string;
  };
  'stripe.invoice_items_created': {
    readonly feature: string;
    readonly billingPeriod: WebhookInterval;
    readonly quantity: number;
    readonly amount: string;
    readonly currency: string;
    readonly stripeInvoiceItemId: string;
    readonly idempotencyKey: string;
    readonly createdAt: string;
  };
  ping: { readonly endpointId: string; readonly requestedAt: string };
}

export type WebhookEventType = keyof WebhookPayloads;

/** One webhook delivery's body; narrow it on `type`. */
export type WebhookEvent = {
  [Type in WebhookEventType]: {
    /** The event's id in Tally's log: the same on every retry and redelivery. */
    readonly id: string;
    readonly type: Type;
    readonly createdAt: string;
    /** Null only for a ping to an endpoint of every organization. */
    readonly organizationId: string | null;
    readonly data: WebhookPayloads[Type];
  };
}[WebhookEventType];

export const WEBHOOK_SIGNATURE_HEADER = 'tally-signature';

export type WebhookSignatureFailure = 'missing-header' | 'malformed-header' | 'timestamp-out-of-tolerance' | 'signature-mismatch' | 'invalid-body';

export class WebhookSignatureError extends Error {
  override readonly name = 'WebhookSignatureError';

  constructor(
    readonly reason: WebhookSignatureFailure,
    message: string,
  ) {
    super(message);
  }
}

export interface VerifyWebhookSignatureOptions {
  /** How far the signature's time may be from now, in seconds (default 300); Infinity turns the check off. */
  readonly toleranceSeconds?: number;
  /** Milliseconds since the epoch; `Date.now` by default. */
  readonly now?: () => number;
}

export const DEFAULT_TOLERANCE_SECONDS = 300;

function parseHeader(header: string): { timestamp: number; signatures: string[] } {
  let timestamp: number | null = null;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const separator = part.indexOf('=');
    const key = part.slice(0, separator).trim();
    const value = part.slice(separator + 1).trim();
    if (key === 't' && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    // Several v1 values may come while a secret is being replaced; any one may match.
    if (key === 'v1' && /^[0-9a-f]{64}$/.test(value)) signatures.push(value);
  }
  if (timestamp === null || signatures.length === 0) {
    throw new WebhookSignatureError('malformed-header', 'The Tally-Signature header must read t=<unix seconds>,v1=<64 hex digits>.');
  }
  return { timestamp, signatures };
}

/**
 * Checks a delivery's signature and returns its envelope, typed. Throws a
 * WebhookSignatureError when the header is missing or malformed, its time is
 * further from now than the tolerance, or no signature matches (compared in
 * constant time). `rawBody` is the request body exactly as received.
 */
export function verifyWebhookSignature(
  rawBody: string | Uint8Array,
  header: string | readonly string[] | null | undefined,
  secret: string,
  options: VerifyWebhookSignatureOptions = {},
): WebhookEvent {
  if (typeof rawBody !== 'string' && !(rawBody instanceof Uint8Array)) {
    throw new TypeError('verifyWebhookSignature needs the raw request body (a string or a Buffer), not parsed JSON');
  }
  const value = Array.isArray(header) ? header.join(',') : (header as string | null | undefined);
  if (!value) throw new WebhookSignatureError('missing-header', 'The request has no Tally-Signature header.');
  const { timestamp, signatures } = parseHeader(value);
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const nowSeconds = (options.now ?? Date.now)() / 1_000;
  if (Math.abs(nowSeconds - timestamp) > tolerance) {
    throw new WebhookSignatureError('timestamp-out-of-tolerance', `The signature is from ${new Date(timestamp * 1_000).toISOString()}, more than ${tolerance} s from now.`);
  }
  const body = typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : Buffer.from(rawBody.buffer, rawBody.byteOffset, rawBody.byteLength);
  const expected = createHmac('sha256', secret).update(`${timestamp}.`, 'utf8').update(body).digest();
  const matches = signatures.some((signature) => {
    const presented = Buffer.from(signature, 'hex');
    return presented.length === expected.length && timingSafeEqual(presented, expected);
  });
  if (!matches) throw new WebhookSignatureError('signature-mismatch', 'No signature in the Tally-Signature header matches the body and the secret.');
  try {
    return JSON.parse(body.toString('utf8')) as WebhookEvent;
  } catch {
    throw new WebhookSignatureError('invalid-body', 'The signed body is not JSON.');
  }
}
