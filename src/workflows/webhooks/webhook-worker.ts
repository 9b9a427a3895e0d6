// A Temporal worker for webhook deliveries, on a task queue of their own, so
// a flood of deliveries (or a slow receiver) never holds back the billing
// workflows. The worker process and the tests build theirs here.
import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import type { WebhookDeliveryActivities } from './webhook-delivery-activities';

/** The workflow module the worker bundles into its sandbox (compiled .js in production, .ts under the test runner). */
export const webhookWorkflowsPath = require.resolve('./webhook-delivery-workflow');

export interface WebhookWorkerOptions {
  readonly connection: NativeConnection;
  readonly namespace?: string;
  readonly taskQueue: string;
  readonly activities: WebhookDeliveryActivities;
  readonly overrides?: Partial<WorkerOptions>;
}

export function createWebhookWorker(options: WebhookWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace ?? 'default',
    taskQueue: options.taskQueue,
    activities: options.activities,
    workflowsPath: webhookWorkflowsPath,
    ...options.overrides,
  });
}
