// Bills a closed period through invoice items: one per feature whose overage
// amount is above zero, each created with a key derived from organization,
// feature and period, so a retry returns the first item instead of a second.
// Each item is recorded on the log as InvoiceItemCreated.
import { StripeGatewayError } from '../../application/ports/stripe-gateway';
import { invoiceItemIdempotencyKey } from '../../application/billing/stripe-identifiers';
import { MoneyDecimal } from '../../domain/money';
import { requireActive } from '../../domain/organization';
import type { InvoiceItemsRequest, InvoiceItemsResult } from '../billing-period-types';
import { rejectFor, type StripeRefusal, type StripeReportingPorts } from './stripe-usage-reporting';

function keyOrBlank(identity: Parameters<typeof invoiceItemIdempotencyKey>[0]): string {
  try {
    return invoiceItemIdempotencyKey(identity);
  } catch {
    return '';
  }
}

export async function createInvoiceItems(ports: StripeReportingPorts, request: InvoiceItemsRequest): Promise<InvoiceItemsResult> {
  const { organizationId, billingPeriod } = request;
  const state = requireActive((await ports.commands.ledger(organizationId)).state, organizationId);
  const stripeCustomerId = state.settings.stripeCustomerId;
  if (stripeCustomerId === null) return { skipped: 'no-stripe-customer', invoiceItems: [] };
  // A feature is billed through a meter or through invoice items, never both.
  if (state.settings.stripeBillingMode !== 'invoice') return { skipped: 'meter-mode', invoiceItems: [] };

  const invoiceItems: InvoiceItemsResult['invoiceItems'][number][] = [];
  const refusals: StripeRefusal[] = [];
  let retryable: StripeGatewayError | null = null;
  for (const line of request.features) {
    if (!new MoneyDecimal(line.overageAmount).greaterThan(0)) continue;
    const identity = { organizationId, feature: line.feature, billingPeriod };
    const idempotencyKey = keyOrBlank(identity);
    if (idempotencyKey !== '' && state.invoiceItems.includes(idempotencyKey)) continue;
    try {
      const receipt = await ports.stripe.createInvoiceItem({
        ...identity,
        stripeCustomerId,
        // Blank: the gateway writes feature, quantity and period, the same on every retry.
        description: '',
        amount: line.overageAmount,
        currency: line.currency,
        quantity: line.overageQuantity,
      });
      await ports.commands.execute({
        type: 'RecordInvoiceItem',
        data: {
          ...identity,
          quantity: line.overageQuantity,
          amount: line.overageAmount,
          currency: line.currency,
          stripeInvoiceItemId: receipt.invoiceItemId,
          idempotencyKey: receipt.idempotencyKey,
        },
      });
      invoiceItems.push({ feature: line.feature, invoiceItemId: receipt.invoiceItemId, amount: line.overageAmount, currency: line.currency });
    } catch (error) {
      if (!(error instanceof StripeGatewayError)) throw error;
      if (error.retryable) retryable ??= error;
      // Invoice items have no report sequence; the failure names the item by its idempotency key.
      else refusals.push({ feature: line.feature, reportSequence: 0, identifier: idempotencyKey, error: error.message });
    }
  }
  if (retryable) throw retryable;
  if (refusals.length > 0) await rejectFor(ports, { organizationId, billingPeriod }, refusals);
  return { skipped: null, invoiceItems };
}
