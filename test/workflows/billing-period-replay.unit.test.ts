// Replays a saved history of the billing-period workflow against today's
// workflow code. A change that would make a running workflow take a different
// path (a non-deterministic change) fails here, before it reaches a worker.
// Regenerate the history only for a deliberate, patched change:
// scripts/record-workflow-history.ts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { billingWorkflowsPath } from '../../src/workflows/billing-worker';
import '../support/quiet-temporal';

const historyFile = join(__dirname, 'histories', 'billing-period-month.json');

describe('the billing-period workflow', () => {
  const history = historyFromJSON(JSON.parse(readFileSync(historyFile, 'utf8')));

  it('replays a saved month: signals, a Stripe refusal and retry-failed, the close and continue-as-new', async () => {
    const types = new Set((history.events ?? []).map((event) => event.eventType));
    // The saved month still covers the paths it was recorded for.
    expect(history.events?.filter((event) => event.workflowExecutionSignaledEventAttributes).map((event) => event.workflowExecutionSignaledEventAttributes?.signalName)).toEqual(
      expect.arrayContaining(['billingPeriodEnsured', 'runBillingJob', 'quotaChanged']),
    );
    expect(types.size).toBeGreaterThan(5);
    expect(history.events?.some((event) => event.activityTaskFailedEventAttributes)).toBe(true);
    expect(history.events?.some((event) => event.workflowExecutionContinuedAsNewEventAttributes)).toBe(true);

    await expect(Worker.runReplayHistory({ workflowsPath: billingWorkflowsPath }, history)).resolves.toBeUndefined();
  }, 60_000);
});
