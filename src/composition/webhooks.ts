// Webhooks as the processes assemble them: the endpoints the API manages
// (with the secret box, the address policy, the delivery log and the
// deliveries it may start), and the worker's half (the delivery workflows'
// worker on its own task queue, and the reactor that starts a delivery for
// every event that goes out). The tests build theirs here too.
import type { Client } from '@temporalio/client';
import type { NativeConnection, Worker, WorkerOptions } from '@temporalio/worker';
import type { Db } from 'mongodb';
import type { OrganizationDirectory } from '../application/organization/organization-directory';
import type { Clock } from '../application/ports/clock';
import type { EventStore } from '../application/ports/event-store';
import type { HostResolver } from '../application/webhooks/endpoint-address-policy';
import type { WebhookDeliveries } from '../application/webhooks/webhook-deliveries';
import { WebhookEndpointIndex } from '../application/webhooks/webhook-endpoint-index';
import { WebhookEndpoints } from '../application/webhooks/webhook-endpoints';
import type { WebhookRetryPolicy } from '../application/webhooks/webhook-retry-policy';
import { WebhookSecretBox } from '../application/webhooks/webhook-secrets';
import type { ProjectorSettings } from '../infrastructure/config/environment';
import type { Logger } from '../infrastructure/logging/logger';
import { systemHostResolver } from '../infrastructure/webhooks/dns-host-resolver';
import { HttpWebhookSender } from '../infrastructure/webhooks/http-webhook-sender';
import { MongoWebhookDeliveryLog } from '../infrastructure/webhooks/mongo-webhook-delivery-log';
import type { Projector } from '../read-side/projector';
import { TemporalWebhookDeliveries } from '../workflows/webhooks/temporal-webhook-deliveries';
import { createWebhookDeliveryActivities } from '../workflows/webhooks/webhook-delivery-activities';
import { WebhookReactor } from '../workflows/webhooks/webhook-reactor';
import { createWebhookWorker } from '../workflows/webhooks/webhook-worker';
import { usageProjector } from './read-side';

/** What the API needs to know about webhooks; with none, endpoints can be listed but not registered. */
export interface ApiWebhookSettings {
  /** TALLY_WEBHOOK_SECRET_KEY: 64 hex digits. */
  readonly secretKey?: string;
  readonly allowPrivateAddresses?: boolean;
  /** Starts pings and redeliveries; they answer 503 without it. */
  readonly deliveries?: WebhookDeliveries;
  /** The system's resolver by default. */
  readonly resolver?: HostResolver;
}

export function composeWebhookEndpoints(parts: { eventStore: EventStore; db: Db; clock: Clock; organizations: OrganizationDirectory; settings?: ApiWebhookSettings }): WebhookEndpoints {
  const settings = parts.settings ?? {};
  return new WebhookEndpoints(parts.eventStore, parts.organizations, parts.clock, {
    secretBox: settings.secretKey ? WebhookSecretBox.fromHexKey(settings.secretKey) : null,
    resolver: settings.resolver ?? systemHostResolver,
    allowPrivateAddresses: settings.allowPrivateAddresses ?? false,
    deliveryLog: new MongoWebhookDeliveryLog(parts.db),
    deliveries: settings.deliveries ?? null,
  });
}

export interface WebhookDeliveryParts {
  readonly store: EventStore;
  readonly db: Db;
  readonly clock: Clock;
  readonly connection: NativeConnection;
  readonly client: Client;
  readonly namespace: string;
  readonly taskQueue: string;
  readonly secretKey: string;
  readonly allowPrivateAddresses: boolean;
  readonly policy: WebhookRetryPolicy;
  readonly projectorSettings: ProjectorSettings;
  readonly logger: Logger;
  readonly workerOverrides?: Partial<WorkerOptions>;
}

export interface ComposedWebhookDelivery {
  readonly worker: Worker;
  readonly reactor: Projector;
}

export async function composeWebhookDelivery(parts: WebhookDeliveryParts): Promise<ComposedWebhookDelivery> {
  // The activities and the reactor keep views of their own: each catches up on its own schedule.
  const worker = await createWebhookWorker({
    connection: parts.connection,
    namespace: parts.namespace,
    taskQueue: parts.taskQueue,
    activities: createWebhookDeliveryActivities({
      endpoints: new WebhookEndpointIndex(parts.store),
      secretBox: WebhookSecretBox.fromHexKey(parts.secretKey),
      sender: new HttpWebhookSender({ allowPrivateAddresses: parts.allowPrivateAddresses }),
      log: new MongoWebhookDeliveryLog(parts.db),
      clock: parts.clock,
    }),
    // An attempt in flight at shutdown is cut off; Temporal tries it again after its timeout.
    overrides: { shutdownGraceTime: '5 seconds', ...parts.workerOverrides },
  });
  const deliveries = new TemporalWebhookDeliveries(parts.client, { taskQueue: parts.taskQueue, policy: parts.policy });
  const reactor = usageProjector(parts.store, parts.db, parts.clock, parts.projectorSettings, parts.logger, new WebhookReactor(new WebhookEndpointIndex(parts.store), deliveries));
  return { worker, reactor };
}
