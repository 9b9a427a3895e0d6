// The SDK's HTTP client against a real local server: what goes on the wire for
// each seed method, and what a caller gets back when things go wrong.
import { TallyApiError, TallyNetworkError, UsageFeature, UsageMeteringClient } from '@tally/sdk';
import { startFakeTallyServer, type FakeTallyServer } from './support/fake-tally-server';

const API_KEY = 'tk_test_secret';
let server: FakeTallyServer;
let client: UsageMeteringClient;

beforeEach(async () => {
  server = await startFakeTallyServer();
  client = new UsageMeteringClient({ baseUrl: server.baseUrl, apiKey: API_KEY });
});
afterEach(() => server.close());

const last = () => server.requests[server.requests.length - 1];

describe('UsageMeteringClient', () => {
  describe('each seed method', () => {
    it('configureQuota POSTs the quota to /api/usage/:orgId/quota without repeating the organization in the body', async () => {
      const result = await client.configureQuota({
        organizationId: 'org_123',
        feature: UsageFeature.OCR_SCAN,
        includedQuantity: 100,
        pricePerUnit: 5,
        currency: 'EUR',
        resetPeriod: 'MONTHLY',
      });
      expect(result).toEqual({ changed: true, position: '45' });
      expect(last()).toMatchObject({
        method: 'POST',
        url: '/api/usage/org_123/quota',
        body: { feature: 'OCR_SCAN', includedQuantity: 100, pricePerUnit: 5, currency: 'EUR', resetPeriod: 'MONTHLY' },
      });
      expect(last().body).not.toHaveProperty('organizationId');
    });

    it('configureQuota sends a tiered pricing model as given', async () => {
      const pricing = { model: 'graduated', tiers: [{ upTo: 100, unitPrice: '5' }, { upTo: null, unitPrice: '3' }] } as const;
      await client.configureQuota({ organizationId: 'org_123', feature: 'API_CALL', includedQuantity: 0, pricing, enforcement: 'hard' });
      expect(last().body).toEqual({ feature: 'API_CALL', includedQuantity: 0, pricing, enforcement: 'hard' });
    });

    it('trackUsage POSTs the event to /api/usage/track and returns the write position', async () => {
      const event = {
        organizationId: 'org_123',
        feature: UsageFeature.API_CALL,
        quantity: 1,
        metadata: { endpoint: '/api/invoices', method: 'POST' },
        userId: 'user_456',
        idempotencyKey: 'req-1',
        timestamp: '2026-11-25T10:00:00Z',
      };
      const result = await client.trackUsage(event);
      expect(result).toMatchObject({ idempotencyKey: 'req-1', duplicate: false, countedAs: 'usage', position: '43' });
      expect(last()).toMatchObject({ method: 'POST', url: '/api/usage/track', body: event });
      expect(last().headers['content-type']).toMatch(/^application\/json/);
    });

    it('trackBulkUsage POSTs the organization once with its items to /api/usage/track/bulk', async () => {
      const items = [
        { feature: UsageFeature.EMAIL_SENT, quantity: 5 },
        { feature: UsageFeature.PDF_EXPORT, quantity: 2 },
      ];
      const result = await client.trackBulkUsage('org_123', items);
      expect(result).toMatchObject({ accepted: 2, duplicates: 0, position: '44' });
      expect(last()).toMatchObject({ method: 'POST', url: '/api/usage/track/bulk', body: { organizationId: 'org_123', items } });
    });

    it('getCurrentUsage GETs /api/usage/:orgId and returns the seed-shaped summary', async () => {
      const usage = await client.getCurrentUsage({ organizationId: 'org_123' });
      expect(last()).toMatchObject({ method: 'GET', url: '/api/usage/org_123' });
      expect(usage.totalOverageAmount).toBe(1.25);
      expect(usage.features[0]).toMatchObject({ displayName: 'OCR Scans', totalQuantity: 75, includedQuantity: 50, overageQuantity: 25, overageAmount: 1.25 });
    });

    it('getCurrentUsage lists wanted features comma-separated and passes waitForPosition', async () => {
      await client.getCurrentUsage({ organizationId: 'org_123', features: ['OCR_SCAN', 'API_CALL'], waitForPosition: '123' });
      expect(last().url).toBe('/api/usage/org_123?features=OCR_SCAN,API_CALL&waitForPosition=123');
    });

    it('checkQuota GETs /api/usage/:orgId/quota/:feature, with waitForPosition when given', async () => {
      const quota = await client.checkQuota('org_123', UsageFeature.OCR_SCAN);
      expect(last()).toMatchObject({ method: 'GET', url: '/api/usage/org_123/quota/OCR_SCAN' });
      expect(quota).toMatchObject({ hasQuota: true, remaining: 90 });
      await client.checkQuota('org_123', UsageFeature.OCR_SCAN, { waitForPosition: '43' });
      expect(last().url).toBe('/api/usage/org_123/quota/OCR_SCAN?waitForPosition=43');
    });

    it('getUsageHistory GETs /api/usage/:orgId/history with the limit', async () => {
      const history = await client.getUsageHistory({ organizationId: 'org_123', limit: 12 });
      expect(last()).toMatchObject({ method: 'GET', url: '/api/usage/org_123/history?limit=12' });
      expect(history.periods).toEqual([]);
    });

    it('estimateUsageCosts GETs /api/usage/:orgId/estimate', async () => {
      const estimate = await client.estimateUsageCosts('org_123');
      expect(last()).toMatchObject({ method: 'GET', url: '/api/usage/org_123/estimate' });
      expect(estimate).toMatchObject({ estimatedAmount: 2.5, currentAmount: 1.25 });
    });
  });

  describe('every request', () => {
    it('carries the API key as a Bearer token', async () => {
      await client.trackUsage({ organizationId: 'org_123', feature: 'OCR_SCAN' });
      await client.getCurrentUsage({ organizationId: 'org_123' });
      await client.checkQuota('org_123', 'OCR_SCAN');
      expect(server.requests.map((request) => request.headers.authorization)).toEqual(Array(3).fill(`Bearer ${API_KEY}`));
    });

    it('URL-encodes path parameters so an id cannot change the route', async () => {
      await client.checkQuota('org/1 ü?x', 'A/B');
      expect(last().url).toBe('/api/usage/org%2F1%20%C3%BC%3Fx/quota/A%2FB');
      await client.getUsageHistory({ organizationId: '../admin' });
      expect(last().url).toBe('/api/usage/..%2Fadmin/history');
    });

    it('keeps a path prefix of the base URL, with or without a trailing slash', async () => {
      const prefixed = new UsageMeteringClient({ baseUrl: `${server.baseUrl}/tally/`, apiKey: API_KEY });
      await expect(prefixed.estimateUsageCosts('org_123')).rejects.toMatchObject({ status: 404 });
      expect(last().url).toBe('/tally/api/usage/org_123/estimate');
    });

    it('goes through an injected fetch', async () => {
      const calls: string[] = [];
      const recordingFetch: typeof fetch = (input, init) => {
        calls.push(`${init?.method} ${String(input)}`);
        return fetch(input, init);
      };
      const injected = new UsageMeteringClient({ baseUrl: server.baseUrl, apiKey: API_KEY, fetch: recordingFetch });
      await injected.estimateUsageCosts('org_123');
      expect(calls).toEqual([`GET ${server.baseUrl}/api/usage/org_123/estimate`]);
    });
  });

  describe('when the server refuses', () => {
    it('throws a TallyApiError with the problem+json fields and field errors', async () => {
      server.script({
        status: 400,
        body: {
          type: 'https://tally.dev/problems/validation',
          title: 'Invalid request',
          status: 400,
          detail: 'items[1].quantity must be a whole number, got 1.5',
          errors: [{ path: 'items[1].quantity', message: 'must be a whole number, got 1.5' }],
        },
      });
      const refused = client.trackBulkUsage('org_123', [{ feature: 'OCR_SCAN' }, { feature: 'OCR_SCAN', quantity: 1.5 }]);
      await expect(refused).rejects.toBeInstanceOf(TallyApiError);
      await expect(refused).rejects.toMatchObject({
        status: 400,
        type: 'https://tally.dev/problems/validation',
        title: 'Invalid request',
        detail: 'items[1].quantity must be a whole number, got 1.5',
        errors: [{ path: 'items[1].quantity', message: 'must be a whole number, got 1.5' }],
        retryAfterSeconds: undefined,
        retryable: false,
      });
    });

    it('reads Retry-After from a 429 or 503 and marks the error retryable', async () => {
      server.script(
        { status: 429, headers: { 'retry-after': '7' }, body: { type: 'about:blank', title: 'Too Many Requests', status: 429 } },
        { status: 503, headers: { 'retry-after': '2' }, body: { type: 'about:blank', title: 'Service Unavailable', status: 503 } },
      );
      await expect(client.trackUsage({ organizationId: 'org_123', feature: 'OCR_SCAN' })).rejects.toMatchObject({ status: 429, retryAfterSeconds: 7, retryable: true });
      await expect(client.checkQuota('org_123', 'OCR_SCAN')).rejects.toMatchObject({ status: 503, retryAfterSeconds: 2, retryable: true });
    });

    it('still gives a useful TallyApiError for a non-JSON 502 from a proxy', async () => {
      server.script({ status: 502, rawBody: '<html><body><h1>502 Bad Gateway</h1></body></html>' });
      const failed = client.getCurrentUsage({ organizationId: 'org_123' });
      await expect(failed).rejects.toBeInstanceOf(TallyApiError);
      await expect(failed).rejects.toMatchObject({ status: 502, type: 'about:blank', title: 'Bad Gateway', errors: [], retryable: true });
      await expect(failed).rejects.toHaveProperty('detail', expect.stringContaining('502 Bad Gateway'));
    });

    it('never puts the API key in an error message', async () => {
      server.script({ status: 401, body: { type: 'about:blank', title: 'Unauthorized', status: 401 } });
      const failed = client.estimateUsageCosts('org_123');
      await expect(failed).rejects.toMatchObject({ status: 401 });
      await expect(failed).rejects.toHaveProperty('message', expect.not.stringContaining(API_KEY));
    });
  });

  describe('when no usable answer comes', () => {
    it('throws a TallyNetworkError of reason "timeout" after timeoutMs', async () => {
      const impatient = new UsageMeteringClient({ baseUrl: server.baseUrl, apiKey: API_KEY, timeoutMs: 100 });
      server.script({ status: 200, body: {}, delayMs: 2_000 });
      const started = Date.now();
      const failed = impatient.getCurrentUsage({ organizationId: 'org_123' });
      await expect(failed).rejects.toBeInstanceOf(TallyNetworkError);
      await expect(failed).rejects.toMatchObject({ reason: 'timeout', retryable: true });
      expect(Date.now() - started).toBeLessThan(1_500);
    });

    it('throws a TallyNetworkError of reason "network" when nothing listens', async () => {
      const address = server.baseUrl;
      await server.close();
      const unreachable = new UsageMeteringClient({ baseUrl: address, apiKey: API_KEY });
      await expect(unreachable.trackUsage({ organizationId: 'org_123', feature: 'OCR_SCAN' })).rejects.toMatchObject({
        name: 'TallyNetworkError',
        reason: 'network',
        retryable: true,
      });
      server = await startFakeTallyServer(); // for afterEach
    });

    it('throws a TallyNetworkError of reason "aborted", not retryable, when the caller aborts', async () => {
      server.script({ status: 200, body: {}, delayMs: 2_000 });
      const controller = new AbortController();
      const failed = client.trackBulkUsage('org_123', [{ feature: 'OCR_SCAN' }], { signal: controller.signal });
      setTimeout(() => controller.abort(), 20);
      await expect(failed).rejects.toMatchObject({ name: 'TallyNetworkError', reason: 'aborted', retryable: false });
    });

    it('throws a TallyNetworkError of reason "invalid_response" for a 200 that is not JSON', async () => {
      server.script({ status: 200, rawBody: 'OK' });
      await expect(client.trackUsage({ organizationId: 'org_123', feature: 'OCR_SCAN' })).rejects.toMatchObject({
        name: 'TallyNetworkError',
        reason: 'invalid_response',
        retryable: true,
      });
    });
  });

  describe('construction', () => {
    it('refuses a base URL that is not a URL, an empty API key, or a non-positive timeout', () => {
      expect(() => new UsageMeteringClient({ baseUrl: 'not a url', apiKey: API_KEY })).toThrow();
      expect(() => new UsageMeteringClient({ baseUrl: server.baseUrl, apiKey: ' ' })).toThrow(/apiKey/);
      expect(() => new UsageMeteringClient({ baseUrl: server.baseUrl, apiKey: API_KEY, timeoutMs: 0 })).toThrow(/timeoutMs/);
    });
  });
});
