// Tracking throughput with alert rules against without, the same load twice:
// once with no rules and once with ten active rules per organization
// (quantities, percentages of the included quantity and overage amounts),
// whose crossings are decided with the usage. Target: with rules within 10%
// of without. Two legs:
//   http        POST /api/usage/track to `tally serve` (its own process, SQLite
//               store) with autocannon, 64 connections: what a product sees.
//               Baseline: a bare Node.js HTTP server under the same load.
//               Plain and rules alternate over --rounds, so drift in the
//               machine's load falls on both.
//   write-side  the commands alone, in this process: decide and durable
//               append, 64 writes in flight. Baseline: raw appends.
//   npx tsx bench/alert-rules.bench.ts [--leg all|http|write-side] [--events 200000] [--duration 10] [--rounds 2] [--organizations 16]
// The http leg needs the local stack (scripts/stack.sh up) for the API's database.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { MongoClient } from 'mongodb';
import { encodeEvent } from '../src/application/event-log/organization-event-codec';
import { systemClock } from '../src/application/ports/clock';
import { AlertRules } from '../src/application/alerts/alert-rules';
import { composeWriteSide, randomIds } from '../src/composition/write-side';
import { SqliteEventStore } from '../src/infrastructure/eventstore/sqlite-event-store';
import { startApiProcess, type ApiProcess } from '../test/support/api-process';
import { stackSettings } from '../test/support/stack-settings';
import { startBareServer } from './support/bare-server-process';

const { values: args } = parseArgs({
  options: {
    leg: { type: 'string', default: 'all' },
    events: { type: 'string', default: '200000' },
    duration: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '2' },
    organizations: { type: 'string', default: '16' },
    'in-flight': { type: 'string', default: '64' },
  },
});
const LEG = args.leg as 'all' | 'http' | 'write-side';
const DURATION = Number(args.duration);
const ROUNDS = Number(args.rounds);
const CONNECTIONS = 64;
const EVENTS = Number(args.events);
const ORGANIZATIONS = Number(args.organizations);
const IN_FLIGHT = Number(args['in-flight']);
const FEATURES = ['OCR_SCAN', 'API_CALL', 'EMAIL_SENT', 'SMS_SENT'];

/** The ten rules of the measured organizations: quantities, percentages of the included quantity, overage amounts. */
function ruleBodies(count: number): Record<string, unknown>[] {
  return Array.from({ length: count }, (_, r) => {
    const feature = FEATURES[r % FEATURES.length];
    if (r % 5 === 4) return { overageAmount: String(10 * (r + 1)), currency: 'EUR' };
    if (r % 2 === 0) return { feature, quantity: 200 * (r + 1) };
    return { feature, percentOfIncluded: 50 + 25 * r };
  });
}

async function rawAppendRate(directory: string): Promise<number> {
  const store = SqliteEventStore.open(join(directory, 'raw.sqlite'));
  const started = performance.now();
  let appended = 0;
  const event = (i: number) =>
    encodeEvent({
      type: 'UsageRecorded',
      data: {
        organizationId: 'org_raw',
        feature: 'API_CALL',
        quantity: 1,
        idempotencyKey: `raw-${i}`,
        timestamp: '2026-11-15T12:00:00.000Z',
        recordedAt: '2026-11-15T12:00:00.000Z',
        billingPeriod: { start: '2026-11-01T00:00:00.000Z', end: '2026-12-01T00:00:00.000Z' },
        window: { start: '2026-11-01T00:00:00.000Z', end: '2026-12-01T00:00:00.000Z' },
      },
    });
  // The same shape as the tracked load: many single-event appends in flight, grouped into shared commits.
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (appended < EVENTS) {
        const i = appended++;
        await store.appendToStream(`organization-raw-${i % ORGANIZATIONS}`, [event(i)]);
      }
    }),
  );
  await store.close();
  return (EVENTS / (performance.now() - started)) * 1000;
}

async function trackingRate(directory: string, name: string, rulesPerOrganization: number): Promise<{ rate: number; crossings: number }> {
  const store = SqliteEventStore.open(join(directory, `${name}.sqlite`));
  const { handler, commands } = composeWriteSide({ eventStore: store, clock: systemClock });
  const alerts = new AlertRules(handler, randomIds);
  const organizations = Array.from({ length: ORGANIZATIONS }, (_, o) => `org_${name}_${o}`);
  for (const organizationId of organizations) {
    await commands.configureOrganization({ organizationId });
    for (const feature of FEATURES) await commands.configureQuota({ organizationId, feature, includedQuantity: 1_000, pricePerUnit: 1 });
    for (const rule of ruleBodies(rulesPerOrganization)) await alerts.set({ organizationId, ...rule } as Parameters<AlertRules['set']>[0]);
  }
  let tracked = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (tracked < EVENTS) {
        const i = tracked++;
        await commands.trackUsage({ organizationId: organizations[i % ORGANIZATIONS], feature: FEATURES[(i >> 4) % FEATURES.length], quantity: 1, idempotencyKey: `k-${i}` });
      }
    }),
  );
  const rate = (EVENTS / (performance.now() - started)) * 1000;
  let crossings = 0;
  for (const organizationId of organizations) {
    for (const recorded of await store.readStream(`organization-${organizationId}`)) if (recorded.type === 'UsageThresholdCrossed') crossings += 1;
  }
  await store.close();
  return { rate, crossings };
}

async function call(url: string, key: string, method: string, path: string, body?: unknown): Promise<void> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${await response.text()}`);
  await response.arrayBuffer();
}

let sequence = 0;

/** Single-event tracking requests, one template per organization and feature, as the SDK sends them. */
function trackRequests(organizations: readonly { organizationId: string; apiKey: string }[]): autocannon.Request[] {
  return organizations.flatMap(({ organizationId, apiKey }) =>
    FEATURES.map((feature) => ({
      method: 'POST' as const,
      path: '/api/usage/track',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      setupRequest: (request: autocannon.Request) => ({
        ...request,
        body: JSON.stringify({ organizationId, feature, quantity: 1, idempotencyKey: `bench-${++sequence}`, timestamp: new Date().toISOString() }),
      }),
    })),
  );
}

/** Requests per second (2xx) of one server under the tracking load, after a 2 s warm-up. */
async function requestRate(url: string, requests: autocannon.Request[]): Promise<{ rate: number; p99Ms: number; failed: number }> {
  await autocannon({ url, connections: CONNECTIONS, duration: 2, requests });
  const result = await autocannon({ url, connections: CONNECTIONS, duration: DURATION, requests });
  return { rate: result['2xx'] / result.duration, p99Ms: result.latency.p99, failed: result.non2xx + result.errors + result.timeouts };
}

/** `tally serve` on a fresh store and database, its organizations configured (with rules or not), under the tracking load. */
async function httpTrackingRate(rulesPerOrganization: number): Promise<{ rate: number; p99Ms: number; failed: number }> {
  const directory = mkdtempSync(join(tmpdir(), 'tally-alert-bench-http-'));
  const database = `tally_alert_bench_${randomUUID().slice(0, 8)}`;
  const adminKey = randomBytes(24).toString('hex');
  const { mongodbUrl } = stackSettings();
  let api: ApiProcess | undefined;
  try {
    api = await startApiProcess({
      TALLY_ADMIN_KEY: adminKey,
      TALLY_EVENT_STORE_PATH: join(directory, 'events.sqlite'),
      MONGODB_URL: mongodbUrl,
      MONGODB_DATABASE: database,
      // Tracking needs no read models: no projector runs.
      TALLY_EMBEDDED_PROJECTOR: 'false',
    });
    const organizations = [];
    for (let o = 0; o < ORGANIZATIONS; o++) {
      const organizationId = `org_alerts_${o}`;
      await fetch(`${api.url}/api/organizations`, {
        method: 'POST',
        headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ organizationId, name: organizationId }),
      }).then((response) => response.arrayBuffer());
      const created = await fetch(`${api.url}/api/organizations/${organizationId}/api-keys`, {
        method: 'POST',
        headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
        body: '{}',
      });
      const { apiKey } = (await created.json()) as { apiKey: string };
      for (const feature of FEATURES) await call(api.url, apiKey, 'POST', `/api/usage/${organizationId}/quota`, { feature, includedQuantity: 1_000, pricePerUnit: '1' });
      for (const rule of ruleBodies(rulesPerOrganization)) await call(api.url, apiKey, 'POST', `/api/organizations/${organizationId}/alerts`, rule);
      organizations.push({ organizationId, apiKey });
    }
    return await requestRate(api.url, trackRequests(organizations));
  } finally {
    await api?.stop();
    const client = await MongoClient.connect(mongodbUrl);
    await client.db(database).dropDatabase();
    await client.close();
    rmSync(directory, { recursive: true, force: true });
  }
}

async function bareRate(): Promise<{ rate: number; p99Ms: number; failed: number }> {
  const bare = await startBareServer();
  try {
    return await requestRate(bare.url, trackRequests([{ organizationId: 'org_bare', apiKey: 'bare' }]));
  } finally {
    await bare.stop();
  }
}

const mean = (values: readonly number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
const perSecond = (value: number) => Math.round(value).toLocaleString('en');

async function httpLeg(): Promise<boolean> {
  const plain: number[] = [];
  const withRules: number[] = [];
  const bare: number[] = [];
  const p99 = { plain: 0, rules: 0 };
  let failed = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const a = await httpTrackingRate(0);
    const b = await httpTrackingRate(10);
    const c = await bareRate();
    plain.push(a.rate);
    withRules.push(b.rate);
    bare.push(c.rate);
    p99.plain = Math.max(p99.plain, a.p99Ms);
    p99.rules = Math.max(p99.rules, b.p99Ms);
    failed += a.failed + b.failed;
  }
  const ratio = mean(withRules) / mean(plain);
  console.log(`http: POST /api/usage/track, ${CONNECTIONS} connections, ${DURATION} s per measurement, ${ROUNDS} rounds (plain, rules, bare), ${ORGANIZATIONS} organizations × ${FEATURES.length} features`);
  console.log(`  bare Node.js server (baseline):   ${perSecond(mean(bare))} req/s`);
  console.log(`  tracking without rules:           ${perSecond(mean(plain))} req/s (p99 ≤ ${p99.plain} ms; ${(mean(plain) / mean(bare)).toFixed(2)} of bare) [${plain.map(perSecond).join(', ')}]`);
  console.log(`  tracking with 10 rules per org:   ${perSecond(mean(withRules))} req/s (p99 ≤ ${p99.rules} ms; ${(mean(withRules) / mean(bare)).toFixed(2)} of bare) [${withRules.map(perSecond).join(', ')}]`);
  console.log(`  with rules / without: ${ratio.toFixed(3)} — target ≥ 0.90: ${ratio >= 0.9 ? 'met' : 'MISSED'}; failed requests ${failed}`);
  return ratio >= 0.9;
}

async function writeSideLeg(): Promise<void> {
  const directory = mkdtempSync(join(tmpdir(), `tally-alert-bench-${randomUUID().slice(0, 8)}-`));
  try {
    const baseline = await rawAppendRate(directory);
    const without = await trackingRate(directory, 'plain', 0);
    const withRules = await trackingRate(directory, 'rules', 10);
    const ratio = withRules.rate / without.rate;
    console.log(`write side: ${EVENTS.toLocaleString('en')} single-event commands, ${IN_FLIGHT} in flight, ${ORGANIZATIONS} organizations`);
    console.log(`  raw appends (baseline):           ${perSecond(baseline)} events/s`);
    console.log(`  tracking without rules:           ${perSecond(without.rate)} events/s (${(without.rate / baseline).toFixed(2)} of raw appends)`);
    console.log(`  tracking with 10 rules per org:   ${perSecond(withRules.rate)} events/s (${(withRules.rate / baseline).toFixed(2)} of raw appends; ${withRules.crossings} crossings decided)`);
    console.log(`  with rules / without: ${ratio.toFixed(3)} (the commands alone, no HTTP)`);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  console.log(`alert-rule benchmark; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  if (LEG !== 'write-side') await httpLeg();
  if (LEG !== 'http') await writeSideLeg();
  console.log(`load average at end ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
