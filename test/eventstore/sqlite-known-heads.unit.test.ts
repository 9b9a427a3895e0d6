// The SQLite store vouches for a stream's head only while no other connection
// committed: its own appends and reads to a stream's end teach it the head,
// another store on the same file (another process) makes it forget, and a
// ledger answering a quota check reads the stream again then.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NewEvent } from '../../src/application/ports/event-store';
import { systemClock } from '../../src/application/ports/clock';
import { builtInFeature, type FeatureDefinition } from '../../src/domain/catalogue';
import { composeWriteSide } from '../../src/composition/write-side';
import { SqliteEventStore } from '../../src/infrastructure/eventstore/sqlite-event-store';

const usage = (n: number): NewEvent => ({ type: 'UsageRecorded', data: { quantity: n } });

describe('SQLite known stream heads', () => {
  let directory: string;
  let file: string;
  const stores: SqliteEventStore[] = [];
  const open = () => {
    const store = SqliteEventStore.open(file);
    stores.push(store);
    return store;
  };

  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'tally-known-heads-'));
    file = join(directory, 'events.sqlite');
  });

  afterEach(async () => {
    await Promise.all(stores.splice(0).map((store) => store.close()));
    rmSync(directory, { recursive: true, force: true });
  });

  it('knows the head of a stream it appended to, and of one it read to the end', async () => {
    const store = open();
    expect(await store.knownHeadRevision('organization-a')).toBeUndefined();
    await store.appendToStream('organization-a', [usage(1), usage(2)]);
    expect(await store.knownHeadRevision('organization-a')).toBe(1n);

    const other = open();
    expect(await other.knownHeadRevision('organization-a')).toBeUndefined();
    // A page that may stop before the end teaches nothing; a read to the end does.
    await other.readStream('organization-a', { maxCount: 2 });
    expect(await other.knownHeadRevision('organization-a')).toBeUndefined();
    await other.readStream('organization-a', { maxCount: 3 });
    expect(await other.knownHeadRevision('organization-a')).toBe(1n);
  });

  it('forgets every head once another connection commits to the file', async () => {
    const store = open();
    await store.appendToStream('organization-a', [usage(1)]);
    await store.appendToStream('organization-b', [usage(1)]);
    const elsewhere = open();
    await elsewhere.appendToStream('organization-b', [usage(2)]);
    expect(await store.knownHeadRevision('organization-a')).toBeUndefined();
    expect(await store.knownHeadRevision('organization-b')).toBeUndefined();
    await store.readStream('organization-b');
    expect(await store.knownHeadRevision('organization-b')).toBe(1n);
  });

  it('lets a quota check on one instance include a write acknowledged by another instance just before', async () => {
    const [first, second] = [open(), open()];
    const a = composeWriteSide({ eventStore: first, clock: systemClock });
    const b = composeWriteSide({ eventStore: second, clock: systemClock });
    await a.commands.configureOrganization({ organizationId: 'org_two' });
    await a.commands.configureQuota({ organizationId: 'org_two', feature: 'OCR_SCAN', includedQuantity: 100, pricePerUnit: 5 });
    const scans = builtInFeature('OCR_SCAN') as FeatureDefinition;
    const usedOn = async (side: typeof a) => (await side.handler.read('org_two')).ledger.usageIn(scans, { start: new Date(0), end: new Date(8.64e15) }).quantity;
    for (let i = 1; i <= 20; i++) {
      // Each instance's ledger is at its head in memory; the other's write must still show in the next answer.
      await (i % 2 ? a : b).commands.trackUsage({ organizationId: 'org_two', feature: 'OCR_SCAN', quantity: 1, idempotencyKey: `k${i}` });
      expect(await usedOn(a)).toBe(i);
      expect(await usedOn(b)).toBe(i);
    }
  });
});
