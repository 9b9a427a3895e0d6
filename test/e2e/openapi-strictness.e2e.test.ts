// The OpenAPI document is no looser than the server: what a client generated
// from it may send, the server takes (bounds, patterns, formats, "exactly one
// of", lengths counted as JSON Schema counts them), and a method a path does
// not take is a 405 naming the ones it does.
import { request } from 'node:http';
import { startApi, type RunningApi } from '../support/api-harness';

type Schema = Record<string, unknown> & { properties?: Record<string, Schema>; items?: Schema };

describe('the OpenAPI document against the server', () => {
  let api: RunningApi;
  let apiKey: string;
  let schemas: Record<string, Schema>;

  beforeAll(async () => {
    api = await startApi();
    ({ apiKey } = await api.createOrganization('org_doc'));
    schemas = ((await (await fetch(`${api.url}/openapi.json`)).json()) as { components: { schemas: Record<string, Schema> } }).components.schemas;
  });

  afterAll(() => api.close());

  it('states the bounds and patterns the server checks', () => {
    const settings = schemas.UpdateOrganizationRequest.properties as Record<string, Schema>;
    expect(settings.billingAnchorDay).toMatchObject({ minimum: 1, maximum: 31 });
    expect(settings.gracePeriodMinutes).toMatchObject({ minimum: 0, maximum: 10_080 });
    expect(JSON.stringify(settings.stripeCustomerId)).toContain('^cus_[A-Za-z0-9]+$');
    expect(settings.currency).toMatchObject({ enum: expect.arrayContaining(['EUR', 'JPY', 'BHD']) });
    const track = schemas.TrackUsageRequest.properties as Record<string, Schema>;
    expect(track.timestamp).toMatchObject({ format: 'date-time' });
    expect(track.quantity).toMatchObject({ minimum: 0, maximum: 562_949_953_421_311 });
    expect(schemas.ConfigureQuotaRequest.oneOf).toEqual([{ required: ['pricePerUnit'] }, { required: ['pricing'] }]);
    expect((schemas.ConfigureQuotaRequest.properties as Record<string, Schema>).includedQuantity).toMatchObject({ minimum: 0 });
  });

  it('takes a name of 200 characters however many UTF-16 units they need, and refuses 201', async () => {
    const emoji = '💶'.repeat(200);
    expect((await api.request('PATCH', '/api/organizations/org_doc', { apiKey, body: { name: emoji } })).status).toBe(200);
    const refused = await api.request('PATCH', '/api/organizations/org_doc', { apiKey, body: { name: `${emoji}€` } });
    expect(refused.status).toBe(400);
  });

  it('takes a price sent as a float that stands for four decimals', async () => {
    const answer = await api.request('POST', '/api/usage/org_doc/quota', { apiKey, body: { feature: 'OCR_SCAN', includedQuantity: 10, pricePerUnit: 0.1 + 0.2 } });
    expect(answer.status).toBe(200);
    const organization = (await (await api.request('GET', '/api/organizations/org_doc', { apiKey })).json()) as { quotas: { pricing: unknown }[] };
    expect(organization.quotas[0].pricing).toEqual({ model: 'per_unit', pricePerUnit: '0.3' });
  });

  it.each([
    ['PUT', '/api/usage/track', 'POST'],
    ['TRACE', '/api/usage/org_doc', 'GET, HEAD'],
    ['PATCH', '/api/usage/org_doc/quota/OCR_SCAN', 'DELETE, GET, HEAD'],
  ])('answers %s %s with 405 and Allow: %s', async (method, path, allow) => {
    // node:http rather than fetch, which refuses to send TRACE at all.
    const answer = await new Promise<{ status: number; allow: string | undefined }>((resolve, reject) => {
      const sent = request(`${api.url}${path}`, { method, headers: { authorization: `Bearer ${apiKey}` } }, (response) => {
        response.resume();
        resolve({ status: response.statusCode ?? 0, allow: response.headers.allow });
      });
      sent.on('error', reject);
      sent.end();
    });
    expect(answer).toEqual({ status: 405, allow });
  });
});
