// Tenant isolation, route by route: every organization-scoped operation in the
// OpenAPI document (so a route added later is walked too) is called with
// another organization's key and must answer exactly as it answers for an
// organization that does not exist — and write nothing.
import { startApi, type RunningApi } from '../support/api-harness';

interface Operation {
  readonly method: string;
  readonly path: string;
  readonly access: string;
  readonly example: Record<string, unknown> | undefined;
  readonly bodyNamesOrganization: boolean;
  /** Required query parameters with their documented examples, so the request is valid apart from the organization. */
  readonly requiredQuery: string;
}

type OpenApiDocument = {
  paths: Record<
    string,
    Record<
      string,
      {
        'x-tally-access': string;
        parameters?: { name: string; in: string; required?: boolean; schema: { example?: unknown } }[];
        requestBody?: { content: Record<string, { schema: { $ref?: string }; example?: unknown }> };
      }
    >
  >;
  components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
};

function operationsOf(document: OpenApiDocument): Operation[] {
  return Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => {
      const media = operation.requestBody?.content['application/json'];
      const schemaName = media?.schema.$ref?.split('/').pop();
      const properties = schemaName ? document.components.schemas[schemaName].properties ?? {} : {};
      return {
        method: method.toUpperCase(),
        path,
        access: operation['x-tally-access'],
        example: media?.example as Record<string, unknown> | undefined,
        bodyNamesOrganization: 'organizationId' in properties,
        requiredQuery: new URLSearchParams(
          (operation.parameters ?? []).filter((p) => p.in === 'query' && p.required).map((p): [string, string] => [p.name, String(p.schema.example)]),
        ).toString(),
      };
    }),
  );
}

const isOrganizationScoped = (operation: Operation) => operation.path.includes('{orgId}') || operation.bodyNamesOrganization;

let api: RunningApi;
let keyA: string;
let keyOfB: string;
let reservationOfB: string;
let webhookOfB: string;
let operations: Operation[];

beforeAll(async () => {
  api = await startApi();
  ({ apiKey: keyA } = await api.createOrganization('org_a'));
  ({ keyId: keyOfB } = await api.createOrganization('org_b'));
  await api.request('POST', '/api/organizations/org_b/alerts', { body: { ruleId: 'rule_of_b', feature: 'OCR_SCAN', quantity: 5 } });
  ({ reservationId: reservationOfB } = await api.composed.commands.reserve({ organizationId: 'org_b', feature: 'AI_CLASSIFICATION', quantity: 5, expiresInSeconds: 86_400 }));
  const webhook = await api.request('POST', '/api/organizations/org_b/webhooks', { body: { url: 'http://127.0.0.1:9/hooks' } });
  ({ endpointId: webhookOfB } = (await webhook.json()) as { endpointId: string });
  const setUp = await api.request('POST', '/api/usage/org_b/quota', { body: { feature: 'OCR_SCAN', includedQuantity: 10, pricePerUnit: 5 } });
  const tracked = await api.request('POST', '/api/usage/track', { body: { organizationId: 'org_b', feature: 'OCR_SCAN', quantity: 3 } });
  const { position } = (await tracked.json()) as { position: string };
  expect([setUp.status, tracked.status]).toEqual([200, 200]);
  // Let the read models know org_b, so a read model miss cannot be what answers 404.
  await api.request('GET', `/api/usage/org_b?waitForPosition=${position}`);
  operations = operationsOf((await (await fetch(`${api.url}/openapi.json`)).json()) as OpenApiDocument);
});

afterAll(async () => {
  await api.close();
});

function requestFor(operation: Operation, organizationId: string) {
  const path = operation.path
    .replace('{orgId}', organizationId)
    .replace('{feature}', 'OCR_SCAN')
    .replace('{keyId}', keyOfB)
    .replace('{reservationId}', reservationOfB)
    .replace('{ruleId}', 'rule_of_b')
    .replace('{job}', 'aggregate-all')
    .replace('{endpointId}', webhookOfB)
    .replace('{deliveryId}', '0192f0c4-8a5e-7cc1-9a3b-2f6d1e4c5b7a');
  const body = operation.example && (operation.bodyNamesOrganization ? { ...operation.example, organizationId } : operation.example);
  return { path: operation.requiredQuery ? `${path}?${operation.requiredQuery}` : path, body };
}

async function answer(operation: Operation, organizationId: string, apiKey: string) {
  const { path, body } = requestFor(operation, organizationId);
  const response = await api.request(operation.method, path, { apiKey, body });
  return { status: response.status, contentType: response.headers.get('content-type'), body: await response.text() };
}

describe('tenant isolation', () => {
  it('finds the organization-scoped routes in the OpenAPI document', () => {
    const scoped = operations.filter(isOrganizationScoped).map((o) => `${o.method} ${o.path}`);
    expect(scoped).toEqual(expect.arrayContaining(['POST /api/usage/track', 'POST /api/usage/track/bulk', 'GET /api/usage/{orgId}', 'GET /api/usage/{orgId}/quota/{feature}']));
    expect(scoped.length).toBeGreaterThanOrEqual(15);
  });

  it("answers another organization's id exactly as an organization that does not exist, on every scoped route", async () => {
    const headBefore = await api.store.headPosition();
    for (const operation of operations.filter(isOrganizationScoped)) {
      const otherTenant = await answer(operation, 'org_b', keyA);
      const missing = await answer(operation, 'org_missing', keyA);
      const route = `${operation.method} ${operation.path}`;
      expect({ route, ...otherTenant }).toEqual({ route, ...missing });
      expect({ route, status: otherTenant.status }).toEqual({ route, status: 404 });
      expect(otherTenant.contentType).toMatch(/^application\/problem\+json/);
      expect(JSON.parse(otherTenant.body)).toMatchObject({ type: 'https://tally.dev/problems/organization-not-found', status: 404 });
    }
    expect(await api.store.headPosition()).toBe(headBefore);
  });

  it('gives the same not-found answer the admin gets for an organization that does not exist', async () => {
    const creating = (o: Operation) => o.method === 'POST' && o.path === '/api/organizations';
    for (const operation of operations.filter((o) => isOrganizationScoped(o) && !creating(o))) {
      const asAdmin = await answer(operation, 'org_missing', api.adminKey);
      const asOtherTenant = await answer(operation, 'org_b', keyA);
      const route = `${operation.method} ${operation.path}`;
      expect({ route, status: asAdmin.status, body: asAdmin.body }).toEqual({ route, status: asOtherTenant.status, body: asOtherTenant.body });
    }
  });

  it('still lets each key act on its own organization', async () => {
    const own = await api.request('GET', '/api/usage/org_a/quota/OCR_SCAN', { apiKey: keyA });
    expect(own.status).toBe(200);
  });
});
