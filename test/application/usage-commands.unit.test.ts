// The write side end to end on the embedded event store: commands decided
// against the stream, appended atomically, idempotent for good.
import type { EventStore } from '../../src/application/ports/event-store';
import { UsageCommands } from '../../src/application/usage/usage-commands';
import { organizationStreamId } from '../../src/domain/events';
import { SqliteEventStore } from '../../src/infrastructure/eventstore/sqlite-event-store';
import { FixedClock, SequentialIds } from '../support/fixed-clock';
import { composeWriteSide } from '../../src/composition/write-side';

const ORG = 'org_123';

describe('usage commands', () => {
  let store: EventStore;
  let clock: FixedClock;
  let commands: UsageCommands;

  const freshCommands = () => composeWriteSide({ eventStore: store, clock, ids: new SequentialIds() }).commands;
  const streamTypes = async () => (await store.readStream(organizationStreamId(ORG))).map((e) => e.type);

  beforeEach(async () => {
    store = SqliteEventStore.open(':memory:');
    clock = new FixedClock();
    commands = freshCommands();
    await commands.configureOrganization({ organizationId: ORG, name: 'Acme' });
  });

  afterEach(() => store.close());

  it("configures the seed's quota and records usage against it", async () => {
    await commands.configureQuota({ organizationId: ORG, feature: 'OCR_SCAN', includedQuantity: 100, pricePerUnit: 5, currency: 'EUR', resetPeriod: 'MONTHLY' });
    const result = await commands.trackUsage({ organizationId: ORG, feature: 'OCR_SCAN', quantity: 1, metadata: { fileSize: 1024000 } });
    expect(result).toMatchObject({ duplicate: false, countedAs: 'usage', billingPeriod: { start: '2026-11-01T00:00:00.000Z' } });
    expect(result.position).toMatch(/^\d+$/);
    expect(await streamTypes()).toEqual(['OrganizationConfigured', 'QuotaConfigured', 'UsageRecorded']);
  });

  it('defaults the quantity to 1, as the seed does', async () => {
    await commands.trackUsage({ organizationId: ORG, feature: 'API_CALL' });
    const [, usage] = await store.readStream(organizationStreamId(ORG));
    expect(usage.data).toMatchObject({ feature: 'API_CALL', quantity: 1 });
  });

  describe('idempotency', () => {
    it('acknowledges a repeated key as a duplicate and logs it without counting it', async () => {
      const first = await commands.trackUsage({ organizationId: ORG, feature: 'OCR_SCAN', idempotencyKey: 'scan-1' });
      const again = await commands.trackUsage({ organizationId: ORG, feature: 'OCR_SCAN', idempotencyKey: 'scan-1' });
      expect(first.duplicate).toBe(false);
      expect(again).toMatchObject({ idempotencyKey: 'scan-1', duplicate: true, countedAs: null });
      expect(await streamTypes()).toEqual(['OrganizationConfigured', 'UsageRecorded', 'UsageDuplicateIgnored']);
    });

    it('remembers keys across a restart, however much later the repeat comes', async () => {
      await commands.trackUsage({ organizationId: ORG, feature: 'OCR_SCAN', idempotencyKey: 'scan-1' });
      clock.set('2027-06-01T00:00:00Z');
      const again = await freshCommands().trackUsage({ organizationId: ORG, feature: 'OCR_SCAN', idempotencyKey: 'scan-1' });
      expect(again.duplicate).toBe(true);
    });

    it('derives the key from the content when a timestamp is given, so a resend is a duplicate', async () => {
      const usage = { organizationId: ORG, feature: 'EMAIL_SENT', quantity: 5, timestamp: '2026-11-15T11:00:00Z' };
      const first = await commands.trackUsage(usage);
      const again = await commands.trackUsage({ ...usage, timestamp: '2026-11-15T12:00:00+01:00' });
      expect(first.idempotencyKey).toMatch(/^drv_/);
      expect(again).toMatchObject({ idempotencyKey: first.idempotencyKey, duplicate: true });
    });

    it('gives usage without key or timestamp a fresh key each time', async () => {
      const first = await commands.trackUsage({ organizationId: ORG, feature: 'EMAIL_SENT' });
      const second = await commands.trackUsage({ organizationId: ORG, feature: 'EMAIL_SENT' });
      expect(first.idempotencyKey).not.toBe(second.idempotencyKey);
      expect(second.duplicate).toBe(false);
    });

    it('sees keys another writer accepted meanwhile (optimistic concurrency)', async () => {
      const other = freshCommands();
      await commands.trackUsage({ organizationId: ORG, feature: 'OCR_SCAN', idempotencyKey: 'warm-up' });
      await other.trackUsage({ organizationId: ORG, feature: 'OCR_SCAN', idempotencyKey: 'scan-1' });
      const again = await commands.trackUsage({ organizationId: ORG, feature: 'OCR_SCAN', idempotencyKey: 'scan-1' });
      expect(again.duplicate).toBe(true);
      expect((await streamTypes()).filter((t) => t === 'UsageRecorded')).toHaveLength(2);
    });
  });

  describe('in bulk', () => {
    it("tracks the seed's bulk and reports what was accepted", async () => {
      const result = await commands.trackBulkUsage(ORG, [
        { feature: 'EMAIL_SENT', quantity: 5 },
        { feature: 'PDF_EXPORT', quantity: 2 },
      ]);
      expect(result).toMatchObject({ accepted: 2, duplicates: 0 });
      expect(result.items.map((i) => i.countedAs)).toEqual(['usage', 'usage']);
    });

    it('stores nothing of a bulk with one bad item', async () => {
      const bulk = commands.trackBulkUsage(ORG, [
        { feature: 'EMAIL_SENT', quantity: 5 },
        { feature: 'PDF_EXPORT', quantity: -2 },
      ]);
      await expect(bulk).rejects.toMatchObject({ code: 'validation', field: 'items[1].quantity' });
      expect(await streamTypes()).toEqual(['OrganizationConfigured']);
    });

    it('marks the repeats of a bulk sent twice as duplicates', async () => {
      const items = [
        { feature: 'EMAIL_SENT', quantity: 5, idempotencyKey: 'e-1' },
        { feature: 'PDF_EXPORT', quantity: 2, idempotencyKey: 'p-1' },
      ];
      await commands.trackBulkUsage(ORG, items);
      expect(await commands.trackBulkUsage(ORG, items)).toMatchObject({ accepted: 0, duplicates: 2 });
    });
  });

  describe('concurrent single events', () => {
    it('are decided together and appended in one transaction', async () => {
      const append = jest.spyOn(store, 'appendToStream');
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) => commands.trackUsage({ organizationId: ORG, feature: 'API_CALL', idempotencyKey: `call-${i % 40}` })),
      );
      expect(results.filter((r) => !r.duplicate)).toHaveLength(40);
      expect(results.filter((r) => r.duplicate)).toHaveLength(10);
      expect(append.mock.calls.length).toBeLessThanOrEqual(2);
      expect((await streamTypes()).filter((t) => t === 'UsageRecorded')).toHaveLength(40);
    });

    it('fail one by one: a bad event does not take its neighbours down', async () => {
      const [good, bad] = await Promise.allSettled([
        commands.trackUsage({ organizationId: ORG, feature: 'API_CALL', idempotencyKey: 'ok' }),
        commands.trackUsage({ organizationId: ORG, feature: 'TELEPORT', idempotencyKey: 'bad' }),
      ]);
      expect(good.status).toBe('fulfilled');
      expect(bad).toMatchObject({ status: 'rejected', reason: { code: 'not_found', field: 'feature' } });
    });
  });

  it('answers not found for an organization that does not exist, storing nothing', async () => {
    await expect(commands.trackUsage({ organizationId: 'org_nope', feature: 'OCR_SCAN' })).rejects.toMatchObject({ code: 'not_found', field: 'organizationId' });
    expect(await store.readStream(organizationStreamId('org_nope'))).toEqual([]);
  });

  it('records a configuration that changes nothing as no event', async () => {
    expect(await commands.configureOrganization({ organizationId: ORG, name: 'Acme' })).toMatchObject({ changed: false });
  });
});
