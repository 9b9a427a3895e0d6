// Webhook endpoints, as the API manages them: an organization's own (its key
// or the admin) and the admin's endpoints for every organization. Registering
// one checks where its URL leads, makes a signing secret that is returned this
// once and stored only sealed, and appends an event; changes and deletions are
// events too. Pings and redeliveries start a durable delivery, and the
// delivery log says how every attempt went.
import { randomBytes, randomUUID } from 'node:crypto';
import { DomainError } from '../../domain/domain-error';
import { organizationNotFound } from '../../domain/organization';
import type { OrganizationDirectory } from '../organization/organization-directory';
import type { Clock } from '../ports/clock';
import { WrongExpectedRevisionError, type EventStore } from '../ports/event-store';
import { MAX_CONFLICT_RETRIES, pauseBeforeRetry } from '../event-log/conflict-retry';
import { parseEndpointUrl, requireDeliverableHost, type HostResolver } from './endpoint-address-policy';
import { WebhookDeliveriesUnavailableError, type WebhookDeliveries } from './webhook-deliveries';
import type { WebhookDelivery, WebhookDeliveryLog } from './webhook-delivery-log';
import { encodeWebhookEndpointEvent, WEBHOOK_ENDPOINT_STREAM, type EndpointEventTypes, type WebhookEndpointEvent, type WebhookEndpointSettings } from './webhook-endpoint-events';
import { WebhookEndpointIndex, type IndexedWebhookEndpoint } from './webhook-endpoint-index';
import type { PingEnvelope } from './webhook-payloads';
import { newWebhookSecret, type WebhookSecretBox } from './webhook-secrets';

/** Whose endpoints: an organization's, or (null) the admin's endpoints for every organization. */
export interface EndpointScope {
  readonly organizationId: string | null;
}

export interface WebhookEndpointView {
  readonly endpointId: string;
  readonly organizationId: string | null;
  readonly url: string;
  readonly eventTypes: EndpointEventTypes;
  readonly description: string | null;
  readonly enabled: boolean;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface CreatedWebhookEndpoint extends WebhookEndpointView {
  /** The signing secret: returned this once, stored only sealed. */
  readonly secret: string;
}

export interface NewWebhookEndpoint {
  readonly url: string;
  readonly eventTypes?: EndpointEventTypes;
  readonly description?: string | null;
  readonly enabled?: boolean;
}

export interface ChangedWebhookEndpoint extends WebhookEndpointView {
  /** False when the endpoint already had these settings. */
  readonly changed: boolean;
}

export interface DeletedWebhookEndpoint {
  readonly endpointId: string;
  readonly organizationId: string | null;
  readonly deletedAt: string;
}

export interface StartedDelivery {
  readonly endpointId: string;
  readonly deliveryId: string;
  /** 0 for a first delivery (a ping), n for the n-th redelivery. */
  readonly series: number;
}

/** Webhooks cannot be registered: this process has no key to seal signing secrets with. */
export class WebhooksNotConfiguredError extends Error {
  override readonly name = 'WebhooksNotConfiguredError';
}

export interface WebhookEndpointsOptions {
  /** Seals signing secrets; null when TALLY_WEBHOOK_SECRET_KEY is not set (no endpoint can be registered). */
  readonly secretBox: WebhookSecretBox | null;
  readonly resolver: HostResolver;
  readonly allowPrivateAddresses: boolean;
  readonly deliveryLog: WebhookDeliveryLog;
  /** Starts pings and redeliveries; null in a process that cannot reach Temporal. */
  readonly deliveries: WebhookDeliveries | null;
  readonly randomBytes?: (size: number) => Buffer;
  readonly newEventId?: () => string;
}

/** Endpoints an organization (or the admin) may have at once. */
export const MAX_ENDPOINTS_PER_SCOPE = 20;
export const ENDPOINT_ID_FORMAT = /^we_[0-9a-f]{16}$/;
const view = (endpoint: IndexedWebhookEndpoint): WebhookEndpointView => {
  const { endpointId, organizationId, url, eventTypes, description, enabled, createdAt, updatedAt } = endpoint;
  return { endpointId, organizationId, url, eventTypes, description, enabled, createdAt, updatedAt };
};

const sameEventTypes = (a: EndpointEventTypes, b: EndpointEventTypes): boolean =>
  a === '*' || b === '*' ? a === b : a.length === b.length && a.every((type) => b.includes(type));

export class WebhookEndpoints {
  private readonly index: WebhookEndpointIndex;
  private readonly random: (size: number) => Buffer;
  private readonly newEventId: () => string;

  constructor(
    private readonly eventStore: EventStore,
    private readonly organizations: OrganizationDirectory,
    private readonly clock: Clock,
    private readonly options: WebhookEndpointsOptions,
  ) {
    this.index = new WebhookEndpointIndex(eventStore);
    this.random = options.randomBytes ?? randomBytes;
    this.newEventId = options.newEventId ?? randomUUID;
  }

  async create(scope: EndpointScope, input: NewWebhookEndpoint): Promise<CreatedWebhookEndpoint> {
    await this.requireScope(scope);
    const secretBox = this.options.secretBox;
    if (!secretBox) throw new WebhooksNotConfiguredError('Webhooks are off: this server has no TALLY_WEBHOOK_SECRET_KEY to seal signing secrets with.');
    const url = parseEndpointUrl(input.url);
    await requireDeliverableHost(url, this.options.resolver, this.options.allowPrivateAddresses);
    const endpointId = `we_${this.random(8).toString('hex')}`;
    const secret = newWebhookSecret(this.random);
    const createdAt = this.clock.now().toISOString();
    const event: WebhookEndpointEvent = {
      type: 'WebhookEndpointCreated',
      data: {
        endpointId,
        organizationId: scope.organizationId,
        url: url.href,
        eventTypes: input.eventTypes ?? '*',
        description: input.description ?? null,
        enabled: input.enabled ?? true,
        secret: secretBox.seal(secret, endpointId, this.random),
        createdAt,
      },
    };
    await this.appendChecked(scope, () => {
      if (this.index.ofScope(scope.organizationId).length >= MAX_ENDPOINTS_PER_SCOPE) {
        throw new DomainError('conflict', `${describeScope(scope)} has ${MAX_ENDPOINTS_PER_SCOPE} webhook endpoints already; delete one first`);
      }
      return event;
    });
    const created = await this.index.lookup(endpointId);
    if (!created) throw new Error(`webhook endpoint ${endpointId} was appended but is not in the log`);
    return { ...view(created), secret };
  }

  async list(scope: EndpointScope): Promise<WebhookEndpointView[]> {
    await this.requireScope(scope);
    await this.index.refresh();
    return this.index.ofScope(scope.organizationId).map(view);
  }

  async get(scope: EndpointScope, endpointId: string): Promise<WebhookEndpointView> {
    return view(await this.endpointIn(scope, endpointId));
  }

  async update(scope: EndpointScope, endpointId: string, changes: Partial<WebhookEndpointSettings>): Promise<ChangedWebhookEndpoint> {
    const current = await this.endpointIn(scope, endpointId);
    if (changes.url !== undefined) {
      const url = parseEndpointUrl(changes.url);
      await requireDeliverableHost(url, this.options.resolver, this.options.allowPrivateAddresses);
      changes = { ...changes, url: url.href };
    }
    let appended = false;
    await this.appendChecked(scope, () => {
      const latest = this.requireIn(scope, endpointId);
      const differing: Partial<WebhookEndpointSettings> = {
        ...(changes.url !== undefined && changes.url !== latest.url && { url: changes.url }),
        ...(changes.eventTypes !== undefined && !sameEventTypes(changes.eventTypes, latest.eventTypes) && { eventTypes: changes.eventTypes }),
        ...(changes.description !== undefined && changes.description !== latest.description && { description: changes.description }),
        ...(changes.enabled !== undefined && changes.enabled !== latest.enabled && { enabled: changes.enabled }),
      };
      if (Object.keys(differing).length === 0) return null;
      appended = true;
      return { type: 'WebhookEndpointChanged', data: { endpointId, organizationId: current.organizationId, changes: differing, changedAt: this.clock.now().toISOString() } };
    });
    return { ...view(this.requireIn(scope, endpointId)), changed: appended };
  }

  async remove(scope: EndpointScope, endpointId: string): Promise<DeletedWebhookEndpoint> {
    await this.endpointIn(scope, endpointId);
    const deletedAt = this.clock.now().toISOString();
    await this.appendChecked(scope, () => {
      this.requireIn(scope, endpointId);
      return { type: 'WebhookEndpointDeleted', data: { endpointId, organizationId: scope.organizationId, deletedAt } };
    });
    return { endpointId, organizationId: scope.organizationId, deletedAt };
  }

  /** Sends the endpoint a `ping` event now (also when it is disabled), to test it. */
  async ping(scope: EndpointScope, endpointId: string): Promise<StartedDelivery> {
    await this.endpointIn(scope, endpointId);
    const requestedAt = this.clock.now().toISOString();
    const envelope: PingEnvelope = { id: this.newEventId(), type: 'ping', createdAt: requestedAt, organizationId: scope.organizationId, data: { endpointId, requestedAt } };
    await this.requireDeliveries().start({ endpointId, envelope, series: 0 });
    return { endpointId, deliveryId: envelope.id, series: 0 };
  }

  async deliveries(scope: EndpointScope, endpointId: string, limit: number): Promise<WebhookDelivery[]> {
    await this.endpointIn(scope, endpointId);
    return this.options.deliveryLog.recent(endpointId, limit);
  }

  /** Sends a delivered or failed event again, with the same id, as a new series of attempts. */
  async redeliver(scope: EndpointScope, endpointId: string, deliveryId: string): Promise<StartedDelivery> {
    const endpoint = await this.endpointIn(scope, endpointId);
    if (!endpoint.enabled) throw new DomainError('conflict', `webhook endpoint ${endpointId} is disabled; enable it first`, 'endpointId');
    const delivery = await this.options.deliveryLog.find(endpointId, deliveryId);
    if (!delivery) throw new DomainError('not_found', `webhook endpoint ${endpointId} has no delivery ${JSON.stringify(deliveryId)}`, 'deliveryId');
    if (delivery.status === 'pending') throw new DomainError('conflict', `delivery ${deliveryId} is still being attempted`, 'deliveryId');
    const series = delivery.redeliveries + 1;
    const started = await this.requireDeliveries().start({ endpointId, envelope: delivery.event, series });
    if (!started) throw new DomainError('conflict', `a redelivery of ${deliveryId} was just asked for`, 'deliveryId');
    return { endpointId, deliveryId, series };
  }

  private requireDeliveries(): WebhookDeliveries {
    if (!this.options.deliveries) throw new WebhookDeliveriesUnavailableError('This server cannot start webhook deliveries (no Temporal connection).');
    return this.options.deliveries;
  }

  private async requireScope(scope: EndpointScope): Promise<void> {
    if (scope.organizationId !== null && !(await this.organizations.exists(scope.organizationId))) throw organizationNotFound(scope.organizationId);
  }

  /** The endpoint as read now; an endpoint of another scope is as unknown as a missing one. */
  private async endpointIn(scope: EndpointScope, endpointId: string): Promise<IndexedWebhookEndpoint> {
    await this.requireScope(scope);
    await this.index.refresh();
    return this.requireIn(scope, endpointId);
  }

  private requireIn(scope: EndpointScope, endpointId: string): IndexedWebhookEndpoint {
    const found = this.index.ofScope(scope.organizationId).find((endpoint) => endpoint.endpointId === endpointId);
    if (!found) throw new DomainError('not_found', `${describeScope(scope)} has no webhook endpoint ${JSON.stringify(endpointId)}`, 'endpointId');
    return found;
  }

  /**
   * Appends what `decide` returns against the stream as last read, so two
   * concurrent changes are decided one after the other; null appends nothing.
   */
  private async appendChecked(scope: EndpointScope, decide: () => WebhookEndpointEvent | null): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      await pauseBeforeRetry(attempt);
      await this.index.refresh();
      const event = decide();
      if (!event) return;
      try {
        await this.eventStore.appendToStream(WEBHOOK_ENDPOINT_STREAM, [encodeWebhookEndpointEvent(event)], { expectedRevision: this.index.streamRevision });
        await this.index.refresh();
        return;
      } catch (error) {
        if (error instanceof WrongExpectedRevisionError && attempt < MAX_CONFLICT_RETRIES) continue;
        throw error;
      }
    }
  }
}

const describeScope = (scope: EndpointScope): string => (scope.organizationId === null ? 'the admin' : `organization ${scope.organizationId}`);
