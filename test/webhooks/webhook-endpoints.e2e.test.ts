// Webhook endpoints over HTTP, as the API runs them: an organization registers
// its own (the signing secret comes once, and is stored only sealed), lists,
// changes and deletes them; keys of other organizations see nothing of them;
// the admin's endpoints for every organization live apart; URLs that reach
// private, loopback or link-local addresses are refused unless the server
// allows them; and a server without a secret key registers nothing.
import { randomBytes } from 'node:crypto';
import { startApi, type RunningApi } from '../support/api-harness';

const PUBLIC_URL = 'https://93.184.215.14/hooks/tally';

describe('webhook endpoints over HTTP', () => {
  let api: RunningApi;
  let keyA: string;
  let keyB: string;

  beforeAll(async () => {
    api = await startApi();
    ({ apiKey: keyA } = await api.createOrganization('org_a'));
    ({ apiKey: keyB } = await api.createOrganization('org_b'));
  });

  afterAll(() => api.close());

  const send = async (method: string, path: string, options: { apiKey?: string; body?: unknown } = {}) => {
    const response = await api.request(method, path, options);
    return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> & { errors?: { path: string }[] } };
  };

  it('registers an organization’s endpoint and shows its secret once, never again and nowhere in the log', async () => {
    const created = await send('POST', '/api/organizations/org_a/webhooks', { apiKey: keyA, body: { url: PUBLIC_URL, description: 'alerts' } });
    expect(created.status).toBe(201);
    expect(created.headers.get('cache-control')).toBe('no-store');
    expect(created.body).toEqual({
      endpointId: expect.stringMatching(/^we_[0-9a-f]{16}$/),
      organizationId: 'org_a',
      url: PUBLIC_URL,
      eventTypes: '*',
      description: 'alerts',
      enabled: true,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      secret: expect.stringMatching(/^whsec_[A-Za-z0-9_-]{43}$/),
    });
    const secret = created.body.secret as string;

    const listed = await send('GET', '/api/organizations/org_a/webhooks', { apiKey: keyA });
    expect(listed.status).toBe(200);
    const { secret: _secret, ...shown } = created.body;
    expect(listed.body).toEqual({ endpoints: [shown] });
    const one = await send('GET', `/api/organizations/org_a/webhooks/${created.body.endpointId}`, { apiKey: keyA });
    expect(one.body).toEqual(shown);

    const log = JSON.stringify((await api.store.readStream('webhook-endpoints')).map((recorded) => recorded.data));
    expect(log).toContain(created.body.endpointId);
    expect(log).not.toContain(secret);
    expect(log).not.toContain(secret.slice(6, 30));
  });

  it('keeps an organization’s endpoints from every other key', async () => {
    const created = await send('POST', '/api/organizations/org_a/webhooks', { apiKey: keyA, body: { url: PUBLIC_URL } });
    const endpointId = created.body.endpointId as string;
    // Another organization's id is answered as one that does not exist...
    expect((await send('GET', '/api/organizations/org_a/webhooks', { apiKey: keyB })).body).toMatchObject({ status: 404, type: 'https://tally.dev/problems/organization-not-found' });
    expect((await send('DELETE', `/api/organizations/org_a/webhooks/${endpointId}`, { apiKey: keyB })).status).toBe(404);
    // ...and another organization's endpoint under one's own organization as an endpoint that does not exist.
    const crossed = await send('PATCH', `/api/organizations/org_b/webhooks/${endpointId}`, { apiKey: keyB, body: { enabled: false } });
    expect(crossed.status).toBe(404);
    expect(crossed.body.errors?.map((error) => error.path)).toEqual(['endpointId']);
    expect((await send('GET', `/api/webhooks/${endpointId}`)).status).toBe(404);
    expect((await send('GET', '/api/organizations/org_b/webhooks', { apiKey: keyB })).body).toEqual({ endpoints: [] });
  });

  it('changes an endpoint: enabled, event types, URL, description; the same change twice changes nothing', async () => {
    const { body: created } = await send('POST', '/api/organizations/org_b/webhooks', { apiKey: keyB, body: { url: PUBLIC_URL, eventTypes: ['usage.threshold_crossed'] } });
    const path = `/api/organizations/org_b/webhooks/${created.endpointId}`;
    const disabled = await send('PATCH', path, { apiKey: keyB, body: { enabled: false, eventTypes: ['usage.quota_exceeded', 'billing.period_closed'] } });
    expect(disabled.body).toMatchObject({ enabled: false, eventTypes: ['usage.quota_exceeded', 'billing.period_closed'], changed: true });
    expect((await send('PATCH', path, { apiKey: keyB, body: { enabled: false } })).body).toMatchObject({ changed: false });
    const moved = await send('PATCH', path, { apiKey: keyB, body: { url: 'https://93.184.215.14/other', description: 'billing team', eventTypes: '*' } });
    expect(moved.body).toMatchObject({ url: 'https://93.184.215.14/other', description: 'billing team', eventTypes: '*', enabled: false, changed: true });

    const refused = await send('PATCH', path, { apiKey: keyB, body: { eventTypes: ['usage.threshold_crossed', 'usage.threshold_crossed'] } });
    expect(refused.status).toBe(400);
    expect((await send('PATCH', path, { apiKey: keyB, body: { eventTypes: ['ping'] } })).status).toBe(400);
    expect((await send('PATCH', path, { apiKey: keyB, body: {} })).status).toBe(400);
  });

  it('deletes an endpoint: gone from the list, and a second delete finds nothing', async () => {
    const { body: created } = await send('POST', '/api/organizations/org_b/webhooks', { apiKey: keyB, body: { url: PUBLIC_URL } });
    const path = `/api/organizations/org_b/webhooks/${created.endpointId}`;
    expect((await send('DELETE', path, { apiKey: keyB })).body).toEqual({ endpointId: created.endpointId, organizationId: 'org_b', deletedAt: expect.any(String) });
    expect((await send('GET', path, { apiKey: keyB })).status).toBe(404);
    expect((await send('DELETE', path, { apiKey: keyB })).status).toBe(404);
    const listed = (await send('GET', '/api/organizations/org_b/webhooks', { apiKey: keyB })).body.endpoints as { endpointId: string }[];
    expect(listed.map((endpoint) => endpoint.endpointId)).not.toContain(created.endpointId);
  });

  it('keeps the admin’s endpoints for every organization apart, and for the admin key only', async () => {
    const created = await send('POST', '/api/webhooks', { body: { url: PUBLIC_URL, eventTypes: ['stripe.report_failed'] } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ organizationId: null, eventTypes: ['stripe.report_failed'] });
    expect((await send('GET', '/api/webhooks')).body.endpoints).toEqual([expect.objectContaining({ endpointId: created.body.endpointId, organizationId: null })]);
    expect((await send('GET', '/api/webhooks', { apiKey: keyA })).status).toBe(403);
    expect((await send('POST', '/api/webhooks', { apiKey: keyA, body: { url: PUBLIC_URL } })).status).toBe(403);
    const orgList = (await send('GET', '/api/organizations/org_a/webhooks')).body.endpoints as { endpointId: string }[];
    expect(orgList.map((endpoint) => endpoint.endpointId)).not.toContain(created.body.endpointId);
  });

  it('has an empty delivery log for a new endpoint, and no delivery to redeliver', async () => {
    const { body: created } = await send('POST', '/api/organizations/org_a/webhooks', { apiKey: keyA, body: { url: PUBLIC_URL } });
    const path = `/api/organizations/org_a/webhooks/${created.endpointId}`;
    expect((await send('GET', `${path}/deliveries?limit=5`, { apiKey: keyA })).body).toEqual({ deliveries: [] });
    const missing = await send('POST', `${path}/deliveries/0192f0c4-8a5e-7cc1-9a3b-2f6d1e4c5b7a/redeliver`, { apiKey: keyA });
    expect(missing.status).toBe(404);
    expect(missing.body.errors?.map((error) => error.path)).toEqual(['deliveryId']);
  });

  it('answers a ping 503 with Retry-After when it cannot start deliveries', async () => {
    const { body: created } = await send('POST', '/api/organizations/org_a/webhooks', { apiKey: keyA, body: { url: PUBLIC_URL } });
    const response = await api.request('POST', `/api/organizations/org_a/webhooks/${created.endpointId}/ping`, { apiKey: keyA });
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('5');
  });

  it('holds an organization to 20 endpoints', async () => {
    const { apiKey } = await api.createOrganization('org_many');
    for (let n = 0; n < 20; n++) expect((await send('POST', '/api/organizations/org_many/webhooks', { apiKey, body: { url: `${PUBLIC_URL}/${n}` } })).status).toBe(201);
    const refused = await send('POST', '/api/organizations/org_many/webhooks', { apiKey, body: { url: PUBLIC_URL } });
    expect(refused).toMatchObject({ status: 409, body: { detail: expect.stringContaining('20 webhook endpoints') } });
  });
});

describe('a server that does not allow private addresses (the default)', () => {
  let api: RunningApi;

  beforeAll(async () => {
    api = await startApi({ webhooks: { secretKey: randomBytes(32).toString('hex') }, projector: false });
    await api.createOrganization('org_a');
  });

  afterAll(() => api.close());

  it('refuses endpoints that reach private, loopback or link-local addresses, and writes nothing', async () => {
    const headBefore = await api.store.headPosition();
    for (const url of ['http://127.0.0.1:8080/hooks', 'http://localhost:8080/hooks', 'http://[::1]/hooks', 'http://10.0.0.7/hooks', 'http://169.254.169.254/latest/meta-data/', 'ftp://93.184.215.14/hooks']) {
      for (const path of ['/api/organizations/org_a/webhooks', '/api/webhooks']) {
        const response = await api.request('POST', path, { body: { url } });
        const problem = (await response.json()) as { errors: { path: string; message: string }[] };
        expect({ url, path, status: response.status, fields: problem.errors.map((error) => error.path) }).toEqual({ url, path, status: 400, fields: ['url'] });
      }
    }
    const endpointId = ((await (await api.request('POST', '/api/organizations/org_a/webhooks', { body: { url: PUBLIC_URL } })).json()) as { endpointId: string }).endpointId;
    const moved = await api.request('PATCH', `/api/organizations/org_a/webhooks/${endpointId}`, { body: { url: 'http://192.168.0.10/hooks' } });
    expect(moved.status).toBe(400);
    expect(await api.store.headPosition()).toBe((headBefore ?? 0n) + 1n);
  });
});

describe('a server without a webhook secret key', () => {
  let api: RunningApi;

  beforeAll(async () => {
    api = await startApi({ webhooks: {}, projector: false });
    await api.createOrganization('org_a');
  });

  afterAll(() => api.close());

  it('lists no endpoints and registers none, saying why', async () => {
    expect(await (await api.request('GET', '/api/organizations/org_a/webhooks')).json()).toEqual({ endpoints: [] });
    const refused = await api.request('POST', '/api/organizations/org_a/webhooks', { body: { url: PUBLIC_URL } });
    expect(refused.status).toBe(503);
    expect(await refused.json()).toMatchObject({ detail: expect.stringContaining('TALLY_WEBHOOK_SECRET_KEY') });
  });
});
