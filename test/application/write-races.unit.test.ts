// Two writers on one log (two API processes on one file): the one that loses
// the race for the stream's revision reads what it missed and decides again,
// however many times in a row it loses, and never decides on stale usage.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventStore } from '../../src/application/ports/event-store';
import { composeWriteSide } from '../../src/composition/write-side';
import { SqliteEventStore } from '../../src/infrastructure/eventstore/sqlite-event-store';
import { FixedClock, SequentialIds } from '../support/fixed-clock';

const ORG = 'org_raced';

describe('a writer that keeps losing the race for the stream', () => {
  const directory = mkdtempSync(join(tmpdir(), 'tally-races-'));
  const path = join(directory, 'events.sqlite');
  const clock = new FixedClock();
  let ours: SqliteEventStore;
  let theirs: SqliteEventStore;

  beforeAll(() => {
    ours = SqliteEventStore.open(path);
    theirs = SqliteEventStore.open(path);
  });

  afterAll(async () => {
    await Promise.all([ours.close(), theirs.close()]);
    rmSync(directory, { recursive: true, force: true });
  });

  /** Our store, except that the other process records one event just before each of our next `wins` appends. */
  function losing(wins: number): EventStore {
    const rival = composeWriteSide({ eventStore: theirs, clock, ids: new SequentialIds('rival') }).commands;
    return new Proxy(ours, {
      get(target, property) {
        const value = Reflect.get(target, property, target) as unknown;
        if (property !== 'appendToStream' || typeof value !== 'function') return typeof value === 'function' ? value.bind(target) : value;
        return async (...args: Parameters<EventStore['appendToStream']>) => {
          if (wins-- > 0) await rival.trackUsage({ organizationId: ORG, feature: 'OCR_SCAN', quantity: 1 });
          return target.appendToStream(...args);
        };
      },
    });
  }

  it('decides again after losing ten times in a row, against the usage it missed', async () => {
    const setup = composeWriteSide({ eventStore: theirs, clock }).commands;
    await setup.configureOrganization({ organizationId: ORG, name: 'Raced' });
    await setup.configureQuota({ organizationId: ORG, feature: 'OCR_SCAN', includedQuantity: 12, pricePerUnit: 1, enforcement: 'hard' });

    const commands = composeWriteSide({ eventStore: losing(10), clock, ids: new SequentialIds() }).commands;
    // Ten rival scans land first; 3 more would pass 12, 2 fit exactly.
    await expect(commands.trackUsage({ organizationId: ORG, feature: 'OCR_SCAN', quantity: 3 })).rejects.toMatchObject({ code: 'quota_exceeded' });
    expect(await commands.trackUsage({ organizationId: ORG, feature: 'OCR_SCAN', quantity: 2 })).toMatchObject({ duplicate: false, countedAs: 'usage' });
    await expect(commands.trackUsage({ organizationId: ORG, feature: 'OCR_SCAN', quantity: 1 })).rejects.toMatchObject({ code: 'quota_exceeded' });
  });
});
