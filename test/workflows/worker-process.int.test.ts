// `tally worker` as an operator runs it, on the local stack (Temporal dev
// server, the MongoDB-wire server, stripe-mock): its reactor starts the period
// workflow of a newly configured organization, `tally jobs` signals it (one
// organization, or all through the visibility list), `tally close-period`
// closes early, and SIGTERM stops the process cleanly.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { decodeEvent } from '../../src/application/event-log/organization-event-codec';
import { systemClock } from '../../src/application/ports/clock';
import { UsageCommands } from '../../src/application/usage/usage-commands';
import { organizationStreamId, type OrganizationEvent } from '../../src/domain/events';
import { SqliteEventStore } from '../../src/infrastructure/eventstore/sqlite-event-store';
import { connectMongo } from '../../src/read-side/mongo/mongo-connection';
import { connectTemporalClient } from '../../src/workflows/temporal-connection';
import { billingWorkflowId } from '../../src/workflows/billing-period-messages';
import { TemporalBillingWorkflows } from '../../src/workflows/temporal-billing-workflows';
import { tally } from '../support/cli';
import { SequentialIds } from '../support/fixed-clock';
import { projectRoot, stackSettings, tallyProcessEnvironment } from '../support/stack-settings';
import { eventually } from './support/billing-harness';
import { composeWriteSide } from '../../src/composition/write-side';

const settings = stackSettings();

describe('tally worker', () => {
  const directory = mkdtempSync(join(tmpdir(), 'tally-worker-'));
  const run = randomUUID().slice(0, 8);
  const ORG = `org_worker_${run}`;
  const env = {
    ...tallyProcessEnvironment({ storePath: join(directory, 'events.sqlite'), database: `tally_worker_${run}`, taskQueue: `tally-worker-test-${run}` }),
    LOG_LEVEL: 'warn',
  };
  let store: SqliteEventStore;
  let usage: UsageCommands;
  let client: Client;
  let workflows: TemporalBillingWorkflows;
  let worker: ChildProcess;
  let stderr = '';

  beforeAll(async () => {
    store = SqliteEventStore.open(env.TALLY_EVENT_STORE_PATH);
    usage = composeWriteSide({ eventStore: store, clock: systemClock, ids: new SequentialIds('worker') }).commands;
    client = await connectTemporalClient({ address: settings.temporalAddress, namespace: settings.temporalNamespace });
    workflows = new TemporalBillingWorkflows(client, { taskQueue: env.TEMPORAL_TASK_QUEUE });
    // One process (no tsx wrapper), so the signals reach the worker itself.
    worker = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'worker'], { cwd: projectRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    worker.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  }, 30_000);

  afterAll(async () => {
    if (worker.exitCode === null) worker.kill('SIGKILL');
    await client.workflow.getHandle(billingWorkflowId(ORG)).terminate('test finished').catch(() => undefined);
    await client.connection.close();
    const mongo = await connectMongo(settings.mongodbUrl, env.MONGODB_DATABASE);
    await mongo.db.dropDatabase();
    await mongo.close();
    await store.close();
    rmSync(directory, { recursive: true, force: true });
  });

  const events = async (type: OrganizationEvent['type']) =>
    (await store.readStream(organizationStreamId(ORG))).map(decodeEvent).filter((event): event is OrganizationEvent => event?.type === type);

  it('starts the period workflow of a configured organization, runs the jobs, closes early and stops on SIGTERM', async () => {
    await usage.configureOrganization({ organizationId: ORG, stripeCustomerId: 'cus_worker' });
    await usage.trackUsage({ organizationId: ORG, feature: 'OCR_SCAN', quantity: 60, idempotencyKey: 'scans' });
    const status = await eventually(async () => {
      const current = await workflows.status(ORG);
      // Until its first activity has planned the period, a new workflow has no next action.
      if (!current?.nextAction) throw new Error(`no workflow yet; worker stderr: ${stderr}`);
      return current;
    }, 60_000);
    expect(status).toMatchObject({ organizationId: ORG, workflowId: billingWorkflowId(ORG), closed: false, stripeBilling: 'meter', failures: [] });

    const aggregate = tally(['jobs', 'aggregate-all', '--org', ORG], env);
    expect(aggregate.stdout).toBe(`aggregate-all: signalled 1 period workflow of ${ORG}\n`);
    await eventually(async () => expect((await events('UsageAggregated')).length).toBeGreaterThan(0));

    // Every organization's: found through the visibility list, which catches up in a moment.
    await eventually(() => expect(tally(['jobs', 'report-all'], env).stdout).toBe('report-all: signalled 1 running period workflow\n'), 30_000);
    await eventually(async () => expect((await events('UsageReportedToStripe')).map((event) => event.type === 'UsageReportedToStripe' && event.data.cumulativeQuantity)).toEqual([60]));

    const shown = tally(['billing-status', '--org', ORG], env);
    expect(JSON.parse(shown.stdout)).toMatchObject({ organizationId: ORG, lastReportAt: expect.any(String) });

    expect(tally(['close-period', '--org', ORG], env).status).toBe(0);
    await eventually(async () => expect(await events('BillingPeriodClosed')).toHaveLength(1));
    expect(tally(['jobs', 'retry-failed', '--org', 'org_nobody'], env)).toMatchObject({ status: 1, stdout: 'retry-failed: signalled 0 period workflow of org_nobody\n' });

    worker.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => worker.once('exit', resolve));
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  }, 120_000);
});
