// The SDK's pieces together over real HTTP: an Express app billed through the
// middleware, a UsageTracker, and the client talking to a local stand-in for
// Tally that fails once with a 503 before accepting.
import express from 'express';
import request from 'supertest';
import { TrackUsage, UsageFeature, UsageMeteringClient, UsageTracker } from '@tally/sdk';
import { trackUsage } from '@tally/sdk/express';
import { startFakeTallyServer, type FakeTallyServer } from './support/fake-tally-server';

let tally: FakeTallyServer;
beforeEach(async () => {
  tally = await startFakeTallyServer();
});
afterEach(() => tally.close());

describe('the SDK end to end', () => {
  it('delivers usage recorded by the middleware and the decorator in one bulk, retrying a 503 with the same keys', async () => {
    const client = new UsageMeteringClient({ baseUrl: tally.baseUrl, apiKey: 'tk_live_1' });
    const dropped: unknown[] = [];
    const tracker = new UsageTracker({ client, onError: (error) => dropped.push(error), backoff: { baseMs: 1 } });

    class InvoiceExporter {
      readonly usageTracker = tracker;
      @TrackUsage(UsageFeature.PDF_EXPORT, { extractOrgId: ([orgId]: [string]) => orgId })
      async export(orgId: string): Promise<string> {
        return `invoice-of-${orgId}.pdf`;
      }
    }
    const exporter = new InvoiceExporter();

    const app = express();
    app.use(trackUsage(UsageFeature.API_CALL, { tracker, extractOrgId: (req) => req.header('x-org-id') }));
    app.get('/invoices/export', async (req, res) => {
      res.json({ file: await exporter.export(req.header('x-org-id') ?? 'anonymous') });
    });

    await request(app).get('/invoices/export').set('x-org-id', 'org_123').expect(200, { file: 'invoice-of-org_123.pdf' });
    tally.script({ status: 503, headers: { 'retry-after': '0' }, body: { type: 'about:blank', title: 'Service Unavailable', status: 503 } });
    const stats = await tracker.shutdown({ deadlineMs: 5_000 });

    expect(dropped).toEqual([]);
    expect(stats).toMatchObject({ tracked: 2, sent: 2, retries: 1, dropped: 0 });
    const bulks = tally.requests.filter((r) => r.url === '/api/usage/track/bulk');
    expect(bulks).toHaveLength(2);
    expect(bulks[1].body).toEqual(bulks[0].body);
    expect(bulks[0].headers.authorization).toBe('Bearer tk_live_1');
    const body = bulks[0].body as { organizationId: string; items: { feature: string; idempotencyKey: string; timestamp: string }[] };
    expect(body.organizationId).toBe('org_123');
    expect(body.items.map((item) => item.feature).sort()).toEqual(['API_CALL', 'PDF_EXPORT']);
    for (const item of body.items) {
      expect(item.idempotencyKey).toMatch(/^[0-9a-f-]{36}$/);
      expect(Number.isNaN(Date.parse(item.timestamp))).toBe(false);
    }
  });
});
