// The SDK's quota methods against `tally serve` (its own process, as products
// run it): checkQuota for N more units, reserve/commit/release, a hard quota's
// 403 arriving as a QuotaExceededError, the background tracker meeting a hard
// quota (the items past it reported and never resent, the rest recorded), and
// the Express middleware refusing requests once the quota is used up.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { QuotaExceededError, UsageFeature, UsageMeteringClient, UsageTracker, type TrackUsageInput } from '@tally/sdk';
import { trackUsage } from '@tally/sdk/express';
import { connectMongo } from '../../src/read-side/mongo/mongo-connection';
import { startApiProcess, type ApiProcess } from '../support/api-process';
import { stackSettings, tallyProcessEnvironment } from '../support/stack-settings';

const directory = mkdtempSync(join(tmpdir(), 'tally-sdk-quotas-'));
const run = randomUUID().slice(0, 8);
const adminKey = randomBytes(24).toString('hex');
const env = { ...tallyProcessEnvironment({ storePath: join(directory, 'events.sqlite'), database: `tally_sdk_quotas_${run}`, taskQueue: `tally-sdk-quotas-${run}` }), TALLY_ADMIN_KEY: adminKey };

let api: ApiProcess;
let admin: UsageMeteringClient;

/** An organization with its own key and a client using it, as a product would have. */
async function organizationClient(organizationId: string, options: { fetch?: typeof fetch } = {}): Promise<UsageMeteringClient> {
  const call = (path: string, body: unknown) =>
    fetch(`${api.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect((await call('/api/organizations', { organizationId, name: organizationId })).status).toBe(201);
  const issued = await call(`/api/organizations/${organizationId}/api-keys`, {});
  const { apiKey } = (await issued.json()) as { apiKey: string };
  return new UsageMeteringClient({ baseUrl: api.url, apiKey, ...options });
}

beforeAll(async () => {
  api = await startApiProcess(env);
  admin = new UsageMeteringClient({ baseUrl: api.url, apiKey: adminKey });
}, 60_000);

afterAll(async () => {
  await api.stop();
  const mongo = await connectMongo(stackSettings().mongodbUrl, env.MONGODB_DATABASE);
  await mongo.db.dropDatabase();
  await mongo.close();
  rmSync(directory, { recursive: true, force: true });
});

describe('checkQuota', () => {
  it('answers whether N more units are allowed, including a write acknowledged just before it', async () => {
    const client = await organizationClient('org_check');
    await client.configureQuota({ organizationId: 'org_check', feature: UsageFeature.SMS_SENT, includedQuantity: 10, pricePerUnit: 10, enforcement: 'hard' });
    const written = await client.trackUsage({ organizationId: 'org_check', feature: UsageFeature.SMS_SENT, quantity: 7 });
    const four = await client.checkQuota('org_check', UsageFeature.SMS_SENT, { quantity: 4 });
    expect(four).toMatchObject({ allowed: false, requested: 4, hasQuota: true, used: 7, reserved: 0, included: 10, remaining: 3, enforcement: 'hard' });
    expect(BigInt(four.freshness.position as string)).toBeGreaterThanOrEqual(BigInt(written.position as string));
    expect(await client.checkQuota('org_check', UsageFeature.SMS_SENT, { quantity: 3 })).toMatchObject({ allowed: true, requested: 3 });
    // A soft quota always allows: the overage is billed.
    expect(await client.checkQuota('org_check', UsageFeature.EMAIL_SENT, { quantity: 5_000 })).toMatchObject({ allowed: true, enforcement: 'soft' });
  });

  it('rejects tracking past a hard quota with a QuotaExceededError and stores nothing; a repeat of an accepted key is still a duplicate', async () => {
    const client = await organizationClient('org_track');
    await client.configureQuota({ organizationId: 'org_track', feature: UsageFeature.OCR_SCAN, includedQuantity: 2, pricePerUnit: 5, enforcement: 'hard' });
    await client.trackUsage({ organizationId: 'org_track', feature: UsageFeature.OCR_SCAN, quantity: 2, idempotencyKey: 'scan-1' });
    const refused = await client.trackUsage({ organizationId: 'org_track', feature: UsageFeature.OCR_SCAN, idempotencyKey: 'scan-2' }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(QuotaExceededError);
    expect(refused).toMatchObject({ status: 403, feature: 'OCR_SCAN', included: 2, used: 2, reserved: 0, remaining: 0, retryable: false });
    expect(await client.trackUsage({ organizationId: 'org_track', feature: UsageFeature.OCR_SCAN, quantity: 2, idempotencyKey: 'scan-1' })).toMatchObject({ duplicate: true });
    expect(await client.checkQuota('org_track', UsageFeature.OCR_SCAN)).toMatchObject({ used: 2, allowed: false, hasQuota: false });
  });
});

describe('reserve, commit and release', () => {
  let client: UsageMeteringClient;
  const organizationId = 'org_reserve';

  beforeAll(async () => {
    client = await organizationClient(organizationId);
    await client.configureQuota({ organizationId, feature: UsageFeature.AI_CLASSIFICATION, includedQuantity: 100, pricePerUnit: 1, enforcement: 'hard' });
  });

  const check = () => client.checkQuota(organizationId, UsageFeature.AI_CLASSIFICATION);

  it('holds quantity, commits less than reserved and lets the rest go; the same key or commit again is a duplicate', async () => {
    const made = await client.reserve({ organizationId, feature: UsageFeature.AI_CLASSIFICATION, quantity: 30, expiresInSeconds: 300, idempotencyKey: 'classify-batch-1' });
    expect(made).toMatchObject({ feature: 'AI_CLASSIFICATION', quantity: 30, duplicate: false, reservationId: expect.stringMatching(/^res_/) });
    expect(Date.parse(made.expiresAt) - Date.now()).toBeGreaterThan(290_000);
    expect(await client.reserve({ organizationId, feature: UsageFeature.AI_CLASSIFICATION, quantity: 30, expiresInSeconds: 300, idempotencyKey: 'classify-batch-1' })).toMatchObject({
      reservationId: made.reservationId,
      duplicate: true,
    });
    expect(await check()).toMatchObject({ used: 0, reserved: 30, remaining: 70 });

    const committed = await client.commit({ organizationId, reservationId: made.reservationId, quantity: 12, metadata: { model: 'classifier-v2' } });
    expect(committed).toMatchObject({ reservationId: made.reservationId, committedQuantity: 12, duplicate: false });
    expect(await check()).toMatchObject({ used: 12, reserved: 0, remaining: 88 });
    expect(await client.commit({ organizationId, reservationId: made.reservationId, quantity: 12 })).toMatchObject({ duplicate: true });
    expect(await check()).toMatchObject({ used: 12 });
  });

  it('refuses a hold that does not fit and a commit larger than what still fits, with the figures; a release frees the hold', async () => {
    const tooBig = await client.reserve({ organizationId, feature: UsageFeature.AI_CLASSIFICATION, quantity: 89, expiresInSeconds: 60 }).catch((error: unknown) => error);
    expect(tooBig).toBeInstanceOf(QuotaExceededError);
    expect(tooBig).toMatchObject({ feature: 'AI_CLASSIFICATION', used: 12, reserved: 0, remaining: 88 });

    const held = await client.reserve({ organizationId, feature: UsageFeature.AI_CLASSIFICATION, quantity: 50, expiresInSeconds: 60 });
    // The hold's own 50 do not stand in its commit's way: 88 fit, 89 do not.
    await expect(client.commit({ organizationId, reservationId: held.reservationId, quantity: 89 })).rejects.toMatchObject({ name: 'QuotaExceededError', remaining: 88 });
    expect(await check()).toMatchObject({ used: 12, reserved: 50 });

    expect(await client.release(organizationId, held.reservationId)).toMatchObject({ reservationId: held.reservationId, changed: true });
    expect(await client.release(organizationId, held.reservationId)).toMatchObject({ changed: false });
    expect(await check()).toMatchObject({ used: 12, reserved: 0, remaining: 88 });
  });
});

describe('the background tracker meeting a hard quota', () => {
  it('reports the events past the quota as QuotaExceededError without resending them, and records the rest of the batch', async () => {
    const bulkRequests: string[] = [];
    const countingFetch: typeof fetch = (input, init) => {
      if (String(input).endsWith('/api/usage/track/bulk')) bulkRequests.push(String(init?.body));
      return fetch(input, init);
    };
    const client = await organizationClient('org_tracker', { fetch: countingFetch });
    await client.configureQuota({ organizationId: 'org_tracker', feature: UsageFeature.PDF_EXPORT, includedQuantity: 5, pricePerUnit: 2, enforcement: 'hard' });
    const reports: { error: Error; events: readonly TrackUsageInput[] }[] = [];
    const tracker = new UsageTracker({ client, flushIntervalMs: 60_000, onError: (error, events) => reports.push({ error, events }) });
    for (let index = 0; index < 8; index++) tracker.track({ organizationId: 'org_tracker', feature: UsageFeature.PDF_EXPORT, idempotencyKey: `export-${index}` });
    for (let index = 0; index < 3; index++) tracker.track({ organizationId: 'org_tracker', feature: UsageFeature.EMAIL_SENT, idempotencyKey: `email-${index}` });
    const stats = await tracker.shutdown();

    expect(stats).toMatchObject({ tracked: 11, sent: 8, dropped: 3, retries: 0 });
    // One refused bulk, then the same bulk without the three items it named.
    expect(bulkRequests).toHaveLength(2);
    expect(reports).toHaveLength(1);
    expect(reports[0].error).toBeInstanceOf(QuotaExceededError);
    expect(reports[0].error).toMatchObject({ feature: 'PDF_EXPORT', included: 5, remaining: 0 });
    expect(reports[0].events.map((event) => event.idempotencyKey)).toEqual(['export-5', 'export-6', 'export-7']);
    expect(await client.checkQuota('org_tracker', UsageFeature.PDF_EXPORT)).toMatchObject({ used: 5, allowed: false });
    expect(await client.checkQuota('org_tracker', UsageFeature.EMAIL_SENT)).toMatchObject({ used: 3 });
  });
});

describe('the Express middleware with requireQuota', () => {
  it('serves requests while the hard quota allows them, then answers 403 without running the handler or billing', async () => {
    const client = await organizationClient('org_express');
    await client.configureQuota({ organizationId: 'org_express', feature: UsageFeature.API_CALL, includedQuantity: 3, pricePerUnit: '0.1', enforcement: 'hard' });
    const tracker = new UsageTracker({ client, flushIntervalMs: 60_000 });
    let handled = 0;
    const app = express();
    app.get(
      '/api/invoices',
      trackUsage(UsageFeature.API_CALL, { tracker, extractOrgId: (req) => req.header('x-org-id'), requireQuota: { client } }),
      (_req, res) => {
        handled += 1;
        res.json({ invoices: [] });
      },
    );
    const server: Server = await new Promise((resolve) => {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    const { port } = server.address() as { port: number };
    try {
      const statuses: number[] = [];
      const bodies: unknown[] = [];
      for (let index = 0; index < 5; index++) {
        const response = await fetch(`http://127.0.0.1:${port}/api/invoices`, { headers: { 'x-org-id': 'org_express' } });
        statuses.push(response.status);
        bodies.push(await response.json());
        // Each served call reaches Tally before the next is asked about (it is tracked once its response has gone out).
        while (tracker.stats.tracked < handled) await new Promise((resolve) => setTimeout(resolve, 5));
        await tracker.flush();
      }
      expect(statuses).toEqual([200, 200, 200, 403, 403]);
      expect(bodies[3]).toMatchObject({ type: 'https://tally.dev/problems/quota-exceeded', status: 403, detail: 'API_CALL quota exceeded', feature: 'API_CALL', included: 3, used: 3, remaining: 0 });
      expect(handled).toBe(3);
      expect(tracker.stats).toMatchObject({ sent: 3, dropped: 0 });
      expect(await admin.checkQuota('org_express', UsageFeature.API_CALL)).toMatchObject({ used: 3, allowed: false });
    } finally {
      await new Promise((resolve) => server.close(resolve));
      await tracker.shutdown();
    }
  });
});
