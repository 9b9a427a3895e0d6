// Load on the running API (`tally serve` in its own process, on the SQLite
// event store) with autocannon, 16 organizations:
//   bulk     POST /api/usage/track/bulk, 500 events a request, 8 connections   target ≥ 30,000 events/s
//   single   POST /api/usage/track, 64 connections                             target ≥ 3,000 req/s, p99 < 50 ms
//   quota    GET /api/usage/:orgId/quota/:feature, 32 connections, no cache    target ≥ 30% of the bare server's req/s, p99 < 5 ms
//   enforce  POST /api/usage/track of 1 unit against one hard quota of 100,000, 64 connections, 110,000 requests
//            target: exactly 100,000 accepted (and stored), the rest refused with 403 quota-exceeded
// Beside each scenario, the same run measures a bare Node.js HTTP server that
// answers a fixed JSON body (bench/support/bare-json-server.ts), with the same
// autocannon settings, requests and connections, right after the scenario:
// the machine's ceiling at that moment, and Tally's share of it.
// Each scenario gets a fresh process, store and database. Requests look like
// the SDK's: each event carries an idempotency key and a timestamp. After each
// run the usage events in the log are counted against the acknowledged ones:
// an acknowledgement must mean the event is stored.
//   npx tsx bench/api.bench.ts [--scenario all|bulk|single|quota|enforce] [--duration 15] [--hard-quota 100000] [--cpu-prof]
// --cpu-prof writes the API process's profiles to .data/profiles/. Needs the
// local stack (scripts/stack.sh up). The load generator, FerretDB and the API
// share this machine's cores, and anything else running skews the figures:
// the load average is printed with them.
import { execFileSync } from 'node:child_process';
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
import { startBareServer } from './support/bare-server-process';

type Scenario = 'bulk' | 'single' | 'quota' | 'enforce';

interface Organization {
  readonly organizationId: string;
  readonly apiKey: string;
}

/** One autocannon measurement of one server. */
interface Measurement {
  readonly seconds: number;
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly ok: number;
  readonly refused: number;
  readonly failed: number;
  /** CPU the server process used, in cores (1.0 = one core busy all the time). */
  readonly serverCores: number;
  /** CPU this process (autocannon) used, in cores. */
  readonly loadGeneratorCores: number;
}

interface Figures {
  readonly scenario: Scenario;
  readonly connections: number;
  readonly tally: Measurement;
  readonly bare: Measurement;
  readonly eventsPerSecond: number;
  /** Usage events the log holds for the measured organizations, and how many were acknowledged while measured. */
  readonly stored: number;
  readonly acknowledged: number;
  /** What the API's own quota check says was used, for `enforce`. */
  readonly quotaUsed?: number;
  readonly target: string;
  readonly met: boolean;
}

const { values: args } = parseArgs({
  options: {
    scenario: { type: 'string', default: 'all' },
    duration: { type: 'string', default: '15' },
    organizations: { type: 'string', default: '16' },
    'hard-quota': { type: 'string', default: '100000' },
    'cpu-prof': { type: 'boolean', default: false },
  },
});
const HARD_QUOTA = Number(args['hard-quota']);
// Requests beyond the hard quota in `enforce`: each must be refused.
const ENFORCE_EXTRA = Math.ceil(HARD_QUOTA / 10);
const duration = Number(args.duration);
const organizationCount = Number(args.organizations);
const scenarios: Scenario[] = args.scenario === 'all' ? ['bulk', 'single', 'quota', 'enforce'] : [args.scenario as Scenario];

async function call(url: string, key: string, method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as Record<string, unknown>;
}

/** An organization with a key and an API_CALL quota, as an operator would create it. */
async function createOrganization(api: ApiProcess, adminKey: string, organizationId: string, quota: Record<string, unknown>): Promise<Organization> {
  await call(api.url, adminKey, 'POST', '/api/organizations', { organizationId, name: organizationId });
  const { apiKey } = (await call(api.url, adminKey, 'POST', `/api/organizations/${organizationId}/api-keys`, {})) as { apiKey: string };
  await call(api.url, apiKey, 'POST', `/api/usage/${organizationId}/quota`, { feature: 'API_CALL', pricePerUnit: '0.1', ...quota });
  return { organizationId, apiKey };
}

async function createOrganizations(api: ApiProcess, adminKey: string): Promise<Organization[]> {
  const organizations = [];
  for (let index = 0; index < organizationCount; index++) {
    organizations.push(await createOrganization(api, adminKey, `org_bench_${index}`, { includedQuantity: 1_000_000 }));
  }
  return organizations;
}

let sequence = 0;
const usageItem = () => ({ feature: 'API_CALL', quantity: 1, idempotencyKey: `bench-${++sequence}`, timestamp: new Date().toISOString() });

function requestsFor(scenario: Scenario, organizations: readonly Organization[]): autocannon.Request[] {
  // One request template per organization; autocannon cycles through them on each connection.
  return organizations.map(({ organizationId, apiKey }) => {
    const headers = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };
    if (scenario === 'quota') return { method: 'GET', path: `/api/usage/${organizationId}/quota/API_CALL`, headers: { authorization: headers.authorization } };
    if (scenario === 'single' || scenario === 'enforce') {
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

interface Load {
  readonly connections: number;
  /** Stop after this many requests instead of after `duration` seconds. */
  readonly amount?: number;
}

const SETTINGS: Record<Scenario, { load: Load; eventsPerRequest: number; target: (f: Omit<Figures, 'target' | 'met'>) => [string, boolean] }> = {
  bulk: { load: { connections: 8 }, eventsPerRequest: 500, target: (f) => ['≥ 30,000 events/s', f.eventsPerSecond >= 30_000] },
  single: { load: { connections: 64 }, eventsPerRequest: 1, target: (f) => ['≥ 3,000 req/s, p99 < 50 ms', f.tally.requestsPerSecond >= 3_000 && f.tally.p99Ms < 50] },
  quota: {
    load: { connections: 32 },
    eventsPerRequest: 0,
    target: (f) => ["≥ 30% of the bare server's req/s, p99 < 5 ms", f.tally.requestsPerSecond >= 0.3 * f.bare.requestsPerSecond && f.tally.p99Ms < 5],
  },
  enforce: {
    load: { connections: 64, amount: HARD_QUOTA + ENFORCE_EXTRA },
    eventsPerRequest: 1,
    target: (f) => [
      `exactly ${HARD_QUOTA.toLocaleString('en-US')} accepted and stored, ${ENFORCE_EXTRA.toLocaleString('en-US')} refused`,
      f.tally.ok === HARD_QUOTA && f.stored === HARD_QUOTA && f.quotaUsed === HARD_QUOTA && f.tally.refused === ENFORCE_EXTRA && f.tally.failed === 0,
    ],
  },
};

/** A short warm-up (so the JIT and caches are settled), then the measurement, with the CPU both sides used. */
async function measure(url: string, pid: number, load: Load, requests: autocannon.Request[], warmUp: autocannon.Request[] = requests): Promise<Measurement> {
  const { connections, amount } = load;
  await autocannon({ url, connections, duration: 2, requests: warmUp });
  const serverCpuBefore = processCpuSeconds(pid);
  const ownCpuBefore = process.cpuUsage();
  const started = performance.now();
  const result = await autocannon({ url, connections, requests, ...(amount === undefined ? { duration } : { amount }) });
  // Timed here: autocannon reports a run of a fixed number of requests in whole seconds.
  const seconds = (performance.now() - started) / 1000;
  const serverCores = (processCpuSeconds(pid) - serverCpuBefore) / seconds;
  const ownCpu = process.cpuUsage(ownCpuBefore);
  const refused = result.statusCodeStats?.['403']?.count ?? 0;
  return {
    seconds,
    requestsPerSecond: Math.round((result['2xx'] + refused) / seconds),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    ok: result['2xx'],
    refused,
    failed: result.non2xx - refused + result.errors + result.timeouts,
    serverCores: round2(serverCores),
    loadGeneratorCores: round2((ownCpu.user + ownCpu.system) / 1e6 / seconds),
  };
}

/** The bare server under the very same load, right after the scenario. */
async function measureBare(load: Load, requests: autocannon.Request[]): Promise<Measurement> {
  const bare = await startBareServer();
  try {
    return await measure(bare.url, bare.pid, load, requests);
  } finally {
    await bare.stop();
  }
}

/** Each scenario gets a fresh API process, event store and database, so one scenario's backlog cannot slow the next. */
async function runScenario(scenario: Scenario): Promise<Figures> {
  const { load, eventsPerRequest, target } = SETTINGS[scenario];
  const directory = mkdtempSync(join(tmpdir(), 'tally-api-bench-'));
  const storePath = join(directory, 'events.sqlite');
  const database = `tally_bench_${randomUUID().slice(0, 8)}`;
  const adminKey = randomBytes(24).toString('hex');
  const mongodbUrl = stackSettings().mongodbUrl;
  const api = await startApiProcess(
    // Tracking and quota checks need no read models (the checks are answered by the write side): no projector runs.
    { TALLY_ADMIN_KEY: adminKey, TALLY_EVENT_STORE_PATH: storePath, MONGODB_URL: mongodbUrl, MONGODB_DATABASE: database, TALLY_EMBEDDED_PROJECTOR: 'false' },
    args['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${join(process.cwd(), '.data', 'profiles')}`, `--cpu-prof-name=${scenario}.cpuprofile`] : [],
  );
  let tally: Measurement;
  let measured: Organization[];
  let requests: autocannon.Request[];
  let quotaUsed: number | undefined;
  try {
    const organizations = await createOrganizations(api, adminKey);
    if (scenario === 'enforce') {
      // Warm up on soft quotas, then measure against one organization's hard quota, which nothing else touches.
      const limited = await createOrganization(api, adminKey, 'org_bench_hard', { includedQuantity: HARD_QUOTA, enforcement: 'hard' });
      measured = [limited];
      requests = requestsFor(scenario, measured);
      tally = await measure(api.url, api.pid, load, requests, requestsFor(scenario, organizations));
      const check = await call(api.url, limited.apiKey, 'GET', `/api/usage/${limited.organizationId}/quota/API_CALL`);
      quotaUsed = check.used as number;
    } else {
      if (scenario === 'quota') await recordSomeUsage(api, organizations);
      measured = organizations;
      requests = requestsFor(scenario, measured);
      tally = await measure(api.url, api.pid, load, requests);
    }
  } finally {
    await api.stop();
  }
  const bare = await measureBare(load, requests);

  const store = SqliteEventStore.open(storePath);
  const stored = await countUsage(store, scenario === 'enforce' ? new Set(measured.map((o) => o.organizationId)) : undefined);
  await store.close();
  const client = await MongoClient.connect(mongodbUrl);
  await client.db(database).dropDatabase();
  await client.close();
  rmSync(directory, { recursive: true, force: true });
  await settle();

  const figures = {
    scenario,
    connections: load.connections,
    tally,
    bare,
    eventsPerSecond: Math.round((tally.ok * eventsPerRequest) / tally.seconds),
    stored,
    acknowledged: tally.ok * eventsPerRequest,
    quotaUsed,
  };
  const [targetText, met] = target(figures);
  return { ...figures, target: targetText, met };
}

/**
 * Lets the machine finish what a scenario left behind (the kernel writing back
 * and freeing a store of a million events, the load generator's garbage) before
 * the next one, so a scenario is not measured against the previous one's tail.
 */
async function settle(): Promise<void> {
  execFileSync('sync');
  (globalThis as { gc?: () => void }).gc?.();
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
}

const SETTLE_MS = 5_000;

/** Usage in every organization, so each quota check has a window with usage to read. */
async function recordSomeUsage(api: ApiProcess, organizations: readonly Organization[]): Promise<void> {
  for (const { organizationId, apiKey } of organizations) {
    await call(api.url, apiKey, 'POST', '/api/usage/track/bulk', { organizationId, items: Array.from({ length: 100 }, usageItem) });
  }
}

const number = (value: number) => value.toLocaleString('en-US');
const round2 = (value: number) => Math.round(value * 100) / 100;

function measurementLine(name: string, m: Measurement): string {
  return `${name} ${number(m.requestsPerSecond).padStart(7)} req/s  p50 ${m.p50Ms} ms  p99 ${m.p99Ms} ms  CPU server ${m.serverCores} autocannon ${m.loadGeneratorCores}`;
}

async function main(): Promise<void> {
  const loadAtStart = loadavg();
  const results = [];
  for (const scenario of scenarios) results.push(await runScenario(scenario));
  const loadAtEnd = loadavg();
  console.log(`API benchmark: tally serve on SQLite (WAL, synchronous=FULL); ${cpus().length} cores shared by the server, FerretDB and autocannon; ${duration} s per scenario`);
  console.log(`  load average at start: ${loadAtStart.map((l) => l.toFixed(2)).join(' ')}; at end: ${loadAtEnd.map((l) => l.toFixed(2)).join(' ')}`);
  for (const f of results) {
    const ratio = f.tally.requestsPerSecond / Math.max(f.bare.requestsPerSecond, 1);
    console.log(`  ${f.scenario.padEnd(7)} ${String(f.connections).padStart(3)} conn${f.eventsPerSecond > 0 ? `  ${number(f.eventsPerSecond)} events/s` : ''}`);
    console.log(`    ${measurementLine('tally', f.tally)}  failed ${f.tally.failed}`);
    console.log(`    ${measurementLine('bare ', f.bare)}`);
    console.log(`    tally answers ${(ratio * 100).toFixed(1)}% of the bare server's requests per second`);
    if (f.scenario === 'enforce') {
      console.log(
        `    accepted ${number(f.tally.ok)}, refused ${number(f.tally.refused)} (403 quota-exceeded), failed ${f.tally.failed}; ` +
          `usage events stored for the organization ${number(f.stored)}; its quota check says used ${number(f.quotaUsed ?? 0)}`,
      );
    }
    console.log(`    target ${f.target}: ${f.met ? 'met' : 'MISSED'}`);
  }
  for (const f of results.filter((r) => r.acknowledged > 0)) {
    // Warm-up requests are acknowledged too, so the log holds at least what was measured.
    console.log(`  durability (${f.scenario}): ${number(f.stored)} usage events in the log ≥ ${number(f.acknowledged)} acknowledged while measured`);
    if (f.stored < f.acknowledged) throw new Error(`${f.scenario}: fewer events stored than acknowledged`);
  }
}

/** User + system CPU seconds of a process so far, from /proc (Linux). */
function processCpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  // utime and stime are fields 14 and 15 of stat, in clock ticks (100 per second on Linux).
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Usage events in the log, of every organization or of those named. */
async function countUsage(store: SqliteEventStore, organizations?: ReadonlySet<string>): Promise<number> {
  let count = 0;
  let after: bigint | undefined;
  for (;;) {
    const page = await store.readAll({ fromPosition: after, maxCount: 10_000 });
    if (page.length === 0) return count;
    for (const event of page) {
      if (event.type !== 'UsageRecorded') continue;
      if (!organizations || organizations.has(event.data.organizationId as string)) count += 1;
    }
    after = page[page.length - 1].position;
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
