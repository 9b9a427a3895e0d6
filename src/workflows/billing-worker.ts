// A Temporal worker for the billing-period workflows and their activities; the
// worker process, the tests and the benchmark all build theirs here, so they
// run exactly the same workflow code.
import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import type { BillingActivities } from './activities/billing-activities';

/** The workflow module the worker bundles into its sandbox (compiled .js in production, .ts under the test runner). */
export const billingWorkflowsPath = require.resolve('./billing-period-workflow');

export interface BillingWorkerOptions {
  readonly connection: NativeConnection;
  readonly namespace?: string;
  readonly taskQueue: string;
  readonly activities: BillingActivities;
  /** Passed through for tests and the benchmark (e.g. a shared bundle, cache sizes). */
  readonly overrides?: Partial<WorkerOptions>;
}

export function createBillingWorker(options: BillingWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace ?? 'default',
    taskQueue: options.taskQueue,
    activities: options.activities,
    // A prebuilt bundle replaces bundling the workflow code at start-up; the two cannot be given together.
    ...(options.overrides?.workflowBundle ? {} : { workflowsPath: billingWorkflowsPath }),
    ...options.overrides,
  });
}
