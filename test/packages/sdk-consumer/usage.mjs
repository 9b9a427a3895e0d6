// A Node.js program written as ES modules that records usage with @tally/sdk:
// a quota, one event, background tracking, the middleware on a plain
// node:http server (it needs no Express at run time), a refused event and a
// quota check. It prints what it saw as one JSON line.
/* global process, console, fetch -- Node's globals, for the linter */
import { createServer } from 'node:http';
import { TallyApiError, UsageFeature, UsageMeteringClient, UsageTracker } from '@tally/sdk';
import { trackUsage } from '@tally/sdk/express';

const organizationId = process.env.TALLY_ORG;
const client = new UsageMeteringClient({ baseUrl: process.env.TALLY_URL, apiKey: process.env.TALLY_API_KEY });

await client.configureQuota({ organizationId, feature: UsageFeature.OCR_SCAN, includedQuantity: 10, pricePerUnit: 5, currency: 'EUR', resetPeriod: 'MONTHLY' });
const scan = await client.trackUsage({ organizationId, feature: UsageFeature.OCR_SCAN, quantity: 2, metadata: { via: 'esm' } });

const tracker = new UsageTracker({ client });
tracker.track({ organizationId, feature: UsageFeature.EMAIL_SENT, quantity: 3, metadata: { via: 'esm' } });
const billed = trackUsage(UsageFeature.API_CALL, { tracker, extractOrgId: (req) => req.headers['x-org-id'], extractMetadata: () => ({ via: 'esm' }) });
const server = createServer((req, res) => billed(req, res, () => res.end('ok')));
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const answered = await (await fetch(`http://127.0.0.1:${server.address().port}/`, { headers: { 'x-org-id': organizationId } })).text();
await new Promise((resolve) => server.close(resolve));
const stats = await tracker.shutdown();

let refused;
try {
  await client.trackUsage({ organizationId, feature: 'NOT_A_FEATURE' });
} catch (error) {
  refused = error instanceof TallyApiError ? error.status : String(error);
}

const quota = await client.checkQuota(organizationId, UsageFeature.OCR_SCAN, { waitForPosition: scan.position });
console.log(JSON.stringify({ answered, stats: { tracked: stats.tracked, sent: stats.sent, dropped: stats.dropped }, refused, quota: { used: quota.used, remaining: quota.remaining } }));
