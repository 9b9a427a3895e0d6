// The worker process's parts: the billing-period workflows' worker with its
// activities on the write side and Stripe, and the billing reactor that starts
// a workflow for every organization and period. `tally worker` runs them; the
// tests and the benchmark build theirs from the same pieces.
import type { Client } from '@temporalio/client';
import type { NativeConnection, Worker } from '@temporalio/worker';
import type { Db } from 'mongodb';
import type { Clock } from '../application/ports/clock';
import type { EventStore } from '../application/ports/event-store';
import type { StripeGateway } from '../application/ports/stripe-gateway';
import { MINUTE_MS } from '../domain/periods';
import type { WorkerSettings } from '../infrastructure/config/environment';
import type { Logger } from '../infrastructure/logging/logger';
import type { Projector } from '../read-side/projector';
import { createBillingActivities } from '../workflows/activities/billing-activities';
import { BillingReactor } from '../workflows/billing-reactor';
import { createBillingWorker } from '../workflows/billing-worker';
import { TemporalBillingWorkflows } from '../workflows/temporal-billing-workflows';
import { webhookRetryPolicyOf } from '../infrastructure/config/webhook-settings';
import { webhookTaskQueue } from '../workflows/webhooks/webhook-delivery-types';
import { usageProjector } from './read-side';
import { composeWebhookDelivery, type ComposedWebhookDelivery } from './webhooks';
import { composeWriteSide } from './write-side';

export interface WorkerParts {
  readonly store: EventStore;
  readonly db: Db;
  readonly clock: Clock;
  readonly stripe: StripeGateway;
  readonly connection: NativeConnection;
  readonly client: Client;
  readonly config: WorkerSettings;
  readonly logger: Logger;
}

export interface ComposedWorker {
  readonly worker: Worker;
  readonly reactor: Projector;
  /** Webhook deliveries: null when TALLY_WEBHOOK_SECRET_KEY is not set (no endpoint can exist to deliver to). */
  readonly webhooks: ComposedWebhookDelivery | null;
}

export async function composeWorker(parts: WorkerParts): Promise<ComposedWorker> {
  const { config } = parts;
  const { handler } = composeWriteSide({ eventStore: parts.store, clock: parts.clock });
  const worker = await createBillingWorker({
    connection: parts.connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    activities: createBillingActivities({ commands: handler, stripe: parts.stripe, clock: parts.clock }),
    // A Stripe call in flight at shutdown may finish and be recorded; its retry would be the same call anyway.
    overrides: { shutdownGraceTime: '10 seconds' },
  });
  const workflows = new TemporalBillingWorkflows(parts.client, {
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    schedule: { aggregationIntervalMs: config.TALLY_AGGREGATION_INTERVAL_MINUTES * MINUTE_MS, reportIntervalMs: config.TALLY_REPORT_INTERVAL_MINUTES * MINUTE_MS },
  });
  const reactor = usageProjector(parts.store, parts.db, parts.clock, config, parts.logger, new BillingReactor(workflows));
  const webhooks = config.TALLY_WEBHOOK_SECRET_KEY
    ? await composeWebhookDelivery({
        ...parts,
        namespace: config.TEMPORAL_NAMESPACE,
        taskQueue: webhookTaskQueue(config.TEMPORAL_TASK_QUEUE),
        secretKey: config.TALLY_WEBHOOK_SECRET_KEY,
        allowPrivateAddresses: config.TALLY_WEBHOOK_ALLOW_PRIVATE,
        policy: webhookRetryPolicyOf(config),
        projectorSettings: config,
      })
    : null;
  return { worker, reactor, webhooks };
}
