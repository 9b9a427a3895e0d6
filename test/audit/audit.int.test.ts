// `tally audit` proves a month's bill from the event log: a month of usage
// with duplicates, a late correction, Stripe reports and the period close
// agrees everywhere; a read-model document corrupted on purpose is found, and
// after `tally replay` everything agrees again.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '../../src/infrastructure/eventstore/sqlite-event-store';
import { connectMongo, type MongoConnection } from '../../src/read-side/mongo/mongo-connection';
import { tally } from '../support/cli';
import { FixedClock, SequentialIds } from '../support/fixed-clock';
import { stackSettings } from '../support/stack-settings';
import { composeWriteSide } from '../../src/composition/write-side';
import { composeProjector } from '../../src/composition/read-side';
import { tamperWithUsage } from '../support/read-model-snapshot';

const ORG = 'org_audit';
const october = { start: '2026-10-01T00:00:00.000Z', end: '2026-11-01T00:00:00.000Z' };

describe('tally audit', () => {
  const directory = mkdtempSync(join(tmpdir(), 'tally-audit-'));
  const storePath = join(directory, 'events.sqlite');
  const database = `tally_audit_${randomUUID().slice(0, 12)}`;
  const env = { TALLY_EVENT_STORE_PATH: storePath, MONGODB_URL: stackSettings().mongodbUrl, MONGODB_DATABASE: database };
  let mongo: MongoConnection;
  let totalScans = 0;

  beforeAll(async () => {
    mongo = await connectMongo(stackSettings().mongodbUrl, database);
    const store = SqliteEventStore.open(storePath);
    const clock = new FixedClock(new Date('2026-10-01T08:00:00Z'));
    const { handler, commands } = composeWriteSide({ eventStore: store, clock, ids: new SequentialIds() });
    await commands.configureOrganization({ organizationId: ORG, name: 'Audit Co' });
    await commands.configureQuota({ organizationId: ORG, feature: 'OCR_SCAN', includedQuantity: 50, pricePerUnit: 5 });
    for (let day = 1; day <= 31; day++) {
      clock.set(`2026-10-${String(day).padStart(2, '0')}T18:00:00Z`);
      const items = Array.from({ length: 3 }, (_, i) => ({ feature: 'OCR_SCAN', quantity: 1 + i, idempotencyKey: `scan-${day}-${i}` }));
      totalScans += 6;
      await commands.trackBulkUsage(ORG, items);
      // Every fifth day the client retries the whole bulk: duplicates, acknowledged and ignored.
      if (day % 5 === 0) await commands.trackBulkUsage(ORG, items);
      if (day === 20) {
        await handler.execute({ type: 'RecordStripeReport', data: { organizationId: ORG, feature: 'OCR_SCAN', billingPeriod: october, reportSequence: 1, cumulativeQuantity: 120, deltaQuantity: 120, meterEventName: 'tally_ocr_scan', identifier: 'tally:org_audit:OCR_SCAN:2026-10-01T00:00:00.000Z:1' } });
      }
    }
    clock.set('2026-11-01T01:00:00Z');
    await handler.execute({ type: 'RecordStripeReport', data: { organizationId: ORG, feature: 'OCR_SCAN', billingPeriod: october, reportSequence: 2, cumulativeQuantity: totalScans, deltaQuantity: totalScans - 120, meterEventName: 'tally_ocr_scan', identifier: 'tally:org_audit:OCR_SCAN:2026-10-01T00:00:00.000Z:2' } });
    await handler.execute({ type: 'CloseBillingPeriod', data: { organizationId: ORG, billingPeriod: october } });
    // A late scan from October arrives after the close: a correction in November, not in October's bill.
    clock.set('2026-11-02T09:00:00Z');
    await commands.trackUsage({ organizationId: ORG, feature: 'OCR_SCAN', quantity: 4, timestamp: '2026-10-30T12:00:00Z', idempotencyKey: 'late-1' });
    await composeProjector({ store, db: mongo.db, clock }).catchUp();
    await store.close();
  }, 60_000);

  afterAll(async () => {
    await mongo.db.dropDatabase();
    await mongo.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('agrees with the period close, the read models and Stripe', () => {
    const result = tally(['audit', '--org', ORG, '--period', '2026-10', '--json'], env);
    expect(result.status).toBe(0);
    const audit = JSON.parse(result.stdout);
    expect(audit).toMatchObject({ agrees: true, differences: [], closedAt: '2026-11-01T01:00:00.000Z' });
    // 186 scans, 50 free, 136 over at 5 cents; six bulks were resent (18 duplicates); the late scan is not in October.
    expect(audit.features).toEqual([
      expect.objectContaining({ feature: 'OCR_SCAN', eventsCounted: 93, duplicatesIgnored: 18, corrections: 0, quantity: 186, includedQuantity: 50, overageQuantity: 136, overageAmount: '6.80', currency: 'EUR', reportedToStripe: { quantity: 186, reports: 2 } }),
    ]);
  });

  it('finds exactly the read-model document corrupted on purpose, and agrees again after a replay', async () => {
    await tamperWithUsage(mongo.db, ORG, october.start, 'OCR_SCAN', 7);
    const corrupted = tally(['audit', '--org', ORG, '--period', '2026-10'], env);
    expect(corrupted.status).toBe(1);
    expect(corrupted.stdout).toContain('read-model OCR_SCAN quantity: event log says 186, found 193');
    const json = JSON.parse(tally(['audit', '--org', ORG, '--period', '2026-10', '--json'], env).stdout);
    expect(json.differences).toEqual([
      { source: 'read-model', feature: 'OCR_SCAN', field: 'quantity', expected: '186', actual: '193' },
      { source: 'read-model', feature: 'OCR_SCAN', field: 'overageQuantity', expected: '136', actual: '143' },
      { source: 'read-model', feature: 'OCR_SCAN', field: 'overageAmount', expected: '6.80', actual: '7.15' },
    ]);

    const replay = tally(['replay'], env);
    expect(replay.status).toBe(0);
    expect(replay.stdout).toMatch(/rebuilt projection usage: \d+ events/);
    expect(tally(['audit', '--org', ORG, '--period', '2026-10'], env).status).toBe(0);
  }, 120_000);

  it('says clearly when the organization or the period is wrong', () => {
    const unknown = tally(['audit', '--org', 'org_nope', '--period', '2026-10'], env);
    expect(unknown).toMatchObject({ status: 2, stdout: '' });
    expect(unknown.stderr.trim()).toBe('tally: organization "org_nope" does not exist');
    const badPeriod = tally(['audit', '--org', ORG, '--period', 'October'], env);
    expect(badPeriod.status).toBe(2);
    expect(badPeriod.stderr.trim()).toBe('tally: period must be a year and month such as "2026-11", got "October"');
  });
});
