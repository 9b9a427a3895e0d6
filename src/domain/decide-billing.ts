// Decisions for the billing events the period workflows record: running
// totals, what was reported to Stripe, invoice items, and the period close.
// Each is idempotent, so an activity retried after a lost answer records
// nothing twice.
import type { CloseBillingPeriod, RecordInvoiceItem, RecordStripeFailure, RecordStripeReport, RecordUsageAggregation } from './commands';
import { periodClosesAt } from './billing-calendar';
import { DomainError, validationError } from './domain-error';
import type { IntervalRecord, OrganizationEvent } from './events';
import { isPeriodClosed, stripeReportKey, type ActiveOrganization } from './organization';
import type { DailyUsage } from './daily-usage';
import { statementForPeriod, toFeatureSummary } from './period-statement';
import { billingPeriodAt } from './periods';

function requirePeriod(state: ActiveOrganization, period: IntervalRecord): void {
  const start = new Date(period.start);
  const expected = Number.isNaN(start.getTime()) ? null : billingPeriodAt(start, state.settings);
  if (!expected || expected.start.toISOString() !== period.start || expected.end.toISOString() !== period.end) {
    throw validationError('billingPeriod', `${period.start} – ${period.end} is not a billing period of this organization`);
  }
}

export function recordUsageAggregation(command: RecordUsageAggregation, state: ActiveOrganization, now: Date, usage: readonly DailyUsage[]): OrganizationEvent[] {
  const { organizationId, billingPeriod } = command.data;
  requirePeriod(state, billingPeriod);
  if (isPeriodClosed(state, billingPeriod.start)) return [];
  const features = statementForPeriod(state, billingPeriod, usage).map(toFeatureSummary);
  return [{ type: 'UsageAggregated', data: { organizationId, billingPeriod, asOf: now.toISOString(), features } }];
}

export function closeBillingPeriod(command: CloseBillingPeriod, state: ActiveOrganization, now: Date, usage: readonly DailyUsage[]): OrganizationEvent[] {
  const { organizationId, billingPeriod, early } = command.data;
  requirePeriod(state, billingPeriod);
  if (isPeriodClosed(state, billingPeriod.start)) return [];
  const closesAt = periodClosesAt(billingPeriod, state.settings);
  if (!early && now.getTime() < closesAt.getTime()) {
    throw new DomainError('illegal_state', `period ${billingPeriod.start} closes at ${closesAt.toISOString()}, after its grace period`, 'billingPeriod');
  }
  if (early && now.getTime() < Date.parse(billingPeriod.start)) {
    throw new DomainError('illegal_state', `period ${billingPeriod.start} has not started yet`, 'billingPeriod');
  }
  const features = statementForPeriod(state, billingPeriod, usage).map(toFeatureSummary);
  return [{ type: 'BillingPeriodClosed', data: { organizationId, billingPeriod, closedAt: now.toISOString(), features } }];
}

export function recordStripeReport(command: RecordStripeReport, state: ActiveOrganization, now: Date): OrganizationEvent[] {
  const { feature, billingPeriod, reportSequence, cumulativeQuantity, deltaQuantity } = command.data;
  const last = state.stripeReports[stripeReportKey(feature, billingPeriod.start)] ?? { reportSequence: 0, cumulativeQuantity: 0 };
  // Reports are numbered per feature and period; a number already recorded is a retry.
  if (reportSequence <= last.reportSequence) return [];
  if (reportSequence !== last.reportSequence + 1) {
    throw new DomainError('conflict', `report ${reportSequence} for ${feature} follows report ${last.reportSequence}`, 'reportSequence');
  }
  if (!Number.isSafeInteger(deltaQuantity) || deltaQuantity < 0 || cumulativeQuantity !== last.cumulativeQuantity + deltaQuantity) {
    throw validationError('cumulativeQuantity', `cumulative quantity ${cumulativeQuantity} must be ${last.cumulativeQuantity} reported before plus the delta ${deltaQuantity}`);
  }
  return [{ type: 'UsageReportedToStripe', data: { ...command.data, reportedAt: now.toISOString() } }];
}

export function recordStripeFailure(command: RecordStripeFailure, now: Date): OrganizationEvent[] {
  return [{ type: 'StripeReportFailed', data: { ...command.data, failedAt: now.toISOString() } }];
}

export function recordInvoiceItem(command: RecordInvoiceItem, state: ActiveOrganization, now: Date): OrganizationEvent[] {
  if (state.invoiceItems.includes(command.data.idempotencyKey)) return [];
  return [{ type: 'InvoiceItemCreated', data: { ...command.data, createdAt: now.toISOString() } }];
}
