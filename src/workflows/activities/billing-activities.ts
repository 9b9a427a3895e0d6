// The activities of the billing-period workflow, built from the ports they use
// so the worker passes real adapters and tests pass fakes. Every activity is
// safe to retry: the decisions it asks for are idempotent, and what it sends to
// Stripe is keyed by identifiers derived from organization, feature, period
// and report sequence.
import { ApplicationFailure } from '@temporalio/common';
import type { OrganizationCommandHandler } from '../../application/organization/organization-command-handler';
import type { Clock } from '../../application/ports/clock';
import type { StripeGateway } from '../../application/ports/stripe-gateway';
import type { UsageAggregated, BillingPeriodClosed } from '../../domain/events';
import { isPeriodClosed, requireActive } from '../../domain/organization';
import { statementForPeriod, toFeatureSummary } from '../../domain/period-statement';
import type {
  BillingPeriodPlan,
  InvoiceItemsRequest,
  InvoiceItemsResult,
  PeriodCloseResult,
  PeriodRef,
  UsageAggregationResult,
  UsageReportRequest,
  UsageReportResult,
} from '../billing-period-types';
import { periodAfter, periodClosesAt, planBillingPeriod, stripeBillingOf } from '../../domain/billing-calendar';
import { createInvoiceItems } from './stripe-invoicing';
import { reportUsageToStripe } from './stripe-usage-reporting';

export interface BillingActivityPorts {
  readonly commands: OrganizationCommandHandler;
  readonly stripe: StripeGateway;
  readonly clock: Clock;
}

/** The type the workflow imports (as a type only) to call these through proxyActivities. */
export type BillingActivities = ReturnType<typeof createBillingActivities>;

export function createBillingActivities(ports: BillingActivityPorts) {
  const { commands, clock } = ports;

  async function activeState(organizationId: string) {
    return requireActive((await commands.ledger(organizationId)).state, organizationId);
  }

  return {
    async planBillingPeriod(asked: PeriodRef): Promise<BillingPeriodPlan> {
      return planBillingPeriod(await activeState(asked.organizationId), asked.billingPeriod);
    },

    /** RecordUsageAggregation: the period's running totals as an event, and the plan as it stands now. */
    async aggregateUsage(asked: PeriodRef): Promise<UsageAggregationResult> {
      const plan = planBillingPeriod(await activeState(asked.organizationId), asked.billingPeriod);
      // Closed, or no longer a period of the organization's calendar: the workflow moves on instead.
      if (plan.billingPeriod.start !== asked.billingPeriod.start) return { plan, asOf: null, totals: [] };
      const outcome = await commands.execute({ type: 'RecordUsageAggregation', data: asked });
      const aggregated = outcome.events.find((event): event is UsageAggregated => event.type === 'UsageAggregated');
      if (!aggregated) return { plan: planBillingPeriod(await activeState(asked.organizationId), asked.billingPeriod), asOf: null, totals: [] };
      const totals = aggregated.data.features.map((line) => ({ feature: line.feature, totalQuantity: line.totalQuantity }));
      return { plan, asOf: aggregated.data.asOf, totals };
    },

    /**
     * CloseBillingPeriod, with `early` only when an operator asked. Returns the
     * closed summary: from the BillingPeriodClosed event, or, when a retry finds
     * the period already closed, recomputed from the log (quantities cannot change
     * after the close, since later usage counts in the next period).
     */
    async closeBillingPeriod(request: PeriodRef & { readonly early: boolean }): Promise<PeriodCloseResult> {
      const { organizationId, billingPeriod, early } = request;
      const before = await activeState(organizationId);
      const closesAtMs = periodClosesAt(billingPeriod, before.settings).getTime();
      const now = clock.now();
      if (!early && now.getTime() < closesAtMs && !isPeriodClosed(before, billingPeriod.start)) {
        // The workflow's timer and this machine's clock disagree by a little; try again when the grace period is over.
        throw ApplicationFailure.create({ message: `the grace period ends at ${new Date(closesAtMs).toISOString()}`, type: 'GracePeriodNotOver', nextRetryDelay: closesAtMs - now.getTime() + 1_000 });
      }
      const outcome = await commands.execute({ type: 'CloseBillingPeriod', data: { organizationId, billingPeriod, ...(early && { early }) } });
      const closed = outcome.events.find((event): event is BillingPeriodClosed => event.type === 'BillingPeriodClosed');
      const ledger = await commands.ledger(organizationId);
      const state = requireActive(ledger.state, organizationId);
      const features = closed ? closed.data.features : statementForPeriod(state, billingPeriod, ledger.dailyUsage()).map(toFeatureSummary);
      return {
        closedAt: closed ? closed.data.closedAt : now.toISOString(),
        features,
        nextBillingPeriod: periodAfter(state, billingPeriod),
        stripeBilling: stripeBillingOf(state),
      };
    },

    async reportUsageToStripe(request: UsageReportRequest): Promise<UsageReportResult> {
      return reportUsageToStripe(ports, request);
    },

    async createInvoiceItems(request: InvoiceItemsRequest): Promise<InvoiceItemsResult> {
      return createInvoiceItems(ports, request);
    },
  };
}
