// An organization that exists in the log is never answered as not found, even
// when no projector has caught up with it: the answers say how far the read
// models are instead.
import { startApi, type RunningApi } from '../support/api-harness';

describe('reading an organization the projector has not reached', () => {
  let api: RunningApi;

  beforeAll(async () => {
    api = await startApi({ projector: false });
  });

  afterAll(() => api.close());

  it('answers the quota check, usage, estimate, history and settings of a new organization right after it is created', async () => {
    const { apiKey, position } = await api.createOrganization('org_fresh');
    const json = async (path: string) => {
      const answer = await api.request('GET', path, { apiKey });
      return { status: answer.status, body: (await answer.json()) as Record<string, unknown> };
    };
    const check = await json('/api/usage/org_fresh/quota/OCR_SCAN');
    expect(check).toMatchObject({ status: 200, body: { used: 0, remaining: 50, hasQuota: true } });
    // The quota check is answered from the write side, which has the organization already…
    expect(BigInt((check.body.freshness as { position: string }).position)).toBeGreaterThanOrEqual(BigInt(position));
    // …while the read models have nothing yet, and say so.
    const usage = await json('/api/usage/org_fresh');
    expect(usage).toMatchObject({ status: 200, body: { organizationId: 'org_fresh', features: [] } });
    expect(usage.body.freshness).toMatchObject({ position: null });
    expect(await json('/api/usage/org_fresh/estimate')).toMatchObject({ status: 200, body: { organizationId: 'org_fresh' } });
    expect(await json('/api/usage/org_fresh/history')).toMatchObject({ status: 200, body: { periods: [] } });
    expect(await json('/api/organizations/org_fresh')).toMatchObject({ status: 200, body: { organizationId: 'org_fresh', currency: 'EUR' } });
  });

  it('still answers 404 for an organization that does not exist', async () => {
    const answer = await api.request('GET', '/api/usage/org_never/quota/OCR_SCAN');
    expect(answer.status).toBe(404);
  });
});
