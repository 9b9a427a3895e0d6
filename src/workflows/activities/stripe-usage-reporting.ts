// Tells Stripe's meters what a period's usage grew by since the last report
// that went through, and records each report on the organization's log. The
// report sequence comes from the log (last recorded + 1) and the quantity from
// totals the workflow fixed, so every attempt of one report is the same meter
// event: Stripe counts its identifier once however often it is retried.
import { ApplicationFailure } from '@temporalio/common';
import type { OrganizationCommandHandler } from '../../application/organization/organization-command-handler';
import type { Clock } from '../../application/ports/clock';
import { StripeGatewayError, type StripeGateway, type UsageReport } from '../../application/ports/stripe-gateway';
import { meterEventIdentifier } from '../../application/billing/stripe-identifiers';
import { aggregationOf, requireActive, stripeReportKey } from '../../domain/organization';
import type { BillingFailure, FeatureReport, IntervalRecord, UsageReportRequest, UsageReportResult } from '../billing-period-types';
import { STRIPE_REQUEST_REJECTED } from '../billing-period-types';

export interface StripeReportingPorts {
  readonly commands: OrganizationCommandHandler;
  readonly stripe: StripeGateway;
  readonly clock: Clock;
}

/** A refusal to record once nothing else in the round is still worth retrying. */
export interface StripeRefusal {
  readonly feature: string;
  readonly reportSequence: number;
  readonly identifier: string;
  readonly error: string;
}

// Stripe attributes a meter event to the subscription period its timestamp falls
// in, so usage reported after the period ended (in its grace period) is dated
// to the period's last second.
function meterTimestamp(now: Date, period: IntervalRecord): Date {
  const lastSecond = Date.parse(period.end) - 1_000;
  return new Date(Math.max(Date.parse(period.start), Math.min(now.getTime(), lastSecond)));
}

function identifierOrBlank(report: UsageReport): string {
  try {
    return meterEventIdentifier(report);
  } catch {
    return '';
  }
}

export async function reportUsageToStripe(ports: StripeReportingPorts, request: UsageReportRequest): Promise<UsageReportResult> {
  const { organizationId, billingPeriod } = request;
  const state = requireActive((await ports.commands.ledger(organizationId)).state, organizationId);
  const now = ports.clock.now();
  const stripeCustomerId = state.settings.stripeCustomerId;
  if (stripeCustomerId === null) return { skipped: 'no-stripe-customer', reports: [], reportedAt: now.toISOString() };
  if (state.settings.stripeBillingMode !== 'meter') return { skipped: 'invoice-mode', reports: [], reportedAt: now.toISOString() };

  const reports: FeatureReport[] = [];
  const refusals: StripeRefusal[] = [];
  let retryable: StripeGatewayError | null = null;
  for (const total of request.totals) {
    const { feature } = total;
    // Stripe's meters sum; a peak or a latest reading is only known once the period is over.
    if (!request.final && aggregationOf(state, feature) !== 'sum') continue;
    const last = state.stripeReports[stripeReportKey(feature, billingPeriod.start)] ?? { reportSequence: 0, cumulativeQuantity: 0 };
    const deltaQuantity = total.totalQuantity - last.cumulativeQuantity;
    const report: UsageReport = {
      organizationId,
      stripeCustomerId,
      feature,
      billingPeriod,
      reportSequence: last.reportSequence + 1,
      quantity: deltaQuantity,
      timestamp: meterTimestamp(now, billingPeriod),
    };
    if (deltaQuantity <= 0) {
      // A meter only adds; taking usage back needs a credit, which a person must issue.
      if (deltaQuantity < 0 && request.final) {
        refusals.push({ feature, reportSequence: report.reportSequence, identifier: identifierOrBlank(report), error: `Stripe was told ${last.cumulativeQuantity}, more than the period's total ${total.totalQuantity}; issue a credit` });
      }
      continue;
    }
    try {
      const receipt = await ports.stripe.reportUsage(report);
      await ports.commands.execute({
        type: 'RecordStripeReport',
        data: {
          organizationId,
          feature,
          billingPeriod,
          reportSequence: report.reportSequence,
          cumulativeQuantity: last.cumulativeQuantity + deltaQuantity,
          deltaQuantity,
          meterEventName: receipt.eventName,
          identifier: receipt.identifier,
        },
      });
      reports.push({ feature, reportSequence: report.reportSequence, deltaQuantity, cumulativeQuantity: last.cumulativeQuantity + deltaQuantity, identifier: receipt.identifier, alreadyReported: receipt.alreadyReported });
    } catch (error) {
      if (!(error instanceof StripeGatewayError)) throw error;
      if (error.retryable) retryable ??= error;
      else refusals.push({ feature, reportSequence: report.reportSequence, identifier: identifierOrBlank(report), error: error.message });
    }
  }
  // The other features went through; Temporal retries the round and finds only what is left.
  if (retryable) throw retryable;
  if (refusals.length > 0) await rejectFor(ports, { organizationId, billingPeriod }, refusals);
  return { skipped: null, reports, reportedAt: now.toISOString() };
}

/**
 * Records each refusal as StripeReportFailed and ends the activity without a
 * retry: the same request would be refused again until someone changes something.
 */
export async function rejectFor(ports: StripeReportingPorts, period: { organizationId: string; billingPeriod: IntervalRecord }, refusals: readonly StripeRefusal[]): Promise<never> {
  const failures: BillingFailure[] = [];
  for (const refusal of refusals) {
    const outcome = await ports.commands.execute({ type: 'RecordStripeFailure', data: { ...period, ...refusal, retryable: false } });
    const recorded = outcome.events.find((event) => event.type === 'StripeReportFailed');
    failures.push({ feature: refusal.feature, error: refusal.error, retryable: false, at: recorded?.type === 'StripeReportFailed' ? recorded.data.failedAt : ports.clock.now().toISOString() });
  }
  const features = refusals.map((refusal) => refusal.feature).join(', ');
  throw ApplicationFailure.nonRetryable(`Stripe refused the request for ${features}: ${refusals[0].error}`, STRIPE_REQUEST_REJECTED, failures);
}
