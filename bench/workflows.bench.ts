// Billing-period workflows for 1,000 organizations on the Temporal dev server,
// run by the real `tally worker` (built, in its own process): its reactor
// starts a workflow per organization (each records its first running totals
// when told the organization was configured), then the aggregate-all job
// signals every running workflow for one more aggregation round. Prints
// workflows per second for both phases and the worker's resident memory.
// Baseline, measured by the same run on the same server: the rate at which
// this process alone starts as many bare workflows (signal-with-start, 64 at
// once, on a queue no worker polls), and the reactor's rate as a share of it.
//   npx tsx bench/workflows.bench.ts [--orgs 1000]
import { execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { MongoClient } from 'mongodb';
import { systemClock } from '../src/application/ports/clock';
import type { GlobalPosition } from '../src/application/ports/event-store';
import { SqliteEventStore } from '../src/infrastructure/eventstore/sqlite-event-store';
import type { Client } from '@temporalio/client';
import { inParallel } from '../src/application/in-parallel';
import { connectTemporalClient } from '../src/workflows/temporal-connection';
import { TemporalBillingWorkflows } from '../src/workflows/temporal-billing-workflows';
import { SequentialIds } from '../test/support/fixed-clock';
import { stackSettings } from '../test/support/stack-settings';
import { composeWriteSide } from '../src/composition/write-side';

const root = join(__dirname, '..');
const argument = (name: string, fallback: number) => {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? fallback : Number(process.argv[index + 1]);
};

/** The kernel's figures for a process: peak (VmHWM) and current (VmRSS) resident memory, in MB. */
function residentMemoryMb(pid: number): { peak: number; current: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0);
  return { peak: kb('VmHWM') / 1024, current: kb('VmRSS') / 1024 };
}

/** Counts UsageAggregated events as they are appended, reading the log incrementally. */
function aggregationCounter(store: SqliteEventStore) {
  let position: GlobalPosition | undefined;
  let count = 0;
  return async (): Promise<number> => {
    for (;;) {
      const events = await store.readAll({ fromPosition: position, maxCount: 5_000 });
      if (events.length === 0) return count;
      count += events.filter((event) => event.type === 'UsageAggregated').length;
      position = events[events.length - 1].position;
    }
  };
}

async function until(what: string, done: () => Promise<boolean>, timeoutMs = 600_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Workflows per second this client starts on the server by itself, with nothing run: the ceiling of starting. */
async function bareStartRate(client: Client, count: number, run: string): Promise<number> {
  const taskQueue = `tally-bench-bare-${run}`;
  const ids = Array.from({ length: count }, (_, i) => `bench-bare-${run}-${i}`);
  const started = Date.now();
  await inParallel(ids, 64, (workflowId) => client.workflow.signalWithStart('benchBareWorkflow', { taskQueue, workflowId, signal: 'nudge', signalArgs: [] }));
  const seconds = (Date.now() - started) / 1000;
  await inParallel(ids, 64, (workflowId) => client.workflow.getHandle(workflowId).terminate('baseline measured').catch(() => undefined));
  return count / seconds;
}

async function main(): Promise<void> {
  const organizations = argument('orgs', 1_000);
  execFileSync(join(root, 'scripts', 'stack.sh'), ['up'], { stdio: 'inherit' });
  execFileSync('npx', ['--no-install', 'tsc', '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  const settings = stackSettings();
  const run = randomUUID().slice(0, 8);
  const directory = mkdtempSync(join(tmpdir(), 'tally-bench-workflows-'));
  const storePath = join(directory, 'events.sqlite');
  const database = `tally_bench_workflows_${run}`;
  const taskQueue = `tally-bench-${run}`;
  const store = SqliteEventStore.open(storePath);
  const client = await connectTemporalClient({ address: settings.temporalAddress, namespace: settings.temporalNamespace });
  const workflows = new TemporalBillingWorkflows(client, { taskQueue, signalConcurrency: 64 });
  try {
    const commands = composeWriteSide({ eventStore: store, clock: systemClock, ids: new SequentialIds() }).commands;
    for (let i = 0; i < organizations; i += 1) {
      const organizationId = `org_bench_${run}_${i}`;
      await commands.configureOrganization({ organizationId });
      await commands.trackUsage({ organizationId, feature: 'API_CALL', quantity: 1 + (i % 50), idempotencyKey: `bench-${i}` });
    }
    console.log(`configured ${organizations} organizations, one usage event each`);
    const bareRate = await bareStartRate(client, organizations, run);
    console.log(`baseline: this process alone starts ${organizations} bare workflows (signal-with-start, no worker) at ${bareRate.toFixed(0)} workflows/s`);

    const worker = spawn(process.execPath, [join(root, 'dist', 'cli', 'main.js'), 'worker'], {
      cwd: root,
      env: {
        ...process.env,
        TALLY_EVENT_STORE_PATH: storePath,
        MONGODB_URL: settings.mongodbUrl,
        MONGODB_DATABASE: database,
        TEMPORAL_ADDRESS: settings.temporalAddress,
        TEMPORAL_NAMESPACE: settings.temporalNamespace,
        TEMPORAL_TASK_QUEUE: taskQueue,
        STRIPE_API_KEY: 'sk_test_123',
        STRIPE_API_HOST: settings.stripeApiHost,
        STRIPE_API_PORT: String(settings.stripeApiPort),
        STRIPE_API_PROTOCOL: settings.stripeApiProtocol,
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const started = new Promise<void>((resolve) => {
      createInterface({ input: worker.stdout }).on('line', (line) => {
        if (line.includes('"worker started"')) resolve();
      });
    });
    const exited = new Promise<number | null>((resolve) => worker.once('exit', resolve));
    try {
      const spawnedAt = Date.now();
      await started;
      const readyAt = Date.now();
      console.log(`worker ready (workflow code bundled, connected) in ${((readyAt - spawnedAt) / 1000).toFixed(1)} s`);

      const idle = residentMemoryMb(worker.pid as number);
      const aggregations = aggregationCounter(store);
      const running = async () => (await client.workflow.count(`TaskQueue = '${taskQueue}' AND ExecutionStatus = 'Running'`)).count;
      // Visibility is eventually consistent: the count may lag the starts by a moment.
      await until('every workflow to be started', async () => (await running()) >= organizations);
      const startedSeconds = (Date.now() - readyAt) / 1000;
      console.log(`the reactor started ${organizations} period workflows (signal-with-start) in ${startedSeconds.toFixed(1)} s: ${(organizations / startedSeconds).toFixed(0)} workflows/s, ${(organizations / startedSeconds / bareRate).toFixed(2)} of the baseline`);
      await until('the first round', async () => (await aggregations()) >= organizations);
      const firstRoundSeconds = (Date.now() - readyAt) / 1000;
      console.log(`…and each had planned its period and recorded its first totals after ${firstRoundSeconds.toFixed(1)} s: ${(organizations / firstRoundSeconds).toFixed(0)} workflows/s`);

      const roundStart = Date.now();
      const { signalled } = await workflows.runJob('aggregate-all');
      const signalSeconds = (Date.now() - roundStart) / 1000;
      await until('the aggregation round', async () => (await aggregations()) >= 2 * organizations);
      const roundSeconds = (Date.now() - roundStart) / 1000;
      console.log(`aggregate-all signalled ${signalled} workflows in ${signalSeconds.toFixed(1)} s; the round took ${roundSeconds.toFixed(1)} s: ${(organizations / roundSeconds).toFixed(0)} workflows/s`);

      const memory = residentMemoryMb(worker.pid as number);
      console.log(`worker resident memory: ${idle.current.toFixed(0)} MB when ready, ${memory.current.toFixed(0)} MB with ${organizations} workflows, ${memory.peak.toFixed(0)} MB at its peak`);
    } finally {
      worker.kill('SIGTERM');
      console.log(`worker exited with ${await exited}`);
    }
  } finally {
    // Leave the shared dev server as it was: no billing workflows of this run keep timers there.
    const terminating: Promise<unknown>[] = [];
    for await (const workflowId of workflows.runningWorkflowIds()) terminating.push(client.workflow.getHandle(workflowId).terminate('benchmark finished').catch(() => undefined));
    await Promise.all(terminating);
    await client.connection.close();
    await store.close();
    const mongo = await MongoClient.connect(settings.mongodbUrl);
    await mongo.db(database).dropDatabase();
    await mongo.close();
    rmSync(directory, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
