// Tally at scale: a log of 5,000,000 usage events over 10,000 organizations,
// one of which holds 1,000,000 events with 30% retried duplicates, projected
// into the read models; then the costs that must follow the work asked for,
// not the organization's history, measured on the real processes (`tally
// serve` and `tally projector`, built, each in its own process):
//   cold first write for the large organization after a restart   p99 < 100 ms
//   another tenant's quota check while the large audit runs        p99 < 20 ms
//   audit of the large organization's period                       < 10 s, API RSS < 500 MB
//   tally serve RSS after the whole load                           < 1 GB
//   tally projector RSS while following                            steady (no growth)
//   current-usage and quota queries on a small organization        p99 < 20 ms
//   projector lag while tracking 5,000 events/s                    < 2 s
// Baselines from the same run: the raw store append rate while the log is
// built, and a bare Node http server under the same request loop.
//   npx tsx bench/scale.bench.ts [--scale 1] [--restarts 10] [--query-seconds 10] [--connections 2] [--projection-minutes 20] [--follow-events N] [--cpu-prof]
// --scale 0.02 runs at 2% of the sizes (a few minutes); --follow-events sets how
// many events are tracked while the projector follows (1,000,000 × scale, at
// least 50,000); --cpu-prof writes the processes' CPU profiles to
// .data/profiles/. Needs the local stack (scripts/stack.sh up), or MONGODB_URL
// naming another MongoDB. Exits 0 when targets are missed (they say MISSED),
// non-zero on errors: an audit that disagrees, a retry not answered as a
// duplicate, a projection that cannot finish in --projection-minutes.
import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { billingPeriodAt, DEFAULT_BILLING_SETTINGS, periodKey } from '../src/domain/periods';
import { organizationStreamId } from '../src/domain/events';
import { SqliteEventStore } from '../src/infrastructure/eventstore/sqlite-event-store';
import type { Db } from 'mongodb';
import { connectMongo } from '../src/read-side/mongo/mongo-connection';
import { COLLECTIONS } from '../src/read-side/mongo/read-model-documents';
import { billingPeriodDocumentId } from '../src/read-side/usage-documents';
import { stackSettings } from '../test/support/stack-settings';
import { startBareHttpServer } from './support/bare-http-server';
import { CheckpointWatch } from './support/checkpoint-watch';
import { latencyWhile, percentile, summarize, type LatencyFigures } from './support/latency-loop';
import { trackAtRate } from './support/paced-tracking';
import { maxRss, MemorySampler, residentMemory, type MemorySample } from './support/process-memory';
import { writeScaleLog, type ScaleLog } from './support/scale-log';
import { count, mb, ms, rate, ScaleReport } from './support/scale-report';
import { startTally, type TallyProcess } from './support/tally-process';

const { values: args } = parseArgs({
  options: {
    scale: { type: 'string', default: '1' },
    restarts: { type: 'string', default: '10' },
    'query-seconds': { type: 'string', default: '10' },
    connections: { type: 'string', default: '2' },
    'projection-minutes': { type: 'string', default: '20' },
    'follow-events': { type: 'string' },
    'cpu-prof': { type: 'boolean', default: false },
  },
});
const SCALE = Number(args.scale);
if (!(SCALE > 0 && SCALE <= 1)) throw new Error('--scale must be a number in (0, 1]');
const RESTARTS = Number(args.restarts);
const QUERY_SECONDS = Number(args['query-seconds']);
const CONNECTIONS = Number(args.connections);
// The whole run must fit in 30 minutes; a projection slower than this is reported as an error, not waited for.
const PROJECTION_MINUTES = Number(args['projection-minutes']);
const scaled = (size: number) => Math.max(1, Math.round(size * SCALE));

const SIZES = {
  usageEvents: scaled(5_000_000),
  organizations: Math.max(2, scaled(10_000)),
  largeOrganizationEvents: scaled(1_000_000),
  // Tracked through the API while the projector follows: at least 10 s of it, whatever the scale.
  followedEvents: args['follow-events'] === undefined ? Math.max(50_000, scaled(1_000_000)) : Number(args['follow-events']),
};
const FOLLOW_RATE = 5_000;
const root = join(__dirname, '..');
const report = new ScaleReport();
const failures: string[] = [];
const running = new Set<TallyProcess>();

const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
const seconds = (from: number) => (performance.now() - from) / 1000;

async function call<T>(url: string, key: string, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as T;
}

function check(ok: boolean, failure: string): void {
  if (ok) return;
  failures.push(failure);
  console.log(`  ERROR: ${failure}`);
}

async function start(command: 'serve' | 'projector', env: Record<string, string>, profileName: string): Promise<TallyProcess> {
  const profiling = args['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${join(root, '.data', 'profiles')}`, `--cpu-prof-name=scale-${profileName}.cpuprofile`] : [];
  const started = await startTally(command, env, profiling);
  running.add(started);
  return started;
}

async function stop(child: TallyProcess): Promise<void> {
  running.delete(child);
  await child.stop();
}

function latencyValue(figures: LatencyFigures): string {
  return `p50 ${ms(figures.p50Ms)}, p99 ${ms(figures.p99Ms)}, max ${ms(figures.maxMs)} (${count(figures.requests)} requests, ${figures.failed} failed)`;
}

/** One usage event with a new key, as a product sends it. */
const newUsage = (organizationId: string) => ({ organizationId, feature: 'API_CALL', quantity: 1, idempotencyKey: randomUUID(), timestamp: new Date().toISOString() });

/** The admin key, and the keys of the large organization and of the tenant whose queries are timed (issued in the warm-up). */
interface Keys {
  readonly admin: string;
  large: string;
  tenant: string;
}

async function main(): Promise<void> {
  console.log(`scale benchmark at ${SCALE} of full size: ${count(SIZES.usageEvents)} usage events over ${count(SIZES.organizations)} organizations, the large one with ${count(SIZES.largeOrganizationEvents)} (30% retried duplicates)`);
  console.log(`  ${cpus().length} cores shared by the benchmark, tally serve, tally projector and FerretDB; load average at start ${load()}`);
  execFileSync('npx', ['--no-install', 'tsc', '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  const directory = mkdtempSync(join(tmpdir(), 'tally-scale-'));
  const storePath = join(directory, 'events.sqlite');
  const settings = stackSettings();
  const database = `tally_scale_${randomUUID().slice(0, 8)}`;
  const mongo = await connectMongo(settings.mongodbUrl, database, { waitForServer: true });
  const keys: Keys = { admin: randomBytes(24).toString('hex'), large: '', tenant: '' };
  const serveEnv = {
    TALLY_ADMIN_KEY: keys.admin,
    TALLY_EVENT_STORE_PATH: storePath,
    MONGODB_URL: settings.mongodbUrl,
    MONGODB_DATABASE: database,
    // Every quota check reads the read models: the figures are exact answers, not cached ones.
    TALLY_QUOTA_CACHE_MS: '0',
    TALLY_EMBEDDED_PROJECTOR: 'false',
    HOST: '127.0.0.1',
    PORT: '0',
    TEMPORAL_ADDRESS: settings.temporalAddress,
    TEMPORAL_NAMESPACE: settings.temporalNamespace,
  };
  const watch = new CheckpointWatch(mongo.db, 'usage', 50);
  try {
    const log = await buildLog(storePath);
    const projector = await project(watch, log, { TALLY_EVENT_STORE_PATH: storePath, MONGODB_URL: settings.mongodbUrl, MONGODB_DATABASE: database });
    await keyLookups(mongo.db, log);
    await warmUp(serveEnv, keys, log, storePath);
    const serve = await coldFirstWrites(serveEnv, keys, log);
    await queries(serve, keys, log);
    await auditWhileQuotaChecks(serve, keys, log);
    await follow(serve, projector, watch, keys, log);
    const memory = residentMemory(serve.pid);
    report.target('tally serve RSS after the whole load', `${mb(memory.currentMb)} (peak ${mb(memory.peakMb)})`, '< 1 GB', memory.currentMb < 1024);
  } finally {
    watch.stop();
    for (const child of [...running]) await stop(child);
    await mongo.db.dropDatabase().catch(() => undefined);
    await mongo.close();
    rmSync(directory, { recursive: true, force: true });
  }
  console.log(`\nload average at end ${load()}\n`);
  console.log(report.table());
  if (report.missed.length > 0) console.log(`\n${report.missed.length} target(s) MISSED: ${report.missed.map((f) => f.name).join('; ')}`);
  if (failures.length > 0) throw new Error(`${failures.length} check(s) failed:\n  ${failures.join('\n  ')}`);
}

async function buildLog(storePath: string): Promise<ScaleLog & { head: bigint }> {
  const now = new Date();
  const periodStart = billingPeriodAt(now, DEFAULT_BILLING_SETTINGS).start;
  console.log(`\n1. writing the log straight into the event store (open period from ${periodStart.toISOString()})`);
  const store = SqliteEventStore.open(storePath);
  let nextReport = SIZES.usageEvents / 10;
  const started = performance.now();
  const log = await writeScaleLog(
    store,
    { organizations: SIZES.organizations, usageEvents: SIZES.usageEvents, largeOrganizationEvents: SIZES.largeOrganizationEvents, largeDuplicateShare: 0.3, appendSize: 500, periodStart, now },
    (events) => {
      if (events < nextReport) return;
      nextReport += SIZES.usageEvents / 10;
      console.log(`  … ${count(events)} events in ${seconds(started).toFixed(0)} s`);
    },
  );
  const head = (await store.headPosition()) ?? 0n;
  await store.close();
  const fileMb = ['', '-wal'].reduce((sum, suffix) => sum + (existsSync(`${storePath}${suffix}`) ? statSync(`${storePath}${suffix}`).size : 0), 0) / 1_048_576;
  report.note('log written', `${count(log.events)} events (${count(log.usageRecorded)} usage, ${count(log.duplicatesIgnored)} retried duplicates) in ${log.totalSeconds.toFixed(1)} s`);
  report.note('  of which the large organization', `${count(log.largeUsageRecorded)} usage, ${count(log.largeDuplicatesIgnored)} retried duplicates`);
  report.note('event store file', mb(fileMb));
  report.note('raw store append rate (baseline)', `${rate(log.events / log.appendSeconds)} (time inside appendToStream; ${rate(log.events / log.totalSeconds)} with building the events)`);
  return { ...log, head };
}

async function project(watch: CheckpointWatch, log: ScaleLog & { head: bigint }, env: Record<string, string>): Promise<TallyProcess> {
  console.log('\n2. projecting the log with tally projector');
  const started = performance.now();
  const projector = await start('projector', env, 'projector');
  const sampler = new MemorySampler(projector.pid, 500);
  let samples: MemorySample[] = [];
  let nextReport = log.head / 10n;
  let lastReport = { at: started, position: 0n };
  try {
    await watch.reach(log.head, PROJECTION_MINUTES * 60_000, (position) => {
      if (position < nextReport) return;
      nextReport += log.head / 10n;
      // The rate of each tenth shows whether writing a document costs more as the read models grow.
      const tenthRate = Number(position - lastReport.position) / seconds(lastReport.at);
      lastReport = { at: performance.now(), position };
      console.log(`  … ${count(Number(position))} events in ${seconds(started).toFixed(0)} s (${rate(tenthRate)} over the last tenth)`);
    });
  } catch (error) {
    throw new Error(
      `the projection did not finish within ${PROJECTION_MINUTES} minutes (--projection-minutes): at ${count(Number(watch.position))} of ${count(Number(log.head))} events. ` +
        'If the rate per tenth above kept falling, each read-model write costs more as the collections grow: the store is not finding documents through an _id index.',
      { cause: error },
    );
  } finally {
    samples = sampler.stop();
  }
  const projected = seconds(started);
  const peak = maxRss(samples);
  const projectionRate = Number(log.head) / projected;
  report.note('projection of the whole log', `${projected.toFixed(1)} s, ${rate(projectionRate)} (${(projectionRate / (log.events / log.appendSeconds)).toFixed(2)} of the raw append rate), projector peak RSS ${mb(peak)}`);
  return projector;
}

/**
 * How long the read-model store takes to find a document by _id near the start
 * and at the end of the billing-period collection. A store that serves _id from
 * an index answers both alike; one that scans pays for every document before it.
 */
async function keyLookups(db: Db, log: ScaleLog): Promise<void> {
  const periods = db.collection<{ _id: string }>(COLLECTIONS.billingPeriods);
  const periodStart = billingPeriodAt(new Date(), DEFAULT_BILLING_SETTINGS).start.toISOString();
  const lookup = async (organizationId: string) => {
    const id = billingPeriodDocumentId(organizationId, periodStart);
    const times: number[] = [];
    for (let i = 0; i < 10; i++) {
      const started = performance.now();
      if (!(await periods.findOne({ _id: id }))) throw new Error(`the read models have no document ${id}`);
      times.push(performance.now() - started);
    }
    return percentile(times, 50);
  };
  const first = await lookup(log.smallOrganizationIds[0]);
  const last = await lookup(tenantOf(log));
  report.note('read-model document by _id, first vs last of the collection', `${ms(first)} vs ${ms(last)} (median of 10 each, ${count(await periods.estimatedDocumentCount())} documents)`);
}

async function warmUp(serveEnv: Record<string, string>, keys: Keys, log: ScaleLog, storePath: string): Promise<void> {
  console.log('\n3. warm-up: the large organization is loaded once from its whole stream and written down as a snapshot');
  const serve = await start('serve', serveEnv, 'serve-warm-up');
  const issue = async (organizationId: string) => (await call<{ apiKey: string }>(serve.url as string, keys.admin, 'POST', `/api/organizations/${organizationId}/api-keys`, {})).apiKey;
  keys.large = await issue(log.largeOrganizationId);
  keys.tenant = await issue(tenantOf(log));
  const started = performance.now();
  await call(serve.url as string, keys.large, 'POST', '/api/usage/track', newUsage(log.largeOrganizationId));
  const warmUpSeconds = seconds(started);
  const memory = residentMemory(serve.pid);
  await stop(serve);
  const store = SqliteEventStore.open(storePath);
  const snapshot = await store.ledgerStorage().loadSnapshot(organizationStreamId(log.largeOrganizationId));
  await store.close();
  check(snapshot !== null, 'the large organization has no ledger snapshot after its first load');
  report.note('first load of the large organization (warm-up)', `${warmUpSeconds.toFixed(1)} s to fold its stream, archive its keys and write the snapshot (at revision ${snapshot?.revision ?? 'none'}); tally serve peak RSS ${mb(memory.peakMb)}`);
}

async function coldFirstWrites(serveEnv: Record<string, string>, keys: Keys, log: ScaleLog): Promise<TallyProcess> {
  console.log(`\n4. cold first writes: tally serve restarted ${RESTARTS} times, each time one write for the large organization first`);
  const writes: number[] = [];
  const health: number[] = [];
  const retries: number[] = [];
  let everyRetryDuplicate = true;
  let serve: TallyProcess | null = null;
  for (let restart = 0; restart < RESTARTS; restart++) {
    if (serve) await stop(serve);
    serve = await start('serve', serveEnv, `serve-${restart}`);
    const url = serve.url as string;
    const timed = async (request: () => Promise<unknown>) => {
      const started = performance.now();
      await request();
      return performance.now() - started;
    };
    // /healthz sent alongside: it must not wait for the large organization's load.
    const [write, healthz] = await Promise.all([
      timed(() => call(url, keys.large, 'POST', '/api/usage/track', newUsage(log.largeOrganizationId))),
      timed(() => fetch(`${url}/healthz`).then((response) => response.text())),
    ]);
    writes.push(write);
    health.push(healthz);
    // A retry of the first key the organization ever accepted, long before its snapshot: still a duplicate.
    let duplicate = false;
    retries.push(
      await timed(async () => {
        const answer = await call<{ duplicate: boolean }>(url, keys.large, 'POST', '/api/usage/track', { organizationId: log.largeOrganizationId, ...log.firstLargeUsage });
        duplicate = answer.duplicate;
      }),
    );
    everyRetryDuplicate &&= duplicate;
    check(duplicate, `restart ${restart}: a retry of the first accepted key was not answered duplicate: true`);
  }
  const figures = summarize(writes, 0, 0);
  report.target(`cold first write for the large organization (${RESTARTS} restarts)`, `p50 ${ms(figures.p50Ms)}, p99 ${ms(figures.p99Ms)}, max ${ms(figures.maxMs)}`, 'p99 < 100 ms', figures.p99Ms < 100);
  report.note('  /healthz sent with it', `p50 ${ms(percentile(health, 50))}, max ${ms(Math.max(...health))}`);
  report.note('  then a retry of its first key (recalled from the archive)', `p50 ${ms(percentile(retries, 50))}, max ${ms(Math.max(...retries))}, answered duplicate every time: ${everyRetryDuplicate ? 'yes' : 'no'}`);
  return serve as TallyProcess;
}

/**
 * The tenant whose queries are timed: the small organization written last, so
 * its documents are the last ones the read models received. Reads by key cost
 * the same for every organization; a store that scanned would show it here.
 */
const tenantOf = (log: ScaleLog): string => log.smallOrganizationIds[log.smallOrganizationIds.length - 1];

function tenantRequests(keys: Keys, log: ScaleLog, path: 'quota' | 'usage') {
  const organizationId = tenantOf(log);
  return [{ method: 'GET' as const, path: path === 'quota' ? `/api/usage/${organizationId}/quota/API_CALL` : `/api/usage/${organizationId}`, headers: { authorization: `Bearer ${keys.tenant}` } }];
}

async function queries(serve: TallyProcess, keys: Keys, log: ScaleLog): Promise<void> {
  console.log(`\n5. queries on a small organization with every event in the read models: ${CONNECTIONS} connections, ${QUERY_SECONDS} s each`);
  const bare = await startBareHttpServer();
  const baseline = await latencyWhile({ url: bare.url, requests: [{ method: 'GET', path: '/' }], connections: CONNECTIONS }, QUERY_SECONDS);
  await bare.close();
  report.note('bare Node http server, same loop (baseline)', latencyValue(baseline));
  const url = serve.url as string;
  for (const path of ['usage', 'quota'] as const) {
    const figures = await latencyWhile({ url, requests: tenantRequests(keys, log, path), connections: CONNECTIONS }, QUERY_SECONDS);
    const name = path === 'quota' ? 'quota check, small organization' : 'current usage, small organization';
    report.target(name, latencyValue(figures), 'p99 < 20 ms', figures.p99Ms < 20 && figures.failed === 0);
    report.note(`  ratio to the bare server`, `p99 ${(figures.p99Ms / baseline.p99Ms).toFixed(1)}×, ${(figures.requests / figures.seconds).toFixed(0)} vs ${(baseline.requests / baseline.seconds).toFixed(0)} requests/s`);
  }
}

interface AuditAnswer {
  agrees: boolean;
  features: { feature: string; eventsCounted: number; duplicatesIgnored: number }[];
  differences: unknown[];
}

async function auditWhileQuotaChecks(serve: TallyProcess, keys: Keys, log: ScaleLog): Promise<void> {
  console.log("\n6. the large organization's audit, with another tenant's quota checks running meanwhile");
  const url = serve.url as string;
  const period = periodKey(billingPeriodAt(new Date(), DEFAULT_BILLING_SETTINGS), DEFAULT_BILLING_SETTINGS);
  const sampler = new MemorySampler(serve.pid, 50);
  const started = performance.now();
  let auditSeconds = 0;
  const audit = call<AuditAnswer>(url, keys.large, 'GET', `/api/usage/${log.largeOrganizationId}/audit?period=${period}`).finally(() => {
    auditSeconds = seconds(started);
  });
  const quota = await latencyWhile({ url, requests: tenantRequests(keys, log, 'quota'), connections: CONNECTIONS }, audit);
  const samples: MemorySample[] = sampler.stop();
  const answer = await audit;
  const rss = maxRss(samples);
  report.target('audit of the large organization', `${auditSeconds.toFixed(1)} s, API RSS at most ${mb(rss)}`, '< 10 s, RSS < 500 MB', auditSeconds < 10 && rss < 500);
  report.target("another tenant's quota check during the audit", latencyValue(quota), 'p99 < 20 ms', quota.p99Ms < 20 && quota.failed === 0);
  const counted = answer.features.reduce((sum, feature) => sum + feature.eventsCounted, 0);
  const duplicates = answer.features.reduce((sum, feature) => sum + feature.duplicatesIgnored, 0);
  // The warm-up and every restart added one event, and every restart one retry.
  const expectedCounted = log.largeUsageRecorded + 1 + RESTARTS;
  const expectedDuplicates = log.largeDuplicatesIgnored + RESTARTS;
  report.note('  the audit found', `${count(counted)} events counted, ${count(duplicates)} duplicates ignored; agrees: ${answer.agrees}`);
  check(answer.agrees, `the audit found ${answer.differences.length} difference(s): ${JSON.stringify(answer.differences).slice(0, 500)}`);
  check(counted === expectedCounted && duplicates === expectedDuplicates, `the audit counted ${counted} events and ${duplicates} duplicates; the log holds ${expectedCounted} and ${expectedDuplicates}`);
}

async function follow(serve: TallyProcess, projector: TallyProcess, watch: CheckpointWatch, keys: Keys, log: ScaleLog): Promise<void> {
  console.log(`\n7. tracking ${count(SIZES.followedEvents)} events through the API at ${count(FOLLOW_RATE)} events/s while tally projector follows`);
  // Up to 1,000 organizations spread over the whole log, so the writes land among all the read models.
  const step = Math.max(1, Math.floor(log.smallOrganizationIds.length / 1_000));
  const organizationIds = log.smallOrganizationIds.filter((_, index) => index % step === 0).slice(0, 1_000);
  watch.start();
  const sampler = new MemorySampler(projector.pid, 250, () => Number(watch.position));
  const tracked = await trackAtRate({
    url: serve.url as string,
    apiKey: keys.admin,
    organizationIds,
    eventsPerSecond: FOLLOW_RATE,
    totalEvents: SIZES.followedEvents,
    bulkSize: 100,
    maxInFlight: 16,
    onAcknowledged: (position) => watch.acknowledged(position),
  });
  const deadline = Date.now() + 60_000;
  while (watch.pending > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  const samples = sampler.stop();
  const lags = watch.stop();
  check(tracked.failed === 0, `${tracked.failed} tracked events were not acknowledged`);
  check(watch.pending === 0, `${watch.pending} acknowledged writes were still not projected a minute after tracking stopped`);
  report.note('tracked through the API', `${count(tracked.events)} events in ${tracked.seconds.toFixed(1)} s (${rate(tracked.eventsPerSecond)}) over ${organizationIds.length} organizations`);
  const lag = summarize(lags, 0, 0);
  report.target('projector lag while tracking', `p50 ${ms(lag.p50Ms)}, p99 ${ms(lag.p99Ms)}, max ${ms(lag.maxMs)} (${count(lags.length)} bulks)`, '< 2 s', lag.maxMs < 2_000);
  // Steady: once the first fifth has settled caches and the heap, the last fifth holds no more than the second (5% for the collector's timing).
  const fifth = Math.max(1, Math.floor(samples.length / 5));
  const median = (part: readonly MemorySample[]) => percentile(part.map((sample) => sample.rssMb), 50);
  const settled = median(samples.slice(fifth, 2 * fifth));
  const last = median(samples.slice(-fifth));
  report.target(
    'tally projector RSS while following',
    `${mb(settled)} over the second fifth of the followed events, ${mb(last)} over the last fifth (medians); max ${mb(maxRss(samples))}`,
    'steady (last ≤ second + 5%)',
    last <= settled * 1.05,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
