// The listings a console needs beside the answers products use: the admin's
// page of organizations (with a search), an organization's keys (never the
// keys themselves) and a billing period's usage per local day.
import { startApi, type RunningApi } from '../support/api-harness';
import { FixedClock } from '../support/fixed-clock';

interface Listing {
  organizations: { organizationId: string; name: string }[];
  next: string | null;
}

describe('listings', () => {
  let api: RunningApi;
  const clock = new FixedClock(new Date('2026-11-20T12:00:00Z'));
  let acmeKey: string;
  let lastPosition = '0';

  const get = async <T>(path: string, apiKey?: string): Promise<{ status: number; body: T }> => {
    const answer = await api.request('GET', path, { apiKey });
    return { status: answer.status, body: (await answer.json()) as T };
  };

  beforeAll(async () => {
    api = await startApi({ clock });
    for (const [organizationId, name] of [
      ['org_acme', 'Acme GmbH'],
      ['org_beta', 'Beta Labs'],
      ['org_cobalt', 'Cobalt ACME Partners'],
      ['org_delta', 'Delta'],
      ['org_echo', 'Echo'],
    ]) {
      const created = await api.createOrganization(organizationId, { name });
      if (organizationId === 'org_acme') acmeKey = created.apiKey;
      lastPosition = created.position;
    }
  });

  afterAll(() => api.close());

  it('lists organizations by id a page at a time, to the admin only', async () => {
    const first = await get<Listing>(`/api/organizations?limit=2&waitForPosition=${lastPosition}`);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ organizations: [{ organizationId: 'org_acme', name: 'Acme GmbH' }, { organizationId: 'org_beta', name: 'Beta Labs' }], next: 'org_beta' });
    const second = await get<Listing>('/api/organizations?limit=2&after=org_beta');
    expect(second.body.organizations.map((o) => o.organizationId)).toEqual(['org_cobalt', 'org_delta']);
    const last = await get<Listing>('/api/organizations?limit=2&after=org_delta');
    expect(last.body).toMatchObject({ organizations: [{ organizationId: 'org_echo' }], next: null });
    expect((await get('/api/organizations', acmeKey)).status).toBe(403);
  });

  it('finds organizations whose id or name contains a text, in any case, and takes the text literally', async () => {
    const found = await get<Listing>('/api/organizations?search=acme');
    expect(found.body.organizations.map((o) => o.organizationId)).toEqual(['org_acme', 'org_cobalt']);
    expect((await get<Listing>('/api/organizations?search=LT')).body.organizations.map((o) => o.organizationId)).toEqual(['org_cobalt', 'org_delta']);
    expect((await get<Listing>('/api/organizations?search=.*')).body.organizations).toEqual([]);
    for (const query of ['limit=500', 'search=%20acme', 'search=']) {
      const refused = await get<{ errors: { path: string }[] }>(`/api/organizations?${query}`);
      expect([query, refused.status, refused.body.errors[0].path]).toEqual([query, 400, query.split('=')[0]]);
    }
  });

  it("lists an organization's keys with their labels and revocations, never a key or its hash", async () => {
    const issued = (await (await api.request('POST', '/api/organizations/org_beta/api-keys', { body: { label: 'billing job' } })).json()) as { keyId: string; apiKey: string };
    await api.request('DELETE', `/api/organizations/org_beta/api-keys/${issued.keyId}`);
    const listed = await get<{ keys: { keyId: string; label: string | null; revokedAt: string | null }[] }>('/api/organizations/org_beta/api-keys');
    expect(listed.status).toBe(200);
    expect(listed.body.keys.map((key) => [key.label, key.revokedAt === null])).toEqual([
      ['e2e', true],
      ['billing job', false],
    ]);
    expect(JSON.stringify(listed.body)).not.toContain(issued.apiKey);
    expect(Object.keys(listed.body.keys[0]).sort()).toEqual(['issuedAt', 'keyId', 'label', 'organizationId', 'revokedAt']);
    expect((await get('/api/organizations/org_nobody/api-keys')).status).toBe(404);
    // An organization's own key may not list keys; another organization's are as unknown as missing ones.
    expect((await get('/api/organizations/org_acme/api-keys', acmeKey)).status).toBe(403);
    expect((await get('/api/organizations/org_beta/api-keys', acmeKey)).status).toBe(404);
  });

  it("answers a period's usage per local day of the organization and feature", async () => {
    await api.request('PATCH', '/api/organizations/org_echo', { body: { timeZone: 'Europe/Berlin' } });
    const track = (feature: string, quantity: number, timestamp: string) =>
      api.request('POST', '/api/usage/track/bulk', { body: { organizationId: 'org_echo', items: [{ feature, quantity, timestamp }] } });
    await track('OCR_SCAN', 3, '2026-11-18T10:00:00Z');
    // 23:30 UTC is already the next day in Berlin.
    await track('OCR_SCAN', 2, '2026-11-18T23:30:00Z');
    const written = (await (await track('API_CALL', 7, '2026-11-19T08:00:00Z')).json()) as { position: string };
    const daily = await get<{ timeZone: string; periodStart: string; days: { day: string; feature: string; quantity: number; events: number }[] }>(
      `/api/usage/org_echo/daily?waitForPosition=${written.position}`,
    );
    expect(daily.status).toBe(200);
    expect(daily.body.timeZone).toBe('Europe/Berlin');
    expect(daily.body.days.map(({ day, feature, quantity, events }) => [day, feature, quantity, events])).toEqual([
      ['2026-11-18', 'OCR_SCAN', 3, 1],
      ['2026-11-19', 'API_CALL', 7, 1],
      ['2026-11-19', 'OCR_SCAN', 2, 1],
    ]);
    const october = await get<{ periodStart: string; days: unknown[] }>('/api/usage/org_echo/daily?period=2026-10');
    expect(october.body).toMatchObject({ periodStart: '2026-09-30T22:00:00.000Z', days: [] });
    expect((await get<{ errors: { path: string }[] }>('/api/usage/org_echo/daily?period=2026-13')).body.errors[0].path).toBe('period');
  });
});
