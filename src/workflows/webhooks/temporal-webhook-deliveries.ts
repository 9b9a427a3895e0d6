// The WebhookDeliveries port on Temporal: a delivery is a workflow whose id
// names the endpoint and the event (and the redelivery), started with a reuse
// policy that refuses the same id even after that workflow finished, so a
// batch the reactor applies again after a crash sends nothing twice.
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { WebhookDeliveries, WebhookDeliveryRequest } from '../../application/webhooks/webhook-deliveries';
import type { WebhookRetryPolicy } from '../../application/webhooks/webhook-retry-policy';
import { WEBHOOK_DELIVERY_WORKFLOW_TYPE, webhookDeliveryWorkflowId, type WebhookDeliveryInput } from './webhook-delivery-types';
import type { webhookDeliveryWorkflow } from './webhook-delivery-workflow';

export interface TemporalWebhookDeliveriesOptions {
  readonly taskQueue: string;
  readonly policy: WebhookRetryPolicy;
  /** Deadline of each call to Temporal; none when absent. */
  readonly callTimeoutMs?: number;
}

export class TemporalWebhookDeliveries implements WebhookDeliveries {
  constructor(
    private readonly client: Client,
    private readonly options: TemporalWebhookDeliveriesOptions,
  ) {}

  async start(request: WebhookDeliveryRequest): Promise<boolean> {
    const input: WebhookDeliveryInput = { ...request, policy: this.options.policy };
    const send = () =>
      this.client.workflow.start<typeof webhookDeliveryWorkflow>(WEBHOOK_DELIVERY_WORKFLOW_TYPE, {
        workflowId: webhookDeliveryWorkflowId(request),
        taskQueue: this.options.taskQueue,
        args: [input],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
      });
    try {
      const timeoutMs = this.options.callTimeoutMs;
      await (timeoutMs === undefined ? send() : this.client.withDeadline(Date.now() + timeoutMs, send));
      return true;
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError) return false;
      throw error;
    }
  }
}
