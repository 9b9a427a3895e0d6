// Load on the running API (`tally serve` in its own process, on the SQLite
// event store, FerretDB from the local stack) with autocannon, 16 organizations:
//   bulk    POST /api/usage/track/bulk, 500 events a request, 8 connections   target ≥ 30,000 events/s
//   single  POST /api/usage/track, 64 connections                             target ≥ 3,000 req/s, p99 < 50 ms
//   quota   GET /api/usage/:orgId/quota/:feature, 32 connections              target ≥ 5,000 req/s, p99 < 20 ms
// Each scenario gets a fresh process, store and database. Requests look like
// the SDK's: each event carries an idempotency key and a timestamp. After each
// run the usage events in the log are counted against the acknowledged ones:
// an acknowledgement must mean the event is stored.
//   npx tsx bench/api.bench.ts [--scenario all|bulk|single|quota] [--duration 15] [--cpu-prof]
// --cpu-prof writes the API process's profiles to .data/profiles/. Needs the
// local stack (scripts/stack.sh up). The load generator, FerretDB and the API
// share this machine's cores, and anything else running skews the figures:
// the load average is printed with them.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { MongoClient } from 'mongodb';
import { SqliteEventStore } from '../src/infrastructure/eventstore/sqlite-event-store';
import { stackSettings } from '../test/support/stack-settings';
import { startApiProcess, type ApiProcess } from '../test/support/api-process';

type Scenario = 'bulk' | 'single' | 'quota';

interface Figures {
  readonly scenario: Scenario;
  readonly connections: number;
  readonly requestsPerSecond: number;
  readonly eventsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly ok: number;
  readonly failed: number;
  /** CPU the API process used, in cores (1.0 = one core busy all the time). */
  readonly apiCores: number;
  /** CPU this process (autocannon) used, in cores. */
  readonly loadGeneratorCores: number;
  readonly target: string;
  readonly met: boolean;
}

const { values: args } = parseArgs({
  options: {
    scenario: { type: 'string', default: 'all' },
    duration: { type: 'string', default: '15' },
    organizations: { type: 'string', default: '16' },
    'cpu-prof': { type: 'boolean', default: false },
  },
});
const duration = Number(args.duration);
const organizationCount = Number(args.organizations);
const scenarios: Scenario[] = args.scenario === 'all' ? ['bulk', 'single', 'quota'] : [args.scenario as Scenario];

async function call(url: string, key: string, method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as Record<string, unknown>;
}

/** Organizations with a key each, as an operator would create them. */
async function createOrganizations(api: ApiProcess, adminKey: string): Promise<{ organizationId: string; apiKey: string }[]> {
  const organizations = [];
  for (let index = 0; index < organizationCount; index++) {
    const organizationId = `org_bench_${index}`;
    await call(api.url, adminKey, 'POST', '/api/organizations', { organizationId, name: `Bench ${index}` });
    const { apiKey } = (await call(api.url, adminKey, 'POST', `/api/organizations/${organizationId}/api-keys`, {})) as { apiKey: string };
    await call(api.url, apiKey, 'POST', `/api/usage/${organizationId}/quota`, { feature: 'API_CALL', includedQuantity: 1_000_000, pricePerUnit: '0.1' });
    organizations.push({ organizationId, apiKey });
  }
  return organizations;
}

let sequence = 0;
const usageItem = () => ({ feature: 'API_CALL', quantity: 1, idempotencyKey: `bench-${++sequence}`, timestamp: new Date().toISOString() });

function requestsFor(scenario: Scenario, organizations: { organizationId: string; apiKey: string }[]): autocannon.Request[] {
  // One request template per organization; autocannon cycles through them on each connection.
  return organizations.map(({ organizationId, apiKey }) => {
    const headers = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };
    if (scenario === 'quota') return { method: 'GET', path: `/api/usage/${organizationId}/quota/API_CALL`, headers: { authorization: headers.authorization } };
    if (scenario === 'single') {
      return { method: 'POST', path: '/api/usage/track', headers, setupRequest: (request) => ({ ...request, body: JSON.stringify({ organizationId, ...usageItem() }) }) };
    }
    return {
      method: 'POST',
      path: '/api/usage/track/bulk',
      headers,
      setupRequest: (request) => ({ ...request, body: JSON.stringify({ organizationId, items: Array.from({ length: 500 }, usageItem) }) }),
    };
  });
}

const SETTINGS: Record<Scenario, { connections: number; eventsPerRequest: number; target: (f: Omit<Figures, 'target' | 'met'>) => [string, boolean] }> = {
  bulk: { connections: 8, eventsPerRequest: 500, target: (f) => ['≥ 30,000 events/s', f.eventsPerSecond >= 30_000] },
  single: { connections: 64, eventsPerRequest: 1, target: (f) => ['≥ 3,000 req/s, p99 < 50 ms', f.requestsPerSecond >= 3_000 && f.p99Ms < 50] },
  quota: { connections: 32, eventsPerRequest: 0, target: (f) => ['≥ 5,000 req/s, p99 < 20 ms', f.requestsPerSecond >= 5_000 && f.p99Ms < 20] },
};

async function run(scenario: Scenario, api: ApiProcess, organizations: { organizationId: string; apiKey: string }[]): Promise<Figures> {
  const { connections, eventsPerRequest, target } = SETTINGS[scenario];
  const requests = requestsFor(scenario, organizations);
  // A short warm-up so the JIT and caches are settled before measuring.
  await autocannon({ url: api.url, connections, duration: 2, requests });
  const apiCpuBefore = processCpuSeconds(api.pid);
  const ownCpuBefore = process.cpuUsage();
  const result = await autocannon({ url: api.url, connections, duration, requests });
  const apiCores = (processCpuSeconds(api.pid) - apiCpuBefore) / result.duration;
  const ownCpu = process.cpuUsage(ownCpuBefore);
  const loadGeneratorCores = (ownCpu.user + ownCpu.system) / 1e6 / result.duration;
  const ok = result['2xx'];
  const figures = {
    scenario,
    connections,
    requestsPerSecond: Math.round(ok / result.duration),
    eventsPerSecond: Math.round((ok * eventsPerRequest) / result.duration),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    ok,
    failed: result.non2xx + result.errors + result.timeouts,
    apiCores: Math.round(apiCores * 100) / 100,
    loadGeneratorCores: Math.round(loadGeneratorCores * 100) / 100,
  };
  const [targetText, met] = target(figures);
  return { ...figures, target: targetText, met };
}

/** Each scenario gets a fresh API process, event store and database, so one scenario's backlog cannot slow the next. */
async function runScenario(scenario: Scenario): Promise<Figures & { stored: number; acknowledged: number }> {
  const directory = mkdtempSync(join(tmpdir(), 'tally-api-bench-'));
  const storePath = join(directory, 'events.sqlite');
  const database = `tally_bench_${randomUUID().slice(0, 8)}`;
  const adminKey = randomBytes(24).toString('hex');
  const mongodbUrl = stackSettings().mongodbUrl;
  const api = await startApiProcess(
    {
      TALLY_ADMIN_KEY: adminKey,
      TALLY_EVENT_STORE_PATH: storePath,
      MONGODB_URL: mongodbUrl,
      MONGODB_DATABASE: database,
      // Quota checks read the read models, so a projector keeps them; tracking does not need one
      // (in production it is its own process, `tally projector`).
      TALLY_EMBEDDED_PROJECTOR: scenario === 'quota' ? 'true' : 'false',
    },
    args['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${join(process.cwd(), '.data', 'profiles')}`, `--cpu-prof-name=${scenario}.cpuprofile`] : [],
  );
  let figures: Figures;
  try {
    const organizations = await createOrganizations(api, adminKey);
    if (scenario === 'quota') await recordSomeUsage(api, organizations);
    figures = await run(scenario, api, organizations);
  } finally {
    await api.stop();
  }
  const store = SqliteEventStore.open(storePath);
  const stored = await countUsage(store);
  await store.close();
  const client = await MongoClient.connect(mongodbUrl);
  await client.db(database).dropDatabase();
  await client.close();
  rmSync(directory, { recursive: true, force: true });
  return { ...figures, stored, acknowledged: figures.ok * SETTINGS[scenario].eventsPerRequest };
}

/** Usage in every organization, projected, so each quota check has windows to read. */
async function recordSomeUsage(api: ApiProcess, organizations: { organizationId: string; apiKey: string }[]): Promise<void> {
  for (const { organizationId, apiKey } of organizations) {
    const { position } = (await call(api.url, apiKey, 'POST', '/api/usage/track/bulk', { organizationId, items: Array.from({ length: 100 }, usageItem) })) as { position: string };
    await call(api.url, apiKey, 'GET', `/api/usage/${organizationId}/quota/API_CALL?waitForPosition=${position}`);
  }
}

async function main(): Promise<void> {
  const loadAtStart = loadavg();
  const results = [];
  for (const scenario of scenarios) results.push(await runScenario(scenario));
  console.log(`API benchmark: tally serve on SQLite (WAL, synchronous=FULL) + FerretDB; ${cpus().length} cores shared by the API, FerretDB and autocannon; ${duration} s per scenario`);
  console.log(`  load average at start: ${loadAtStart.map((l) => l.toFixed(2)).join(' ')}`);
  for (const f of results) {
    console.log(
      `  ${f.scenario.padEnd(6)} ${String(f.connections).padStart(3)} conn  ${f.requestsPerSecond.toLocaleString('en-US').padStart(7)} req/s` +
        `${f.eventsPerSecond > 0 ? `  ${f.eventsPerSecond.toLocaleString('en-US').padStart(7)} events/s` : ''.padEnd(18)}` +
        `  p50 ${f.p50Ms} ms  p99 ${f.p99Ms} ms  failed ${f.failed}  CPU api ${f.apiCores} autocannon ${f.loadGeneratorCores}` +
        `  target ${f.target}: ${f.met ? 'met' : 'MISSED'}`,
    );
  }
  for (const f of results.filter((r) => r.acknowledged > 0)) {
    // Warm-up requests are acknowledged too, so the log holds at least what was measured.
    console.log(`  durability (${f.scenario}): ${f.stored.toLocaleString('en-US')} usage events in the log ≥ ${f.acknowledged.toLocaleString('en-US')} acknowledged while measured`);
    if (f.stored < f.acknowledged) throw new Error(`${f.scenario}: fewer events stored than acknowledged`);
  }
}

/** User + system CPU seconds of a process so far, from /proc (Linux). */
function processCpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  // utime and stime are fields 14 and 15 of stat, in clock ticks (100 per second on Linux).
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function countUsage(store: SqliteEventStore): Promise<number> {
  let count = 0;
  let after: bigint | undefined;
  for (;;) {
    const page = await store.readAll({ fromPosition: after, maxCount: 10_000 });
    if (page.length === 0) return count;
    for (const event of page) if (event.type === 'UsageRecorded') count += 1;
    after = page[page.length - 1].position;
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
