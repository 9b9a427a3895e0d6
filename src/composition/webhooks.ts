// Webhooks as the processes assemble them: the endpoints the API manages
// (with the secret box, the address policy, the delivery log and the
// deliveries it may start). The tests build theirs here too.
import type { Db } from 'mongodb';
import type { OrganizationDirectory } from '../application/organization/organization-directory';
import type { Clock } from '../application/ports/clock';
import type { EventStore } from '../application/ports/event-store';
import type { HostResolver } from '../application/webhooks/endpoint-address-policy';
import type { WebhookDeliveries } from '../application/webhooks/webhook-deliveries';
import { WebhookEndpoints } from '../application/webhooks/webhook-endpoints';
import { WebhookSecretBox } from '../application/webhooks/webhook-secrets';
import { systemHostResolver } from '../infrastructure/webhooks/dns-host-resolver';
import { MongoWebhookDeliveryLog } from '../infrastructure/webhooks/mongo-webhook-delivery-log';

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
