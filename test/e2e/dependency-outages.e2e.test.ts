// `tally serve` as an operator runs it, with MongoDB or Temporal taken away:
// it starts and records usage without MongoDB (reporting not-ready), and its
// billing-workflow routes answer 503 with Retry-After within seconds when
// Temporal goes away after the first connection; both recover on their own.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectMongo } from '../../src/read-side/mongo/mongo-connection';
import { eventually } from '../workflows/support/billing-harness';
import { startApiProcess, type ApiProcess } from '../support/api-process';
import { stackSettings, tallyProcessEnvironment } from '../support/stack-settings';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';

const settings = stackSettings();
const hostAndPort = (address: string) => {
  const url = new URL(address.includes('://') ? address : `tcp://${address}`);
  return { host: url.hostname, port: Number(url.port) };
};

describe('tally serve while a dependency is away', () => {
  const directory = mkdtempSync(join(tmpdir(), 'tally-outage-'));
  const run = randomUUID().slice(0, 8);
  const adminKey = randomBytes(24).toString('hex');
  let mongoProxy: TcpProxy;
  let temporalProxy: TcpProxy;
  let api: ApiProcess;

  const call = (method: string, path: string, body?: unknown) =>
    fetch(`${api.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${adminKey}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const timed = async (method: string, path: string) => {
    const started = Date.now();
    const answer = await call(method, path);
    return { status: answer.status, retryAfter: answer.headers.get('retry-after'), ms: Date.now() - started };
  };

  beforeAll(async () => {
    mongoProxy = await startTcpProxy(hostAndPort(settings.mongodbUrl), { startOpen: false });
    temporalProxy = await startTcpProxy(hostAndPort(settings.temporalAddress));
    const env = tallyProcessEnvironment({ storePath: join(directory, 'events.sqlite'), database: `tally_outage_${run}`, taskQueue: `tally-outage-${run}` });
    api = await startApiProcess({
      ...env,
      MONGODB_URL: `mongodb://127.0.0.1:${mongoProxy.port}`,
      TEMPORAL_ADDRESS: `127.0.0.1:${temporalProxy.port}`,
      TALLY_ADMIN_KEY: adminKey,
      TALLY_EMBEDDED_PROJECTOR: 'true',
    });
  }, 60_000);

  afterAll(async () => {
    await api.stop();
    await mongoProxy.close();
    await temporalProxy.close();
    const mongo = await connectMongo(settings.mongodbUrl, `tally_outage_${run}`);
    await mongo.db.dropDatabase();
    await mongo.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('starts without MongoDB, records usage, reports not ready, and becomes ready once MongoDB answers', async () => {
    expect((await call('GET', '/healthz')).status).toBe(200);
    expect((await call('GET', '/readyz')).status).toBe(503);
    expect((await call('POST', '/api/organizations', { organizationId: 'org_outage' })).status).toBe(201);
    const tracked = await call('POST', '/api/usage/track', { organizationId: 'org_outage', feature: 'OCR_SCAN', quantity: 3 });
    expect(tracked.status).toBe(200);
    const { position } = (await tracked.json()) as { position: string };
    const usage = await timed('GET', '/api/usage/org_outage');
    expect(usage).toMatchObject({ status: 503, retryAfter: expect.any(String) });
    expect(usage.ms).toBeLessThan(7_000);

    await mongoProxy.restore();
    await eventually(async () => expect((await call('GET', '/readyz')).status).toBe(200), 30_000);
    const read = await call('GET', `/api/usage/org_outage?waitForPosition=${position}`);
    expect(((await read.json()) as { features: { totalQuantity: number }[] }).features[0].totalQuantity).toBe(3);
  }, 60_000);

  it('answers the billing-workflow routes with 503 within 5 s once Temporal went away after the first connection, and recovers', async () => {
    // The first call connects (no workflow yet: 404).
    expect((await timed('GET', '/api/usage/org_outage/billing-status')).status).toBe(404);
    await temporalProxy.cut();
    for (const [method, path] of [
      ['GET', '/api/usage/org_outage/billing-status'],
      ['POST', '/api/admin/jobs/aggregate-all'],
    ] as const) {
      const answer = await timed(method, path);
      expect(answer).toMatchObject({ status: 503, retryAfter: expect.any(String) });
      expect(answer.ms).toBeLessThan(5_000);
    }
    await temporalProxy.restore();
    await eventually(async () => expect((await timed('GET', '/api/usage/org_outage/billing-status')).status).toBe(404), 30_000);
  }, 60_000);
});
