// Workflows run on a real Temporal server: the CLI dev server for a plain run,
// and the time-skipping test server to sleep a month in seconds.
import { randomUUID } from 'node:crypto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { connectTemporalClient, connectTemporalWorker } from '../../src/workflows/temporal-connection';
import { stackSettings } from '../support/stack-settings';
import * as activities from './fixtures/ping.activities';

const workflowsPath = require.resolve('./fixtures/ping.workflow');

describe('Temporal', () => {
  const settings = stackSettings();

  it('runs a workflow with one activity on the dev server', async () => {
    const taskQueue = `stack-${randomUUID()}`;
    const connection = await connectTemporalWorker({ address: settings.temporalAddress, namespace: settings.temporalNamespace });
    const client = await connectTemporalClient({ address: settings.temporalAddress, namespace: settings.temporalNamespace });
    try {
      const worker = await Worker.create({ connection, namespace: settings.temporalNamespace, taskQueue, workflowsPath, activities });
      const result = await worker.runUntil(
        client.workflow.execute('pingWorkflow', { taskQueue, workflowId: `ping-${randomUUID()}`, args: ['tally'] }),
      );
      expect(result).toBe('pong tally');
    } finally {
      await client.connection.close();
      await connection.close();
    }
  }, 60_000);

  it('sleeps 30 days in seconds on the time-skipping test server', async () => {
    const env = await TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: { type: 'existing-path', path: settings.temporalTestServerPath } },
    });
    try {
      const taskQueue = `stack-${randomUUID()}`;
      const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowsPath, activities });
      const startedAt = Date.now();
      const result = await worker.runUntil(
        env.client.workflow.execute('sleepThirtyDaysWorkflow', { taskQueue, workflowId: `sleep-${randomUUID()}` }),
      );
      expect(result).toBe('woke up');
      expect(Date.now() - startedAt).toBeLessThan(30_000);
    } finally {
      await env.teardown();
    }
  }, 90_000);
});
