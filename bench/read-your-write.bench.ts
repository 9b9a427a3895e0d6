// Read-your-write on read models that already hold a small deployment's usage:
// 80 organizations with 300 usage events each are projected into FerretDB, then
// new organizations write one event and read it back with waitForPosition, as
// a product does right after tracking. Prints how long the projection took,
// the write-then-read latency, and the raw store append rate as the baseline.
//   npx tsx bench/read-your-write.bench.ts [--organizations 80] [--events-per-organization 300] [--rounds 50]
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { UsageQueries } from '../src/application/usage/usage-queries';
import { systemClock } from '../src/application/ports/clock';
import { composeProjector, usageReadModels } from '../src/composition/read-side';
import { composeWriteSide } from '../src/composition/write-side';
import { SqliteEventStore } from '../src/infrastructure/eventstore/sqlite-event-store';
import { connectMongo } from '../src/read-side/mongo/mongo-connection';
import { stackSettings } from '../test/support/stack-settings';

const { values: args } = parseArgs({
  options: {
    organizations: { type: 'string', default: '80' },
    'events-per-organization': { type: 'string', default: '300' },
    rounds: { type: 'string', default: '50' },
  },
});
const ORGANIZATIONS = Number(args.organizations);
const EVENTS_PER_ORGANIZATION = Number(args['events-per-organization']);
const ROUNDS = Number(args.rounds);

const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((values.length * p) / 100))];

async function main(): Promise<void> {
  const directory = mkdtempSync(join(tmpdir(), 'tally-ryw-'));
  const mongo = await connectMongo(stackSettings().mongodbUrl, `tally_ryw_${randomUUID().slice(0, 8)}`, { waitForServer: true });
  const store = SqliteEventStore.open(join(directory, 'events.sqlite'));
  try {
    console.log(`read-your-write benchmark: ${ORGANIZATIONS} organizations × ${EVENTS_PER_ORGANIZATION} events in the read models; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    const { handler, commands } = composeWriteSide({ eventStore: store, clock: systemClock });
    const appending = performance.now();
    for (let o = 0; o < ORGANIZATIONS; o++) {
      const organizationId = `org_ryw_${o}`;
      await commands.configureOrganization({ organizationId, timeZone: o % 2 === 0 ? 'UTC' : 'Europe/Berlin' });
      await commands.trackBulkUsage(
        organizationId,
        Array.from({ length: EVENTS_PER_ORGANIZATION }, (_, i) => ({ feature: ['OCR_SCAN', 'API_CALL', 'EMAIL_SENT'][i % 3], quantity: 1 + (i % 4) })),
      );
    }
    const baselineRate = (ORGANIZATIONS * EVENTS_PER_ORGANIZATION) / ((performance.now() - appending) / 1000);

    const projector = composeProjector({ store, db: mongo.db, clock: systemClock, batchSize: 1_000, batchWindowMs: 10 });
    const projecting = performance.now();
    await projector.catchUp();
    const projectedSeconds = (performance.now() - projecting) / 1000;

    const live = composeProjector({ store, db: mongo.db, clock: systemClock, batchSize: 1_000, batchWindowMs: 10 });
    const running = live.run();
    const queries = new UsageQueries(usageReadModels(mongo.db), handler, systemClock);
    const latencies: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const organizationId = `org_new_${round}`;
      await commands.configureOrganization({ organizationId });
      const started = performance.now();
      const written = await commands.trackUsage({ organizationId, feature: 'OCR_SCAN', quantity: 1 });
      const usage = await queries.getCurrentUsage({ organizationId, waitForPosition: written.position ?? undefined });
      latencies.push(performance.now() - started);
      if (!usage.freshness.includesRequestedPosition || usage.features[0]?.totalQuantity !== 1) throw new Error(`round ${round}: the write was not read back`);
    }
    live.stop();
    await running;

    const events = ORGANIZATIONS * EVENTS_PER_ORGANIZATION;
    console.log(`  usage written through the command path (baseline): ${Math.round(baselineRate).toLocaleString('en')} events/s`);
    console.log(`  projected ${events.toLocaleString('en')} events in ${projectedSeconds.toFixed(1)} s (${Math.round(events / projectedSeconds).toLocaleString('en')} events/s, ratio to baseline ${(events / projectedSeconds / baselineRate).toFixed(2)})`);
    console.log(`  a new organization's first write read back: p50 ${percentile(latencies, 50).toFixed(0)} ms, p99 ${percentile(latencies, 99).toFixed(0)} ms, max ${Math.max(...latencies).toFixed(0)} ms over ${ROUNDS} rounds`);
  } finally {
    await store.close();
    await mongo.db.dropDatabase();
    await mongo.close();
    rmSync(directory, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
