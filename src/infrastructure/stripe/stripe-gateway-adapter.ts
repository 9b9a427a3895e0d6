// The StripeGateway port on the Stripe SDK: Billing Meters, metered prices,
// meter events and invoice items. Identifiers and idempotency keys come from
// application/stripe-identifiers.ts so that every retry reaches Stripe as the
// same request; errors leave as StripeGatewayError with `retryable` decided.
import Stripe from 'stripe';
import {
  InvalidStripeRequestError,
  StripeMeterConflictError,
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
} from '../../application/ports/stripe-gateway';
import {
  invoiceItemIdempotencyKey,
  meterCreationIdempotencyKey,
  meteredPriceIdempotencyKey,
  meterEventIdentifier,
  meterEventName,
  subscriptionItemIdempotencyKey,
} from '../../application/billing/stripe-identifiers';
import { stripeCurrency, stripeMinorAmount, stripeUnitAmountDecimal } from './stripe-amounts';
import { isDuplicateMeterEventError, toStripeGatewayError } from './stripe-error-mapping';

/** Payload keys of Tally's meter events; the meters are created to read exactly these. */
export const METER_CUSTOMER_PAYLOAD_KEY = 'stripe_customer_id';
export const METER_VALUE_PAYLOAD_KEY = 'value';

function unixSeconds(instant: Date | string, field: string): number {
  const millis = instant instanceof Date ? instant.getTime() : Date.parse(instant);
  if (!Number.isFinite(millis)) {
    throw new InvalidStripeRequestError(field, `${field} is not a valid instant`);
  }
  return Math.floor(millis / 1000);
}

function requireId(value: string, field: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new InvalidStripeRequestError(field, `${field} must not be empty`);
  }
  return value;
}

export function defaultInvoiceItemDescription(item: InvoiceItemRequest): string {
  return `${item.feature}: ${item.quantity} units, ${item.billingPeriod.start} – ${item.billingPeriod.end}`;
}

export class StripeGatewayAdapter implements StripeGateway {
  constructor(private readonly stripe: Stripe) {}

  async ensureMeter(feature: StripeFeature): Promise<MeterRef> {
    const eventName = meterEventName(feature.key);
    const displayName = requireId(feature.displayName, 'displayName');
    return this.call('ensureMeter', async () => {
      // Stripe cannot filter meters by event name, so page through the active ones.
      for await (const meter of this.stripe.billing.meters.list({ status: 'active', limit: 100 })) {
        if (meter.event_name === eventName) return { meterId: assertTallyMeter(meter), eventName };
      }
      const created = await this.stripe.billing.meters.create(
        {
          display_name: displayName,
          event_name: eventName,
          default_aggregation: { formula: 'sum' },
          customer_mapping: { type: 'by_id', event_payload_key: METER_CUSTOMER_PAYLOAD_KEY },
          value_settings: { event_payload_key: METER_VALUE_PAYLOAD_KEY },
        },
        { idempotencyKey: meterCreationIdempotencyKey(feature) },
      );
      return { meterId: created.id, eventName };
    });
  }

  async createMeteredPrice(input: MeteredPriceRequest): Promise<MeteredPrice> {
    const currency = stripeCurrency(input.currency);
    const unitAmount = stripeUnitAmountDecimal(input.unitAmountDecimal, input.currency);
    const { includedQuantity } = input;
    if (typeof includedQuantity !== 'number' || !Number.isFinite(includedQuantity) || includedQuantity < 0) {
      throw new InvalidStripeRequestError('includedQuantity', `includedQuantity must be a number ≥ 0, got ${String(includedQuantity)}`);
    }
    const overage: Stripe.PriceCreateParams.Tier = { up_to: 'inf', unit_amount_decimal: Stripe.Decimal.from(unitAmount) };
    // Graduated tiers make the first includedQuantity units free in Stripe's own
    // invoice, the same split Tally's pricing makes; with nothing included there
    // is no free tier to describe.
    const tiers: Stripe.PriceCreateParams.Tier[] =
      includedQuantity > 0 ? [{ up_to: includedQuantity, unit_amount_decimal: Stripe.Decimal.from('0') }, overage] : [overage];
    const key = meteredPriceIdempotencyKey(input);
    return this.call('createMeteredPrice', async () => {
      const price = await this.stripe.prices.create(
        {
          product: requireId(input.productId, 'productId'),
          currency,
          nickname: input.feature.displayName,
          billing_scheme: 'tiered',
          tiers_mode: 'graduated',
          tiers,
          recurring: { interval: 'month', usage_type: 'metered', meter: requireId(input.meterId, 'meterId') },
          metadata: { tally_feature: input.feature.key },
        },
        { idempotencyKey: key },
      );
      return { priceId: price.id };
    });
  }

  async addMeteredSubscriptionItem(subscriptionId: string, priceId: string): Promise<SubscriptionItemRef> {
    const key = subscriptionItemIdempotencyKey(subscriptionId, priceId);
    return this.call('addMeteredSubscriptionItem', async () => {
      // No quantity: a metered price takes its quantity from the meter.
      const item = await this.stripe.subscriptionItems.create({ subscription: subscriptionId, price: priceId }, { idempotencyKey: key });
      return { subscriptionItemId: item.id };
    });
  }

  async reportUsage(report: UsageReport): Promise<UsageReportReceipt> {
    if (!Number.isSafeInteger(report.quantity) || report.quantity <= 0) {
      throw new InvalidStripeRequestError(
        'quantity',
        `quantity must be a whole number above 0, got ${String(report.quantity)}; a zero delta is not reported`,
      );
    }
    const eventName = meterEventName(report.feature);
    const identifier = meterEventIdentifier(report);
    const customer = requireId(report.stripeCustomerId, 'stripeCustomerId');
    const timestamp = unixSeconds(report.timestamp, 'timestamp');
    return this.call('reportUsage', async () => {
      try {
        // No idempotency key on purpose: the identifier already makes Stripe
        // refuse a second copy, and a key would turn a retry with a corrected
        // timestamp into an idempotency error instead of a recognised duplicate.
        await this.stripe.billing.meterEvents.create({
          event_name: eventName,
          identifier,
          timestamp,
          payload: { [METER_CUSTOMER_PAYLOAD_KEY]: customer, [METER_VALUE_PAYLOAD_KEY]: String(report.quantity) },
        });
        return { identifier, eventName, alreadyReported: false };
      } catch (error) {
        if (isDuplicateMeterEventError(error)) return { identifier, eventName, alreadyReported: true };
        throw error;
      }
    });
  }

  async createInvoiceItem(item: InvoiceItemRequest): Promise<InvoiceItemReceipt> {
    const amount = stripeMinorAmount(item.amount, item.currency);
    const currency = stripeCurrency(item.currency);
    const idempotencyKey = invoiceItemIdempotencyKey(item);
    const start = unixSeconds(item.billingPeriod.start, 'billingPeriod.start');
    // Tally's periods end exclusively; Stripe's invoice item period end is inclusive.
    const end = Math.max(start, unixSeconds(item.billingPeriod.end, 'billingPeriod.end') - 1);
    const description = item.description.trim() === '' ? defaultInvoiceItemDescription(item) : item.description;
    return this.call('createInvoiceItem', async () => {
      // The amount is the line's total; Stripe's quantity would multiply a unit
      // price, so the quantity travels in the description and metadata instead.
      const created = await this.stripe.invoiceItems.create(
        {
          customer: requireId(item.stripeCustomerId, 'stripeCustomerId'),
          amount,
          currency,
          description,
          period: { start, end },
          metadata: {
            tally_organization_id: item.organizationId,
            tally_feature: item.feature,
            tally_quantity: String(item.quantity),
            tally_billing_period_start: item.billingPeriod.start,
            tally_billing_period_end: item.billingPeriod.end,
          },
        },
        { idempotencyKey },
      );
      return { invoiceItemId: created.id, idempotencyKey };
    });
  }

  private async call<T>(operation: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      throw toStripeGatewayError(error, operation);
    }
  }
}

/** The meter's id if it counts the way Tally reports; otherwise reporting into it would bill wrongly. */
function assertTallyMeter(meter: Stripe.Billing.Meter): string {
  const problems: string[] = [];
  if (meter.default_aggregation.formula !== 'sum') problems.push(`aggregates by ${meter.default_aggregation.formula}, not sum`);
  if (meter.customer_mapping.event_payload_key !== METER_CUSTOMER_PAYLOAD_KEY) {
    problems.push(`maps customers from "${meter.customer_mapping.event_payload_key}", not "${METER_CUSTOMER_PAYLOAD_KEY}"`);
  }
  if (meter.value_settings.event_payload_key !== METER_VALUE_PAYLOAD_KEY) {
    problems.push(`reads its value from "${meter.value_settings.event_payload_key}", not "${METER_VALUE_PAYLOAD_KEY}"`);
  }
  if (problems.length > 0) {
    throw new StripeMeterConflictError(meter.id, `Stripe meter ${meter.id} (${meter.event_name}) ${problems.join('; ')}`);
  }
  return meter.id;
}
