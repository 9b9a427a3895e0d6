// Loading an organization is bounded: its ledger comes from the latest
// snapshot plus the events after it, and equals the fold of the whole log;
// keys accepted before a snapshot are found in the archive, so a repeat is
// still a duplicate (and other content under the key still a conflict) after a
// restart, however long ago the key was accepted.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeEvent } from '../../src/application/event-log/organization-event-codec';
import type { EventStore, ReadStreamOptions } from '../../src/application/ports/event-store';
import { composeWriteSide } from '../../src/composition/write-side';
import { organizationStreamId, type OrganizationEvent } from '../../src/domain/events';
import { OrganizationLedger } from '../../src/domain/organization-ledger';
import { SqliteEventStore } from '../../src/infrastructure/eventstore/sqlite-event-store';
import { FixedClock, SequentialIds } from '../support/fixed-clock';

const ORG = 'org_long';
const SNAPSHOT_EVERY = 200;

/** The same store, counting the events a load reads. */
function counting(store: SqliteEventStore): { store: EventStore & Pick<SqliteEventStore, 'ledgerStorage'>; read: () => number } {
  let read = 0;
  const wrapped = Object.create(store) as SqliteEventStore;
  wrapped.readStream = async (streamId: string, options?: ReadStreamOptions) => {
    const page = await store.readStream(streamId, options);
    read += page.length;
    return page;
  };
  return { store: wrapped, read: () => read };
}

describe('ledgers loaded from snapshots', () => {
  let directory: string;
  let store: SqliteEventStore;
  const clock = new FixedClock(new Date('2026-11-15T12:00:00Z'));

  beforeEach(async () => {
    directory = mkdtempSync(join(tmpdir(), 'tally-snapshots-'));
    store = SqliteEventStore.open(join(directory, 'events.sqlite'));
    const { commands } = composeWriteSide({ eventStore: store, clock, ids: new SequentialIds(), handlerOptions: { snapshotEvery: SNAPSHOT_EVERY } });
    await commands.configureOrganization({ organizationId: ORG, timeZone: 'Europe/Berlin' });
    await commands.configureQuota({ organizationId: ORG, feature: 'SMS_SENT', includedQuantity: 5, pricePerUnit: 10, resetPeriod: 'DAILY' });
    for (let i = 0; i < 1_050; i++) {
      clock.set(new Date(Date.parse('2026-11-02T08:00:00Z') + i * 15 * 60_000));
      await commands.trackUsage({ organizationId: ORG, feature: i % 3 === 0 ? 'SMS_SENT' : 'OCR_SCAN', quantity: 1 + (i % 4), idempotencyKey: `usage-${i}` });
    }
  });

  afterEach(async () => {
    await store.close();
    rmSync(directory, { recursive: true, force: true });
  });

  const wholeLog = async (): Promise<OrganizationEvent[]> =>
    (await store.readStream(organizationStreamId(ORG))).map(decodeEvent).filter((event): event is OrganizationEvent => event !== null);

  it('equal the fold of the whole log, and read only the events after the snapshot', async () => {
    const restarted = counting(store);
    const { handler } = composeWriteSide({ eventStore: restarted.store, clock, handlerOptions: { snapshotEvery: SNAPSHOT_EVERY } });
    const loaded = await handler.ledger(ORG);
    const folded = OrganizationLedger.from(await wholeLog());
    expect(loaded.state).toEqual(folded.state);
    expect(loaded.dailyUsage()).toEqual(folded.dailyUsage());
    expect(restarted.read()).toBeLessThan(SNAPSHOT_EVERY);
    // The stream's last revision is 1,051 (configuration, quota, 1,050 events); the snapshot is at most 200 events behind.
    const snapshot = await store.ledgerStorage().loadSnapshot(organizationStreamId(ORG));
    expect(1_051n - (snapshot?.revision ?? 0n)).toBeLessThan(BigInt(SNAPSHOT_EVERY));
  });

  it('still answer a key accepted before the snapshot as a duplicate after a restart, and other content under it as a conflict', async () => {
    const { commands } = composeWriteSide({ eventStore: store, clock, handlerOptions: { snapshotEvery: SNAPSHOT_EVERY } });
    const repeat = await commands.trackUsage({ organizationId: ORG, feature: 'SMS_SENT', quantity: 1, idempotencyKey: 'usage-0' });
    expect(repeat).toMatchObject({ duplicate: true, countedAs: null });
    await expect(commands.trackUsage({ organizationId: ORG, feature: 'SMS_SENT', quantity: 2, idempotencyKey: 'usage-0' })).rejects.toMatchObject({
      code: 'conflict',
      field: 'idempotencyKey',
    });
    // And one accepted after it, from the stream's tail, too.
    expect(await commands.trackUsage({ organizationId: ORG, feature: 'OCR_SCAN', quantity: 2, idempotencyKey: 'usage-1049' })).toMatchObject({ duplicate: true });
    const types = (await wholeLog()).slice(-2).map((event) => event.type);
    expect(types).toEqual(['UsageDuplicateIgnored', 'UsageDuplicateIgnored']);
  });

  it('keep in memory only the keys accepted since the last snapshot', async () => {
    const { handler, commands } = composeWriteSide({ eventStore: store, clock, handlerOptions: { snapshotEvery: SNAPSHOT_EVERY } });
    await commands.trackUsage({ organizationId: ORG, feature: 'OCR_SCAN', quantity: 1, idempotencyKey: 'fresh' });
    const ledger = (await handler.ledger(ORG)) as OrganizationLedger;
    expect(ledger.keysToArchive().length).toBeLessThan(SNAPSHOT_EVERY);
    expect(ledger.knownUsage('usage-0')).toBeUndefined();
  });
});
