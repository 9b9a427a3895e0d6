// Webhook endpoints over HTTP, in two scopes that take the same operations:
// an organization's own endpoints (/api/organizations/{orgId}/webhooks: its
// key or the admin's) and the admin's endpoints for every organization
// (/api/webhooks). Register (the signing secret is in that answer only), list,
// read, change, delete, ping, read the delivery log, redeliver.
import type { z } from 'zod';
import { WebhookDeliveriesUnavailableError } from '../../../application/webhooks/webhook-deliveries';
import { WebhooksNotConfiguredError, type EndpointScope, type WebhookEndpoints } from '../../../application/webhooks/webhook-endpoints';
import { defineRoute, type ApiRoute, type ApiServices, type RouteAccess, type RouteAnswer } from '../api-route';
import { UNAVAILABLE_RETRY_AFTER_SECONDS } from '../error-handler';
import { HttpProblem } from '../problem-details';
import { organizationPathParams } from '../schemas/common-schemas';
import {
  adminDeliveryParams,
  adminEndpointParams,
  changedWebhookEndpoint,
  createdWebhookEndpoint,
  createWebhookEndpointBody,
  deletedWebhookEndpoint,
  deliveriesQuery,
  organizationDeliveryParams,
  organizationEndpointParams,
  startedDelivery,
  updateWebhookEndpointBody,
  webhookDeliveryList,
  webhookEndpoint,
  webhookEndpointList,
} from '../schemas/webhook-schemas';

// The signing secret must not linger in a shared cache or a browser's history of responses.
const NOT_STORED = { 'Cache-Control': 'no-store' };
const DEFAULT_DELIVERIES_LIMIT = 20;

/** Path parameters as the scope's schemas produce them (the admin scope has no orgId). */
interface WebhookPath {
  readonly orgId?: string;
  readonly endpointId: string;
  readonly deliveryId: string;
}

interface Scope {
  readonly base: string;
  readonly access: RouteAccess;
  readonly operation: (verb: string) => string;
  readonly whose: string;
  readonly listParams?: z.ZodObject;
  readonly endpointParams: z.ZodObject;
  readonly deliveryParams: z.ZodObject;
}

const ORGANIZATION: Scope = {
  base: '/api/organizations/{orgId}/webhooks',
  access: 'organization',
  operation: (verb) => verb,
  whose: 'the organization’s',
  listParams: organizationPathParams,
  endpointParams: organizationEndpointParams,
  deliveryParams: organizationDeliveryParams,
};

const ADMIN: Scope = {
  base: '/api/webhooks',
  access: 'admin',
  operation: (verb) => `${verb}ForAllOrganizations`,
  whose: 'the admin’s (every organization’s events)',
  endpointParams: adminEndpointParams,
  deliveryParams: adminDeliveryParams,
};

// The admin's list and create routes have no path parameters at all.
const pathOf = (params: unknown): WebhookPath => (params ?? {}) as WebhookPath;
const scopeOf = (params: unknown): EndpointScope => ({ organizationId: pathOf(params).orgId ?? null });

/** Runs a webhook operation; a server that cannot do it answers 503 saying why. */
async function withWebhooks(services: ApiServices, run: (webhooks: WebhookEndpoints) => Promise<RouteAnswer>): Promise<RouteAnswer> {
  if (!services.webhooks) throw new HttpProblem('service-unavailable', 'Webhooks are not available on this server.');
  try {
    return await run(services.webhooks);
  } catch (error) {
    if (error instanceof WebhooksNotConfiguredError) throw new HttpProblem('service-unavailable', error.message);
    if (error instanceof WebhookDeliveriesUnavailableError) throw new HttpProblem('service-unavailable', error.message, { retryAfterSeconds: UNAVAILABLE_RETRY_AFTER_SECONDS });
    throw error;
  }
}

function routesOf(scope: Scope): ApiRoute[] {
  const organizationOf = scope.access === 'organization' ? ({ params }: { params: unknown }) => pathOf(params).orgId : undefined;
  const endpointPath = `${scope.base}/{endpointId}`;
  return [
    defineRoute({
      method: 'post',
      path: scope.base,
      operationId: scope.operation('createWebhookEndpoint'),
      summary: `Register a webhook endpoint of ${scope.whose}; its signing secret is shown once`,
      description:
        'Every delivery is a POST of one JSON envelope `{ id, type, createdAt, organizationId, data }` (see the document’s webhooks), signed with the header ' +
        '`Tally-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" keyed with the secret>`. Any 2xx answer accepts it; anything else is retried ' +
        'with exponential backoff for up to 3 days. The URL must be http(s) and reach a public address unless the server allows private ones.',
      tag: 'webhooks',
      access: scope.access,
      params: scope.listParams,
      body: { schema: createWebhookEndpointBody, required: true },
      organizationOf,
      responses: { 201: { description: 'Registered; store the secret now, it cannot be shown again', schema: createdWebhookEndpoint } },
      handle: ({ params, body }, services) =>
        withWebhooks(services, async (webhooks) => ({ status: 201, body: await webhooks.create(scopeOf(params), body), headers: NOT_STORED })),
    }),
    defineRoute({
      method: 'get',
      path: scope.base,
      operationId: scope.operation('listWebhookEndpoints'),
      summary: `List ${scope.whose} webhook endpoints (never their secrets)`,
      tag: 'webhooks',
      access: scope.access,
      params: scope.listParams,
      organizationOf,
      responses: { 200: { description: 'The endpoints, oldest first', schema: webhookEndpointList } },
      handle: ({ params }, services) => withWebhooks(services, async (webhooks) => ({ status: 200, body: { endpoints: await webhooks.list(scopeOf(params)) } })),
    }),
    defineRoute({
      method: 'get',
      path: endpointPath,
      operationId: scope.operation('getWebhookEndpoint'),
      summary: `One of ${scope.whose} webhook endpoints`,
      tag: 'webhooks',
      access: scope.access,
      params: scope.endpointParams,
      organizationOf,
      responses: { 200: { description: 'The endpoint', schema: webhookEndpoint } },
      handle: ({ params }, services) => withWebhooks(services, async (webhooks) => ({ status: 200, body: await webhooks.get(scopeOf(params), pathOf(params).endpointId) })),
    }),
    defineRoute({
      method: 'patch',
      path: endpointPath,
      operationId: scope.operation('updateWebhookEndpoint'),
      summary: `Change one of ${scope.whose} webhook endpoints: enable or disable it, its event types, URL or description`,
      tag: 'webhooks',
      access: scope.access,
      params: scope.endpointParams,
      body: { schema: updateWebhookEndpointBody, required: true },
      organizationOf,
      responses: { 200: { description: 'The endpoint as it is now', schema: changedWebhookEndpoint } },
      handle: ({ params, body }, services) =>
        withWebhooks(services, async (webhooks) => ({ status: 200, body: await webhooks.update(scopeOf(params), pathOf(params).endpointId, body) })),
    }),
    defineRoute({
      method: 'delete',
      path: endpointPath,
      operationId: scope.operation('deleteWebhookEndpoint'),
      summary: `Delete one of ${scope.whose} webhook endpoints; deliveries still being retried stop`,
      tag: 'webhooks',
      access: scope.access,
      params: scope.endpointParams,
      organizationOf,
      responses: { 200: { description: 'Deleted', schema: deletedWebhookEndpoint } },
      handle: ({ params }, services) => withWebhooks(services, async (webhooks) => ({ status: 200, body: await webhooks.remove(scopeOf(params), pathOf(params).endpointId) })),
    }),
    defineRoute({
      method: 'post',
      path: `${endpointPath}/ping`,
      operationId: scope.operation('pingWebhookEndpoint'),
      summary: 'Send the endpoint a ping event now (also while it is disabled), to test it',
      tag: 'webhooks',
      access: scope.access,
      params: scope.endpointParams,
      organizationOf,
      responses: { 202: { description: 'The ping is being delivered; its attempts show in the delivery log', schema: startedDelivery } },
      handle: ({ params }, services) => withWebhooks(services, async (webhooks) => ({ status: 202, body: await webhooks.ping(scopeOf(params), pathOf(params).endpointId) })),
    }),
    defineRoute({
      method: 'get',
      path: `${endpointPath}/deliveries`,
      operationId: scope.operation('listWebhookDeliveries'),
      summary: 'The endpoint’s recent deliveries, newest first: each attempt’s status code, latency and the start of the answer',
      tag: 'webhooks',
      access: scope.access,
      params: scope.endpointParams,
      query: deliveriesQuery,
      organizationOf,
      responses: { 200: { description: 'The delivery log', schema: webhookDeliveryList } },
      handle: ({ params, query }, services) =>
        withWebhooks(services, async (webhooks) => ({
          status: 200,
          body: { deliveries: await webhooks.deliveries(scopeOf(params), pathOf(params).endpointId, query.limit ?? DEFAULT_DELIVERIES_LIMIT) },
        })),
    }),
    defineRoute({
      method: 'post',
      path: `${endpointPath}/deliveries/{deliveryId}/redeliver`,
      operationId: scope.operation('redeliverWebhook'),
      summary: 'Send a delivered or failed event again, with the same id and a new series of attempts',
      tag: 'webhooks',
      access: scope.access,
      params: scope.deliveryParams,
      organizationOf,
      responses: { 202: { description: 'The redelivery is under way', schema: startedDelivery } },
      handle: ({ params }, services) => {
        const { endpointId, deliveryId } = pathOf(params);
        return withWebhooks(services, async (webhooks) => ({ status: 202, body: await webhooks.redeliver(scopeOf(params), endpointId, deliveryId) }));
      },
    }),
  ];
}

export function webhookRoutes(): ApiRoute[] {
  return [...routesOf(ORGANIZATION), ...routesOf(ADMIN)];
}
