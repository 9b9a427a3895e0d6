// `tally usage --as-of` answers with only the events recorded by that instant,
// priced with the quotas in force then: three instants, three answers.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '../../src/infrastructure/eventstore/sqlite-event-store';
import { tally } from '../support/cli';
import { FixedClock, SequentialIds } from '../support/fixed-clock';
import { composeWriteSide } from '../../src/composition/write-side';

const ORG = 'org_dispute';

describe('tally usage --as-of', () => {
  const directory = mkdtempSync(join(tmpdir(), 'tally-as-of-'));
  const env = { TALLY_EVENT_STORE_PATH: join(directory, 'events.sqlite') };

  beforeAll(async () => {
    const store = SqliteEventStore.open(env.TALLY_EVENT_STORE_PATH);
    const clock = new FixedClock(new Date('2026-11-01T09:00:00Z'));
    const commands = composeWriteSide({ eventStore: store, clock, ids: new SequentialIds() }).commands;
    await commands.configureOrganization({ organizationId: ORG });
    await commands.configureQuota({ organizationId: ORG, feature: 'OCR_SCAN', includedQuantity: 10, pricePerUnit: 5 });
    clock.set('2026-11-05T10:00:00Z');
    await commands.trackUsage({ organizationId: ORG, feature: 'OCR_SCAN', quantity: 8 });
    clock.set('2026-11-10T10:00:00Z');
    await commands.trackUsage({ organizationId: ORG, feature: 'OCR_SCAN', quantity: 12 });
    // The price changes on the 12th: answers before then use the old price.
    clock.set('2026-11-12T10:00:00Z');
    await commands.configureQuota({ organizationId: ORG, feature: 'OCR_SCAN', includedQuantity: 10, pricePerUnit: 7 });
    await store.close();
  });

  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  const asOf = (instant: string) => {
    const result = tally(['usage', '--org', ORG, '--as-of', instant, '--json'], env);
    expect(result.status).toBe(0);
    return JSON.parse(result.stdout).features[0];
  };

  it('answers differently at three instants', () => {
    expect(asOf('2026-11-06T00:00:00Z')).toMatchObject({ feature: 'OCR_SCAN', totalQuantity: 8, overageQuantity: 0, overageAmount: '0.00' });
    expect(asOf('2026-11-11T00:00:00Z')).toMatchObject({ totalQuantity: 20, overageQuantity: 10, overageAmount: '0.50' });
    expect(asOf('2026-11-13T00:00:00Z')).toMatchObject({ totalQuantity: 20, overageQuantity: 10, overageAmount: '0.70' });
  }, 60_000);

  it('rejects an instant without a zone, in one line', () => {
    const result = tally(['usage', '--org', ORG, '--as-of', '2026-11-13'], env);
    expect(result.status).toBe(2);
    expect(result.stderr.trim()).toBe('tally: --as-of must be an ISO-8601 instant with a zone, e.g. 2026-11-15T12:00:00Z; got "2026-11-13"');
  });
});
