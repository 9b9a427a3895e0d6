// A StripeGateway for tests that keeps everything in memory, records every call,
// answers repeats the way Stripe does (a meter event whose identifier it has seen
// is not counted again; an invoice item whose idempotency key it has seen returns
// the first item) and fails on demand, so retry paths can be exercised without
// Stripe. Identifiers, keys and amount checks are the adapter's own functions, so
// what the fake accepts and derives is what the real gateway would.
import { isDeepStrictEqual } from 'node:util';
import {
  InvalidStripeRequestError,
  StripeGatewayError,
  type InvoiceItemReceipt,
  type InvoiceItemRequest,
  type MeteredPrice,
  type MeteredPriceRequest,
  type MeterRef,
  type StripeFeature,
  type StripeGateway,
  type SubscriptionItemRef,
  type UsageReport,
  type UsageReportReceipt,
} from '../../src/application/ports/stripe-gateway';
import {
  invoiceItemIdempotencyKey,
  meteredPriceIdempotencyKey,
  meterEventIdentifier,
  meterEventName,
  subscriptionItemIdempotencyKey,
} from '../../src/application/billing/stripe-identifiers';
import { stripeCurrency, stripeMinorAmount, stripeUnitAmountDecimal } from '../../src/infrastructure/stripe/stripe-amounts';

/**
 * What the next call does: succeed; fail with the answer Stripe gives for an HTTP
 * status (500, 429, 400 …) or with no answer ('connection'); throw a given error;
 * or `{ fail, applied: true }` — take effect, then fail, as when Stripe processed
 * a request but its answer was lost on the way back.
 */
export type ScriptedOutcome =
  | 'succeed'
  | number
  | 'connection'
  | StripeGatewayError
  | { readonly fail: number | 'connection' | StripeGatewayError; readonly applied?: boolean };

export interface FailureOptions {
  /** Only calls to this method fail; others pass by. */
  readonly method?: StripeGatewayMethod;
  readonly applied?: boolean;
}

// Stripe's error types today are api_error, card_error, idempotency_error and
// invalid_request_error; a rate limit is an invalid_request_error with code rate_limit.
const STRIPE_ANSWERS: Readonly<Record<number, { readonly type: string; readonly code?: string }>> = {
  402: { type: 'card_error' },
  404: { type: 'invalid_request_error', code: 'resource_missing' },
  429: { type: 'invalid_request_error', code: 'rate_limit' },
};

/** The StripeGatewayError the real adapter produces for such an answer from Stripe. */
export function stripeFailure(status: number | 'connection'): StripeGatewayError {
  if (status === 'connection') {
    return new StripeGatewayError('Stripe call failed (no response): An error occurred with our connection to Stripe.', {
      retryable: true,
      stripeErrorType: 'StripeConnectionError',
    });
  }
  const answer = STRIPE_ANSWERS[status] ?? { type: status >= 500 ? 'api_error' : 'invalid_request_error' };
  return new StripeGatewayError(`Stripe call failed (HTTP ${status}, ${answer.type}): scripted failure`, {
    retryable: StripeGatewayError.isRetryableStatus(status),
    statusCode: status,
    stripeCode: answer.code ?? null,
    stripeErrorType: answer.type,
  });
}

function scriptedFailure(outcome: ScriptedOutcome): { readonly error: StripeGatewayError; readonly applied: boolean } | null {
  if (outcome === 'succeed') return null;
  if (outcome instanceof StripeGatewayError) return { error: outcome, applied: false };
  if (typeof outcome === 'number' || outcome === 'connection') return { error: stripeFailure(outcome), applied: false };
  const error = outcome.fail instanceof StripeGatewayError ? outcome.fail : stripeFailure(outcome.fail);
  return { error, applied: outcome.applied ?? false };
}

export type StripeGatewayCall =
  | { readonly method: 'ensureMeter'; readonly input: StripeFeature }
  | { readonly method: 'createMeteredPrice'; readonly input: MeteredPriceRequest }
  | { readonly method: 'addMeteredSubscriptionItem'; readonly input: { readonly subscriptionId: string; readonly priceId: string } }
  | { readonly method: 'reportUsage'; readonly input: UsageReport }
  | { readonly method: 'createInvoiceItem'; readonly input: InvoiceItemRequest };

export type StripeGatewayMethod = StripeGatewayCall['method'];

/** A call as it happened: what was asked, and whether it returned or threw. */
export type RecordedCall = StripeGatewayCall & { readonly outcome: 'returned' | 'threw'; readonly error?: unknown };

/** A meter event Stripe counted (a repeated identifier is not one). */
export interface CountedMeterEvent {
  readonly identifier: string;
  readonly eventName: string;
  readonly report: UsageReport;
}

export interface CreatedInvoiceItem {
  readonly invoiceItemId: string;
  readonly idempotencyKey: string;
  /** In Stripe's integer minor units, as the adapter would send it. */
  readonly amountMinor: number;
  readonly request: InvoiceItemRequest;
}

interface PendingOutcome {
  readonly method: StripeGatewayMethod | undefined;
  readonly outcome: ScriptedOutcome;
}

export class RecordingStripeGateway implements StripeGateway {
  private readonly recorded: RecordedCall[] = [];
  private readonly pending: PendingOutcome[] = [];
  private readonly metersByEventName = new Map<string, MeterRef>();
  private readonly pricesByKey = new Map<string, MeteredPrice>();
  private readonly subscriptionItemsByKey = new Map<string, SubscriptionItemRef>();
  private readonly eventsByIdentifier = new Map<string, CountedMeterEvent>();
  private readonly invoiceItemsByKey = new Map<string, CreatedInvoiceItem>();
  private nextId = 1;

  /** Every call in order, failed ones included. */
  get calls(): readonly RecordedCall[] {
    return this.recorded;
  }

  callsTo<M extends StripeGatewayMethod>(method: M): Extract<RecordedCall, { method: M }>[] {
    return this.recorded.filter((call): call is Extract<RecordedCall, { method: M }> => call.method === method);
  }

  /**
   * The next `times` calls (to `options.method` only, if given) throw `failure`
   * (a 500 by default). With `applied: true` the call takes effect first and then
   * throws, like a request Stripe processed whose answer was lost.
   */
  failNext(times: number, failure: StripeGatewayError | number | 'connection' = 500, options: FailureOptions = {}): this {
    for (let i = 0; i < times; i += 1) {
      this.pending.push({ method: options.method, outcome: { fail: failure, applied: options.applied ?? false } });
    }
    return this;
  }

  /**
   * Outcomes for the next calls, in order (see ScriptedOutcome). Calls beyond
   * the script succeed.
   */
  script(...outcomes: ScriptedOutcome[]): this {
    for (const outcome of outcomes) this.pending.push({ method: undefined, outcome });
    return this;
  }

  /** Same as script(), but only calls to `method` consume these outcomes. */
  scriptFor(method: StripeGatewayMethod, ...outcomes: ScriptedOutcome[]): this {
    for (const outcome of outcomes) this.pending.push({ method, outcome });
    return this;
  }

  /** Meters that exist, by event name. */
  get meters(): readonly MeterRef[] {
    return [...this.metersByEventName.values()];
  }

  /** Meter events Stripe counted, each identifier once. */
  get countedMeterEvents(): readonly CountedMeterEvent[] {
    return [...this.eventsByIdentifier.values()];
  }

  /** The quantity Stripe's meter holds for one organization, feature and period start. */
  reportedQuantity(organizationId: string, feature: string, periodStart?: string): number {
    return this.countedMeterEvents
      .filter((event) => event.report.organizationId === organizationId && event.report.feature === feature)
      .filter((event) => periodStart === undefined || Date.parse(event.report.billingPeriod.start) === Date.parse(periodStart))
      .reduce((total, event) => total + event.report.quantity, 0);
  }

  get invoiceItems(): readonly CreatedInvoiceItem[] {
    return [...this.invoiceItemsByKey.values()];
  }

  async ensureMeter(feature: StripeFeature): Promise<MeterRef> {
    return this.handle({ method: 'ensureMeter', input: feature }, () => {
      const eventName = meterEventName(feature.key);
      const existing = this.metersByEventName.get(eventName);
      if (existing) return existing;
      const meter = { meterId: this.newId('meter'), eventName };
      this.metersByEventName.set(eventName, meter);
      return meter;
    });
  }

  async createMeteredPrice(input: MeteredPriceRequest): Promise<MeteredPrice> {
    return this.handle({ method: 'createMeteredPrice', input }, () => {
      stripeCurrency(input.currency);
      stripeUnitAmountDecimal(input.unitAmountDecimal, input.currency);
      if (!Number.isFinite(input.includedQuantity) || input.includedQuantity < 0) {
        throw new InvalidStripeRequestError('includedQuantity', `includedQuantity must be a number ≥ 0, got ${String(input.includedQuantity)}`);
      }
      if (!Number.isInteger(input.includedQuantity)) {
        // What Stripe answers for a tier bound that is not a whole number.
        throw new StripeGatewayError('Invalid integer: tiers[0][up_to]', {
          retryable: false,
          statusCode: 400,
          stripeCode: 'parameter_invalid_integer',
          stripeErrorType: 'invalid_request_error',
        });
      }
      const key = meteredPriceIdempotencyKey(input);
      const price = this.pricesByKey.get(key) ?? { priceId: this.newId('price') };
      this.pricesByKey.set(key, price);
      return price;
    });
  }

  async addMeteredSubscriptionItem(subscriptionId: string, priceId: string): Promise<SubscriptionItemRef> {
    return this.handle({ method: 'addMeteredSubscriptionItem', input: { subscriptionId, priceId } }, () => {
      const key = subscriptionItemIdempotencyKey(subscriptionId, priceId);
      const item = this.subscriptionItemsByKey.get(key) ?? { subscriptionItemId: this.newId('si') };
      this.subscriptionItemsByKey.set(key, item);
      return item;
    });
  }

  async reportUsage(report: UsageReport): Promise<UsageReportReceipt> {
    return this.handle({ method: 'reportUsage', input: report }, () => {
      if (!Number.isSafeInteger(report.quantity) || report.quantity <= 0) {
        throw new InvalidStripeRequestError('quantity', `quantity must be a whole number above 0, got ${String(report.quantity)}`);
      }
      const eventName = meterEventName(report.feature);
      const identifier = meterEventIdentifier(report);
      if (this.eventsByIdentifier.has(identifier)) return { identifier, eventName, alreadyReported: true };
      this.eventsByIdentifier.set(identifier, { identifier, eventName, report });
      return { identifier, eventName, alreadyReported: false };
    });
  }

  async createInvoiceItem(item: InvoiceItemRequest): Promise<InvoiceItemReceipt> {
    return this.handle({ method: 'createInvoiceItem', input: item }, () => {
      const amountMinor = stripeMinorAmount(item.amount, item.currency);
      stripeCurrency(item.currency);
      const idempotencyKey = invoiceItemIdempotencyKey(item);
      const first = this.invoiceItemsByKey.get(idempotencyKey);
      if (first) {
        if (!isDeepStrictEqual(first.request, item)) {
          // Stripe compares a repeat's parameters with the first request's.
          throw new StripeGatewayError('Keys for idempotent requests can only be used with the same parameters they were first used with.', {
            retryable: false,
            statusCode: 400,
            stripeErrorType: 'idempotency_error',
          });
        }
        return { invoiceItemId: first.invoiceItemId, idempotencyKey };
      }
      const created = { invoiceItemId: this.newId('ii'), idempotencyKey, amountMinor, request: item };
      this.invoiceItemsByKey.set(idempotencyKey, created);
      return { invoiceItemId: created.invoiceItemId, idempotencyKey };
    });
  }

  private newId(prefix: string): string {
    const id = `${prefix}_fake${String(this.nextId).padStart(6, '0')}`;
    this.nextId += 1;
    return id;
  }

  private takeOutcome(method: StripeGatewayMethod): ScriptedOutcome {
    const index = this.pending.findIndex((entry) => entry.method === undefined || entry.method === method);
    if (index < 0) return 'succeed';
    const [entry] = this.pending.splice(index, 1);
    return entry.outcome;
  }

  private async handle<T>(call: StripeGatewayCall, apply: () => T): Promise<T> {
    // Answer asynchronously, as the network would, so callers cannot depend on timing.
    await Promise.resolve();
    const failure = scriptedFailure(this.takeOutcome(call.method));
    try {
      if (failure && !failure.applied) throw failure.error;
      const result = apply();
      if (failure) throw failure.error;
      this.recorded.push({ ...call, outcome: 'returned' });
      return result;
    } catch (error) {
      this.recorded.push({ ...call, outcome: 'threw', error });
      throw error;
    }
  }
}
