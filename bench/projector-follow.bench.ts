// Follows a growing log live, as `tally projector` does after catching up,
// and prints the heap after a warm-up and at the end: a follower must keep its
// memory flat however many events it has followed. The projection only counts
// events, so the figures are the follow loop's own (subscription, batching,
// checkpoints in MongoDB); the log is written while it follows, in bulks of
// 500 usage events, and the same appends are timed alone first as the baseline.
//   npx tsx bench/projector-follow.bench.ts [--events 500000]
// Re-runs itself with --expose-gc so each heap figure is taken after a full collection.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { NewEvent } from '../src/application/ports/event-store';
import type { PositionedEvent, Projection } from '../src/application/ports/projection';
import { composeProjector } from '../src/composition/read-side';
import { SqliteEventStore } from '../src/infrastructure/eventstore/sqlite-event-store';
import { connectMongo } from '../src/read-side/mongo/mongo-connection';
import { systemClock } from '../src/application/ports/clock';
import { encodeEvent } from '../src/application/event-log/organization-event-codec';
import { stackSettings } from '../test/support/stack-settings';

const { values: args } = parseArgs({ options: { events: { type: 'string', default: '500000' } } });
const EVENTS = Number(args.events);
const BULK = 500;
const WARM_UP = 100_000;

class CountingProjection implements Projection {
  readonly name = 'follow-bench';
  applied = 0;
  async ensureIndexes(): Promise<void> {}
  async reset(): Promise<void> {}
  async apply(events: readonly PositionedEvent[]): Promise<void> {
    this.applied += events.length;
  }
}

function bulkOf(first: number): NewEvent[] {
  return Array.from({ length: BULK }, (_, i) =>
    encodeEvent({
      type: 'UsageRecorded',
      data: {
        organizationId: 'org_follow',
        feature: 'API_CALL',
        quantity: 1,
        idempotencyKey: `follow-${first + i}`,
        timestamp: '2026-11-15T12:00:00.000Z',
        recordedAt: '2026-11-15T12:00:00.000Z',
        billingPeriod: { start: '2026-11-01T00:00:00.000Z', end: '2026-12-01T00:00:00.000Z' },
        window: { start: '2026-11-01T00:00:00.000Z', end: '2026-12-01T00:00:00.000Z' },
        metadata: { requestId: randomUUID() },
      },
    }),
  );
}

const heapMb = (): number => {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed / 1_048_576;
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function appendAll(store: SqliteEventStore, stream: string, onBulk?: (appended: number) => Promise<void>): Promise<number> {
  const started = performance.now();
  for (let appended = 0; appended < EVENTS; appended += BULK) {
    await store.appendToStream(stream, bulkOf(appended));
    await onBulk?.(appended + BULK);
  }
  return (EVENTS / (performance.now() - started)) * 1000;
}

async function main(): Promise<void> {
  const directory = mkdtempSync(join(tmpdir(), 'tally-follow-'));
  const mongo = await connectMongo(stackSettings().mongodbUrl, `tally_follow_${randomUUID().slice(0, 8)}`);
  try {
    console.log(`follow benchmark: ${EVENTS.toLocaleString('en')} events appended in bulks of ${BULK} while one projector follows; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    // Baseline: the same appends with nobody following.
    const baselineStore = SqliteEventStore.open(join(directory, 'baseline.sqlite'));
    const baselineRate = await appendAll(baselineStore, 'organization-org_follow');
    await baselineStore.close();

    const store = SqliteEventStore.open(join(directory, 'events.sqlite'));
    const projection = new CountingProjection();
    const projector = composeProjector({ store, db: mongo.db, clock: systemClock, projection, batchSize: 1_000, batchWindowMs: 50 });
    const running = projector.run();
    let heapAfterWarmUp = 0;
    const started = performance.now();
    const followedRate = await appendAll(store, 'organization-org_follow', async (appended) => {
      // Keep the follower within a few bulks of the head, so it follows live rather than catching up.
      while (appended - projection.applied > 20 * BULK) await sleep(5);
      if (heapAfterWarmUp === 0 && projection.applied >= WARM_UP) heapAfterWarmUp = heapMb();
    });
    while (projection.applied < EVENTS) await sleep(10);
    const followSeconds = (performance.now() - started) / 1000;
    const heapAtEnd = heapMb();
    projector.stop();
    await running;
    await store.close();

    console.log(`  raw append (baseline, nobody following): ${Math.round(baselineRate).toLocaleString('en')} events/s`);
    console.log(`  appended while followed:                 ${Math.round(followedRate).toLocaleString('en')} events/s (ratio to baseline ${(followedRate / baselineRate).toFixed(2)})`);
    console.log(`  followed:                                ${projection.applied.toLocaleString('en')} events in ${followSeconds.toFixed(1)} s`);
    console.log(`  heap after ${WARM_UP.toLocaleString('en')} events: ${heapAfterWarmUp.toFixed(1)} MB; after ${EVENTS.toLocaleString('en')}: ${heapAtEnd.toFixed(1)} MB`);
    const growthPerEvent = ((heapAtEnd - heapAfterWarmUp) * 1_048_576) / (EVENTS - WARM_UP);
    console.log(`  heap growth: ${growthPerEvent.toFixed(1)} bytes per followed event (target: flat, well under 100 bytes)`);
  } finally {
    await mongo.db.dropDatabase();
    await mongo.close();
    rmSync(directory, { recursive: true, force: true });
  }
}

if (!(globalThis as { gc?: unknown }).gc) {
  execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', __filename, ...process.argv.slice(2)], { stdio: 'inherit' });
} else {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
