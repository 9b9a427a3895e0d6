// Where the local stack listens, for tests: environment variables win, then the
// stack's TALLY_*_PORT variables, then the settings file that `scripts/stack.sh up`
// writes, then the stack's defaults.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const projectRoot = join(__dirname, '..', '..');
/** The stack's data folder, as scripts/stack.sh finds it: TALLY_STACK_DIR (relative to the project root) or .data. */
export const stackDirectory = resolve(projectRoot, process.env.TALLY_STACK_DIR || '.data');
export const stackEnvFile = join(stackDirectory, 'stack.env');

export interface StackSettings {
  readonly temporalAddress: string;
  readonly temporalNamespace: string;
  readonly temporalTestServerPath: string;
  readonly mongodbUrl: string;
  readonly stripeApiHost: string;
  readonly stripeApiPort: number;
  readonly stripeApiProtocol: 'http' | 'https';
}

function readEnvFile(path: string): Record<string, string> {
  if (!existsSync(path)) return {};
  const entries: Record<string, string> = {};
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (match) entries[match[1]] = match[2];
  }
  return entries;
}

/**
 * The ports scripts/stack.sh is told to use: they name the stack this run starts, so they
 * win over a settings file left by an earlier stack, and over the defaults another clone's
 * stack may be answering on.
 */
function fromStackPorts(): Record<string, string> {
  const env = process.env;
  const entries: Record<string, string> = {};
  if (env.TALLY_TEMPORAL_PORT) entries.TEMPORAL_ADDRESS = `127.0.0.1:${env.TALLY_TEMPORAL_PORT}`;
  if (env.TALLY_FERRETDB_PORT) entries.MONGODB_URL = `mongodb://127.0.0.1:${env.TALLY_FERRETDB_PORT}`;
  if (env.TALLY_STRIPE_MOCK_PORT) Object.assign(entries, { STRIPE_API_HOST: '127.0.0.1', STRIPE_API_PORT: env.TALLY_STRIPE_MOCK_PORT, STRIPE_API_PROTOCOL: 'http' });
  return entries;
}

export function stackSettings(): StackSettings {
  const file = readEnvFile(stackEnvFile);
  const ports = fromStackPorts();
  const value = (key: string, fallback: string): string => process.env[key] ?? ports[key] ?? file[key] ?? fallback;
  return {
    temporalAddress: value('TEMPORAL_ADDRESS', '127.0.0.1:7233'),
    temporalNamespace: value('TEMPORAL_NAMESPACE', 'default'),
    temporalTestServerPath: value(
      'TEMPORAL_TEST_SERVER_PATH',
      join(projectRoot, '.tools', 'venv', 'bin', 'temporal-test-server'),
    ),
    mongodbUrl: value('MONGODB_URL', 'mongodb://127.0.0.1:27017'),
    stripeApiHost: value('STRIPE_API_HOST', '127.0.0.1'),
    stripeApiPort: Number(value('STRIPE_API_PORT', '12111')),
    stripeApiProtocol: value('STRIPE_API_PROTOCOL', 'http') === 'https' ? 'https' : 'http',
  };
}

/**
 * The environment `tally` processes (serve, projector, worker) need to run on
 * the local stack, each test with its own store, database and task queue.
 */
export function tallyProcessEnvironment(own: { storePath: string; database: string; taskQueue: string }) {
  const settings = stackSettings();
  return {
    TALLY_EVENT_STORE_PATH: own.storePath,
    MONGODB_URL: settings.mongodbUrl,
    MONGODB_DATABASE: own.database,
    TEMPORAL_ADDRESS: settings.temporalAddress,
    TEMPORAL_NAMESPACE: settings.temporalNamespace,
    TEMPORAL_TASK_QUEUE: own.taskQueue,
    // stripe-mock accepts any test key.
    STRIPE_API_KEY: 'sk_test_123',
    STRIPE_API_HOST: settings.stripeApiHost,
    STRIPE_API_PORT: String(settings.stripeApiPort),
    STRIPE_API_PROTOCOL: settings.stripeApiProtocol,
  };
}
