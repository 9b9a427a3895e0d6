// The billing month whose workflow history is saved for the replay test: one
// organization on the time-skipping server, touching every path of the
// workflow (scheduled and requested aggregation and reports, quota change,
// a Stripe refusal and retry-failed, the status query, the close and the
// continue-as-new). scripts/record-workflow-history.ts runs it and saves the
// first run's history.
import type { History } from '@temporalio/common/lib/proto-utils';
import { billingPeriodAt } from '../../../src/domain/periods';
import { toIntervalRecord } from '../../../src/domain/periods';
import { billingWorkflowId } from '../../../src/workflows/billing-period-messages';
import { createBillingHarness, DAY, eventually, HOUR } from './billing-harness';

const ORG = 'org_history';

export async function recordBillingPeriodHistory(): Promise<History> {
  // A slow rhythm keeps the saved history small; the paths taken are the same as hourly.
  const harness = await createBillingHarness({ aggregationIntervalMs: 5 * DAY, reportIntervalMs: 10 * DAY });
  try {
    const worker = await harness.newWorker();
    const today = await harness.serverNow();
    const noon = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() + 1, 12);
    const settings = { timeZone: 'UTC', billingAnchorDay: new Date(noon).getUTCDate() };
    const period = billingPeriodAt(new Date(noon), settings);
    const start = period.start.getTime();
    const track = (day: number, feature: string, quantity: number) =>
      harness.at(start + day * DAY + 14 * HOUR, () => harness.usage.trackUsage({ organizationId: ORG, feature, quantity, idempotencyKey: `${feature}-${day}` }));

    await harness.advanceTo(noon);
    await harness.at(noon, async () => {
      await harness.usage.configureOrganization({ organizationId: ORG, ...settings, stripeCustomerId: 'cus_history', stripeBillingMode: 'meter' });
      await harness.usage.configureQuota({ organizationId: ORG, feature: 'OCR_SCAN', includedQuantity: 50, pricePerUnit: 5 });
      await harness.usage.configureQuota({ organizationId: ORG, feature: 'STORAGE_GB', includedQuantity: 5, pricePerUnit: 2 });
    });
    await worker.runUntil(async () => {
      await harness.workflows.ensurePeriodWorkflow(ORG, toIntervalRecord(period));
      await harness.advanceTo(start + 14 * HOUR);
      await track(0, 'OCR_SCAN', 30);
      await track(0, 'STORAGE_GB', 3);
      await harness.advanceTo(start + 3 * DAY);
      await harness.workflows.runJob('report-all', ORG);
      await eventually(() => harness.stripe.callsTo('reportUsage').length === 1 || Promise.reject(new Error('waiting for the report')));
      await harness.advanceTo(start + 4 * DAY);
      await harness.at(start + 4 * DAY, () => harness.usage.configureQuota({ organizationId: ORG, feature: 'OCR_SCAN', includedQuantity: 60, pricePerUnit: 5 }));
      await harness.workflows.notifyQuotaChanged(ORG);
      await track(6, 'OCR_SCAN', 40);
      harness.stripe.scriptFor('reportUsage', 400);
      await harness.advanceTo(start + 14 * DAY);
      await eventually(async () => ((await harness.workflows.status(ORG))?.failures.length === 1 ? true : Promise.reject(new Error('waiting for the refusal'))));
      await harness.workflows.runJob('retry-failed', ORG);
      await eventually(async () => ((await harness.workflows.status(ORG))?.failures.length === 0 ? true : Promise.reject(new Error('waiting for the retry'))));
      await harness.workflows.runJob('aggregate-all', ORG);
      await harness.workflows.runJob('generate-invoice-items', ORG);
      await harness.advanceTo(period.end.getTime() + 2 * HOUR);
      await eventually(async () => ((await harness.workflows.status(ORG))?.billingPeriod.start !== period.start.toISOString() ? true : Promise.reject(new Error('waiting for the close'))));
    });
    // The run that closed the period is the one the current run continued from.
    const client = harness.env.client.workflow;
    const current = await client.getHandle(billingWorkflowId(ORG)).fetchHistory();
    const firstRunId = current.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId;
    if (!firstRunId) throw new Error('the workflow did not continue as new');
    return await client.getHandle(billingWorkflowId(ORG), firstRunId).fetchHistory();
  } finally {
    await harness.dispose();
  }
}
