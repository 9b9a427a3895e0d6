// `tally serve` and `tally worker` as an operator runs them, on the local
// stack: the API process reaches the billing-period workflows through Temporal
// (status and the seed's manual jobs), answers 404 before an organization has
// a workflow, and 503 with Retry-After, in bounded time, when the worker or
// Temporal is down — while tracking usage never depends on Temporal.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectMongo } from '../../src/read-side/mongo/mongo-connection';
import { connectTemporalClient } from '../../src/workflows/temporal-connection';
import { billingWorkflowId } from '../../src/workflows/billing-period-messages';
import { ReconnectingBillingWorkflows } from '../../src/workflows/reconnecting-billing-workflows';
import { eventually } from '../workflows/support/billing-harness';
import { startApi } from '../support/api-harness';
import { startApiProcess, type ApiProcess } from '../support/api-process';
import { projectRoot, stackSettings, tallyProcessEnvironment } from '../support/stack-settings';

const settings = stackSettings();

describe('tally serve with tally worker', () => {
  const directory = mkdtempSync(join(tmpdir(), 'tally-serve-worker-'));
  const run = randomUUID().slice(0, 8);
  const ORG = `org_serve_${run}`;
  const adminKey = randomBytes(24).toString('hex');
  const env = {
    ...tallyProcessEnvironment({ storePath: join(directory, 'events.sqlite'), database: `tally_serve_${run}`, taskQueue: `tally-serve-test-${run}` }),
    TALLY_ADMIN_KEY: adminKey,
    TALLY_EMBEDDED_PROJECTOR: 'true',
  };
  let api: ApiProcess;
  let worker: ChildProcess | null = null;

  const call = (method: string, path: string, body?: unknown) =>
    fetch(`${api.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${adminKey}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  beforeAll(async () => {
    api = await startApiProcess(env);
  }, 60_000);

  afterAll(async () => {
    if (worker && worker.exitCode === null) worker.kill('SIGKILL');
    await api.stop();
    const client = await connectTemporalClient({ address: settings.temporalAddress, namespace: settings.temporalNamespace });
    await client.workflow.getHandle(billingWorkflowId(ORG)).terminate('test finished').catch(() => undefined);
    await client.connection.close();
    const mongo = await connectMongo(settings.mongodbUrl, env.MONGODB_DATABASE);
    await mongo.db.dropDatabase();
    await mongo.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('answers 404 for an organization whose period workflow has not started, and signals nothing', async () => {
    expect((await call('POST', '/api/organizations', { organizationId: ORG })).status).toBe(201);
    const status = await call('GET', `/api/usage/${ORG}/billing-status`);
    expect(status.status).toBe(404);
    expect(await status.json()).toMatchObject({ type: 'https://tally.dev/problems/not-found' });
    const job = await call('POST', '/api/admin/jobs/aggregate-all', { organizationId: ORG });
    expect([job.status, await job.json()]).toEqual([202, { job: 'aggregate-all', organizationId: ORG, signalled: 0 }]);
  });

  it("shows the running workflow's status once the worker started it, and runs a job on it", async () => {
    worker = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'worker'], { cwd: projectRoot, env: { ...process.env, ...env, LOG_LEVEL: 'warn' }, stdio: 'ignore' });
    const status = await eventually(async () => {
      const response = await call('GET', `/api/usage/${ORG}/billing-status`);
      expect(response.status).toBe(200);
      return (await response.json()) as Record<string, unknown>;
    }, 60_000);
    expect(status).toMatchObject({ organizationId: ORG, workflowId: `billing-${ORG}`, closed: false, stripeBilling: 'none' });
    const job = await call('POST', '/api/admin/jobs/aggregate-all', { organizationId: ORG });
    expect([job.status, await job.json()]).toEqual([202, { job: 'aggregate-all', organizationId: ORG, signalled: 1 }]);
  }, 90_000);

  it('answers 503 with Retry-After within seconds when no worker answers the status query', async () => {
    const stopped = new Promise((resolve) => worker?.once('exit', resolve));
    worker?.kill('SIGTERM');
    await stopped;
    const started = Date.now();
    const status = await call('GET', `/api/usage/${ORG}/billing-status`);
    expect(status.status).toBe(503);
    expect(status.headers.get('retry-after')).toBe('5');
    expect(await status.json()).toMatchObject({ type: 'https://tally.dev/problems/service-unavailable' });
    expect(Date.now() - started).toBeLessThan(15_000);
    // Usage is still accepted: recording never waits for Temporal.
    const tracked = await call('POST', '/api/usage/track', { organizationId: ORG, feature: 'OCR_SCAN', quantity: 1 });
    expect(tracked.status).toBe(200);
  }, 60_000);
});

describe('an API whose Temporal is unreachable', () => {
  it('tracks usage as usual and answers the workflow routes 503, connecting again on the next call', async () => {
    const workflows = new ReconnectingBillingWorkflows({ temporal: { address: '127.0.0.1:1', namespace: 'default', connectTimeoutMs: 500 }, taskQueue: 'unreachable' });
    const api = await startApi({ workflows });
    try {
      await api.createOrganization('org_123');
      const tracked = await api.request('POST', '/api/usage/track', { body: { organizationId: 'org_123', feature: 'OCR_SCAN', quantity: 1 } });
      expect(tracked.status).toBe(200);
      for (const attempt of [1, 2]) {
        const status = await api.request('GET', '/api/usage/org_123/billing-status');
        expect([attempt, status.status, status.headers.get('retry-after')]).toEqual([attempt, 503, '5']);
        expect(await status.json()).toMatchObject({ detail: expect.stringContaining('127.0.0.1:1') });
      }
      const job = await api.request('POST', '/api/admin/jobs/report-all', { body: {} });
      expect(job.status).toBe(503);
    } finally {
      await workflows.close();
      await api.close();
    }
  }, 30_000);
});
