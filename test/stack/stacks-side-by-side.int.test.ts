// Two local stacks run side by side (another clone, a test beside the demo): a
// second `scripts/stack.sh up` with other ports and another data folder starts
// its own Temporal, FerretDB and stripe-mock next to the stack the tests use,
// every socket its processes listen on is on 127.0.0.1, and `down` stops
// exactly the second stack.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { MongoClient } from 'mongodb';
import { isLoopback, listeningSockets, processTree } from '../support/listening-sockets';
import { projectRoot, stackSettings } from '../support/stack-settings';

interface StackAddresses {
  readonly temporalAddress: string;
  readonly mongodbUrl: string;
  readonly stripeUrl: string;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function stack(command: 'up' | 'down' | 'status', env: NodeJS.ProcessEnv): string {
  return execFileSync(join(projectRoot, 'scripts', 'stack.sh'), [command], { env, encoding: 'utf8', timeout: 150_000 });
}

/** Each service answers a real client: a Temporal system-info call, a MongoDB ping, a Stripe API list. */
async function answers(stackAddresses: StackAddresses): Promise<Record<string, boolean>> {
  const temporal = async () => {
    const connection = await Connection.connect({ address: stackAddresses.temporalAddress, connectTimeout: '5s' });
    try {
      return (await connection.workflowService.getSystemInfo({})).serverVersion !== undefined;
    } finally {
      await connection.close();
    }
  };
  const mongo = async () => {
    const client = new MongoClient(stackAddresses.mongodbUrl, { serverSelectionTimeoutMS: 5_000, retryWrites: false });
    try {
      await client.connect();
      return (await client.db('admin').command({ ping: 1 })).ok === 1;
    } finally {
      await client.close();
    }
  };
  const stripe = async () => {
    const response = await fetch(`${stackAddresses.stripeUrl}/v1/customers?limit=1`, { headers: { authorization: 'Bearer sk_test_123' } });
    return response.ok;
  };
  const settle = (check: () => Promise<boolean>) => check().catch(() => false);
  return { temporal: await settle(temporal), ferretdb: await settle(mongo), 'stripe-mock': await settle(stripe) };
}

const allAnswer = { temporal: true, ferretdb: true, 'stripe-mock': true };

function stackPids(directory: string): number[] {
  const pids = join(directory, 'pids');
  if (!existsSync(pids)) return [];
  return readdirSync(pids).map((file) => Number(readFileSync(join(pids, file), 'utf8').trim()));
}

/** Gone, or a zombie waiting for a parent that does not reap it: either way it holds no socket. */
function running(pid: number): boolean {
  const stat = existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, 'utf8') : '';
  return stat !== '' && stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
}

describe('a second local stack beside the one the tests use', () => {
  const directory = mkdtempSync(join(tmpdir(), 'tally-stack-'));
  const first = stackSettings();
  const firstAddresses: StackAddresses = {
    temporalAddress: first.temporalAddress,
    mongodbUrl: first.mongodbUrl,
    stripeUrl: `${first.stripeApiProtocol}://${first.stripeApiHost}:${first.stripeApiPort}`,
  };
  let ports: Record<'temporal' | 'temporalUi' | 'temporalHttp' | 'temporalMetrics' | 'ferretdb' | 'stripeMock', number>;
  let env: NodeJS.ProcessEnv;
  let secondAddresses: StackAddresses;
  let secondPids: number[] = [];

  beforeAll(async () => {
    const [temporal, temporalUi, temporalHttp, temporalMetrics, ferretdb, stripeMock] = await Promise.all(Array.from({ length: 6 }, freePort));
    ports = { temporal, temporalUi, temporalHttp, temporalMetrics, ferretdb, stripeMock };
    env = {
      ...process.env,
      TALLY_STACK_DIR: directory,
      TALLY_TEMPORAL_PORT: String(temporal),
      TALLY_TEMPORAL_UI_PORT: String(temporalUi),
      TALLY_TEMPORAL_HTTP_PORT: String(temporalHttp),
      TALLY_TEMPORAL_METRICS_PORT: String(temporalMetrics),
      TALLY_FERRETDB_PORT: String(ferretdb),
      TALLY_STRIPE_MOCK_PORT: String(stripeMock),
    };
    secondAddresses = { temporalAddress: `127.0.0.1:${temporal}`, mongodbUrl: `mongodb://127.0.0.1:${ferretdb}`, stripeUrl: `http://127.0.0.1:${stripeMock}` };
    process.stdout.write(stack('up', env));
    secondPids = stackPids(directory);
  }, 180_000);

  afterAll(() => {
    // Only when a step failed before `down` ran: the second stack must not outlive the test.
    if (secondPids.some(running)) stack('down', env);
    rmSync(directory, { recursive: true, force: true });
  });

  it('starts with its own processes and settings in its own data folder, and both stacks answer', async () => {
    expect(secondPids).toHaveLength(3);
    expect(readFileSync(join(directory, 'stack.env'), 'utf8')).toContain(`MONGODB_URL=${secondAddresses.mongodbUrl}`);
    expect(await answers(secondAddresses)).toEqual(allAnswer);
    expect(await answers(firstAddresses)).toEqual(allAnswer);
  }, 60_000);

  it('listens on 127.0.0.1 only, on the ports it was given', () => {
    const sockets = listeningSockets(secondPids.flatMap(processTree));
    const outsideLoopback = sockets.filter((socket) => !isLoopback(socket.address));
    expect(outsideLoopback).toEqual([]);
    const listeningPorts = new Set(sockets.map((socket) => socket.port));
    for (const [service, port] of Object.entries(ports)) expect({ service, listening: listeningPorts.has(port) }).toEqual({ service, listening: true });
    // stripe-mock's HTTPS listener is a socket file in the stack's own folder, not a port.
    expect(existsSync(join(directory, 'stripe-mock-https.sock'))).toBe(true);
  });

  it('stops exactly its own processes; the first stack keeps answering', async () => {
    stack('down', env);
    expect(secondPids.filter(running)).toEqual([]);
    expect(await answers(secondAddresses)).toEqual({ temporal: false, ferretdb: false, 'stripe-mock': false });
    expect(await answers(firstAddresses)).toEqual(allAnswer);
  }, 60_000);
});
