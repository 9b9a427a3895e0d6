// Append throughput of the embedded SQLite event store with durable settings
// (WAL, synchronous=FULL): realistic usage events, appended in batches to a
// handful of per-org streams, as the usage ingestion path will do.
// Run: npx tsx bench/eventstore-append.bench.ts [--events N] [--batch N] [--streams N]
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { NewEvent, StreamRevision } from '../src/application/ports/event-store';
import { SqliteEventStore } from '../src/infrastructure/eventstore/sqlite-event-store';

const FEATURES = ['api_call', 'ocr_scan', 'storage_gb', 'seat', 'email_sent'] as const;

function readArguments(): { events: number; batchSize: number; streams: number } {
  const { values } = parseArgs({
    options: {
      events: { type: 'string', default: '1000000' },
      batch: { type: 'string', default: '500' },
      streams: { type: 'string', default: '8' },
    },
  });
  const toPositive = (name: string, text: string): number => {
    const value = Number(text);
    if (!Number.isSafeInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer`);
    return value;
  };
  return {
    events: toPositive('events', values.events),
    batchSize: toPositive('batch', values.batch),
    streams: toPositive('streams', values.streams),
  };
}

function usageEvent(orgId: string, sequence: number, timestamp: Date): NewEvent {
  const feature = FEATURES[sequence % FEATURES.length];
  return {
    type: 'UsageRecorded',
    data: {
      orgId,
      feature,
      quantity: (sequence % 7) + 1,
      timestamp: timestamp.toISOString(),
      idempotencyKey: `${orgId}:${feature}:${sequence}`,
      billingPeriod: { start: '2025-06-01T00:00:00.000Z', end: '2025-07-01T00:00:00.000Z' },
    },
    metadata: { source: 'bench', correlationId: randomUUID() },
  };
}

async function main(): Promise<void> {
  const { events: totalEvents, batchSize, streams } = readArguments();
  const directory = mkdtempSync(join(tmpdir(), 'tally-bench-'));
  const file = join(directory, 'events.sqlite');
  const store = SqliteEventStore.open(file);
  try {
    const orgIds = Array.from({ length: streams }, (_, index) => `org_${index + 1}`);
    const revisions = new Map<string, StreamRevision | 'no_stream'>(orgIds.map((id) => [id, 'no_stream']));
    const baseTime = Date.parse('2025-06-15T00:00:00.000Z');
    let appended = 0;
    let batchNumber = 0;
    let buildMs = 0;
    const started = process.hrtime.bigint();
    while (appended < totalEvents) {
      const orgId = orgIds[batchNumber % orgIds.length];
      const count = Math.min(batchSize, totalEvents - appended);
      // Building events is the caller's cost, not the store's: timed apart.
      const buildStarted = process.hrtime.bigint();
      const batch = Array.from({ length: count }, (_, index) =>
        usageEvent(orgId, appended + index, new Date(baseTime + appended + index)),
      );
      buildMs += Number(process.hrtime.bigint() - buildStarted) / 1e6;
      const result = await store.appendToStream(`usage-${orgId}`, batch, {
        expectedRevision: revisions.get(orgId),
      });
      revisions.set(orgId, result.nextExpectedRevision);
      appended += count;
      batchNumber += 1;
    }
    const totalMs = Number(process.hrtime.bigint() - started) / 1e6;
    const storeMs = totalMs - buildMs;
    const sizeMb = statSync(file).size / 1024 / 1024;
    console.log('SQLite event store append benchmark (WAL, synchronous=FULL)');
    console.log(`  events:          ${appended.toLocaleString('en-US')} in ${batchNumber} appends`);
    console.log(`  batch size:      ${batchSize} events per append (one transaction)`);
    console.log(`  streams:         ${streams}`);
    console.log(`  total time:      ${(totalMs / 1000).toFixed(2)} s`);
    console.log(`  throughput:      ${Math.round(appended / (totalMs / 1000)).toLocaleString('en-US')} events/s`);
    console.log(
      `  store only:      ${Math.round(appended / (storeMs / 1000)).toLocaleString('en-US')} events/s` +
        ` (excluding ${(buildMs / 1000).toFixed(2)} s building events)`,
    );
    console.log(`  database file:   ${sizeMb.toFixed(1)} MiB (before WAL checkpoint on close)`);
  } finally {
    await store.close();
    rmSync(directory, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
