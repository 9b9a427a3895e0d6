// Tally as `make demo` runs it, for the browser tests: `tally serve` (with its
// embedded projector, so the numbers settle quickly) and `tally worker` as
// child processes on the local stack, each run with its own event store,
// database and task queue, and the demo data seeded through the API by the
// demo's own script, with webhooks to a receiver on loopback as in the demo.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { connectMongo, type MongoConnection } from '../../../src/read-side/mongo/mongo-connection';
import { connectTemporalClient } from '../../../src/workflows/temporal-connection';
import { billingWorkflowId } from '../../../src/workflows/billing-period-messages';
import { startApiProcess, type ApiProcess } from '../../support/api-process';
import { tally, type CliResult } from '../../support/cli';
import { projectRoot, stackSettings, tallyProcessEnvironment } from '../../support/stack-settings';

const run = promisify(execFile);

const LOGS = join(projectRoot, '.data', 'web-console');

export interface DemoTally {
  readonly url: string;
  /**
   * The demo organization of this run: the demo's data under an id of its own,
   * since period workflows are named by organization and a running `make demo`
   * on the same Temporal server has its own org_demo.
   */
  readonly organizationId: string;
  readonly adminKey: string;
  /** The demo organization's key, issued by the seed. */
  readonly organizationKey: string;
  /** The read models, for tests that tamper with them as an operator's mistake would. */
  readonly mongo: MongoConnection;
  /** fetch with a key, as a client of the API. */
  api(path: string, options?: { apiKey?: string; method?: string; body?: unknown }): Promise<Response>;
  /** The `tally` command line against the same processes. */
  cli(args: string[]): CliResult;
  /** Forget the organizations' period workflows this run started. */
  terminateWorkflows(organizationIds: readonly string[]): Promise<void>;
  stop(): Promise<void>;
}

function startWorker(env: Record<string, string>): ChildProcess {
  // The worker's log stays under .data/ after the run, for when a billing step does not happen.
  mkdirSync(LOGS, { recursive: true });
  const log = openSync(join(LOGS, 'worker.log'), 'w');
  return spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'worker'], {
    cwd: projectRoot,
    env: { ...process.env, ...env, LOG_LEVEL: 'info' },
    stdio: ['ignore', log, log],
  });
}

/**
 * The demo's webhook receiver, reduced to what the console shows of it: it
 * accepts every delivery, so the delivery log has answered attempts.
 */
async function startReceiver(): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => response.writeHead(204).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/tally` };
}

export interface DemoTallyOptions {
  /** Without `tally worker` nothing bills, and nothing competes for the cores (the console's benchmark). */
  readonly worker?: boolean;
}

export async function startDemoTally(options: DemoTallyOptions = {}): Promise<DemoTally> {
  const directory = mkdtempSync(join(tmpdir(), 'tally-console-'));
  const runId = randomUUID().slice(0, 8);
  const organizationId = `org_demo_${runId}`;
  const adminKey = randomBytes(24).toString('hex');
  const env = {
    ...tallyProcessEnvironment({ storePath: join(directory, 'events.sqlite'), database: `tally_console_${runId}`, taskQueue: `tally-console-${runId}` }),
    TALLY_ADMIN_KEY: adminKey,
    TALLY_EMBEDDED_PROJECTOR: 'true',
    // As `make demo`: endpoints can be registered, and the receiver listens on loopback.
    TALLY_WEBHOOK_SECRET_KEY: randomBytes(32).toString('hex'),
    TALLY_WEBHOOK_ALLOW_PRIVATE: 'true',
  };
  const receiver = await startReceiver();
  const server: ApiProcess = await startApiProcess(env);
  const worker = options.worker === false ? null : startWorker(env);
  // The demo's seed reads the admin key from its folder and leaves the organization's key there.
  writeFileSync(join(directory, 'admin.key'), adminKey, { mode: 0o600 });
  await run(process.execPath, ['--import', 'tsx', join(projectRoot, 'scripts', 'demo-seed.ts')], {
    cwd: projectRoot,
    env: { ...process.env, TALLY_URL: server.url, TALLY_DEMO_DIR: directory, TALLY_DEMO_ORG: organizationId, TALLY_DEMO_WEBHOOK_URL: receiver.url },
  });
  const organizationKey = readFileSync(join(directory, 'org.key'), 'utf8').trim();
  const mongo = await connectMongo(stackSettings().mongodbUrl, env.MONGODB_DATABASE);

  return {
    url: server.url,
    organizationId,
    adminKey,
    organizationKey,
    mongo,
    api: (path, options = {}) =>
      fetch(`${server.url}${path}`, {
        method: options.method ?? 'GET',
        headers: { authorization: `Bearer ${options.apiKey ?? adminKey}`, ...(options.body !== undefined && { 'content-type': 'application/json' }) },
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
      }),
    cli: (args) => tally(args, env),
    async terminateWorkflows(organizationIds) {
      const settings = stackSettings();
      const client = await connectTemporalClient({ address: settings.temporalAddress, namespace: settings.temporalNamespace });
      for (const organizationId of organizationIds) {
        await client.workflow.getHandle(billingWorkflowId(organizationId)).terminate('browser test finished').catch(() => undefined);
      }
      await client.connection.close();
    },
    async stop() {
      if (worker) {
        const exited = new Promise((resolve) => (worker.exitCode === null ? worker.once('exit', resolve) : resolve(null)));
        worker.kill('SIGTERM');
        await exited;
      }
      await server.stop();
      receiver.server.closeAllConnections();
      await new Promise((resolve) => receiver.server.close(resolve));
      await mongo.db.dropDatabase();
      await mongo.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
