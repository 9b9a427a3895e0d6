// The scale benchmark writes its log straight into the event store instead of
// through the write side (five million events would take too long otherwise).
// These specifications hold that log to what the write side itself would have
// written, so the benchmark measures Tally on a log Tally could have made.
import { decodeEvent } from '../../src/application/event-log/organization-event-codec';
import { DomainError } from '../../src/domain/domain-error';
import { organizationStreamId, type OrganizationEvent, type UsageRecorded } from '../../src/domain/events';
import { OrganizationLedger } from '../../src/domain/organization-ledger';
import { SqliteEventStore } from '../../src/infrastructure/eventstore/sqlite-event-store';
import { composeWriteSide } from '../../src/composition/write-side';
import { writeScaleLog, type ScaleLog, type ScaleLogPlan } from '../../bench/support/scale-log';
import { configurationEvents, LARGE_PROFILE, SMALL_PROFILES } from '../../bench/support/scale-organizations';
import { FixedClock } from '../support/fixed-clock';

const PLAN: ScaleLogPlan = {
  organizations: 5,
  usageEvents: 700,
  largeOrganizationEvents: 300,
  largeDuplicateShare: 0.3,
  appendSize: 40,
  periodStart: new Date('2026-11-01T00:00:00Z'),
  now: new Date('2026-11-20T12:00:00Z'),
};

describe("the scale benchmark's log", () => {
  let store: SqliteEventStore;
  let log: ScaleLog;

  const streamOf = async (organizationId: string): Promise<OrganizationEvent[]> =>
    (await store.readStream(organizationStreamId(organizationId))).map((recorded) => decodeEvent(recorded) as OrganizationEvent);
  const organizations = () => [log.largeOrganizationId, ...log.smallOrganizationIds];

  beforeEach(async () => {
    store = SqliteEventStore.open(':memory:');
    log = await writeScaleLog(store, PLAN, () => undefined);
  });

  afterEach(() => store.close());

  it('holds every planned usage event, the large organization a 30% share of retries', async () => {
    const streams = await Promise.all(organizations().map(streamOf));
    const usage = streams.flat().filter((event) => event.type === 'UsageRecorded' || event.type === 'UsageDuplicateIgnored');
    expect(usage).toHaveLength(PLAN.usageEvents);
    expect(streams.flat()).toHaveLength(log.events);
    const large = streams[0];
    expect(large.filter((event) => event.type === 'UsageRecorded')).toHaveLength(log.largeUsageRecorded);
    expect(large.filter((event) => event.type === 'UsageDuplicateIgnored')).toHaveLength(log.largeDuplicatesIgnored);
    expect(log.largeDuplicatesIgnored).toBe(90);
    expect(log.duplicatesIgnored).toBe(log.largeDuplicatesIgnored);
  });

  it('configures each organization before its first usage', async () => {
    const [large, firstSmall] = await Promise.all([streamOf(log.largeOrganizationId), streamOf(log.smallOrganizationIds[0])]);
    expect(large.slice(0, 1 + LARGE_PROFILE.quotas.length)).toEqual(configurationEvents(log.largeOrganizationId, LARGE_PROFILE, PLAN.periodStart));
    expect(firstSmall.slice(0, 1 + SMALL_PROFILES[0].quotas.length)).toEqual(configurationEvents(log.smallOrganizationIds[0], SMALL_PROFILES[0], PLAN.periodStart));
  });

  it('records each usage event exactly as the write side would have decided it', async () => {
    for (const organizationId of organizations()) {
      const events = await streamOf(organizationId);
      const ledger = OrganizationLedger.from(events.filter((event) => event.type === 'OrganizationConfigured' || event.type === 'QuotaConfigured'));
      for (const event of events.filter((e): e is UsageRecorded => e.type === 'UsageRecorded')) {
        const { feature, quantity, idempotencyKey, timestamp, metadata } = event.data;
        const [decided] = ledger.decide({ type: 'TrackUsage', data: { organizationId, items: [{ feature, quantity, idempotencyKey, timestamp, ...(metadata && { metadata }) }] } }, PLAN.now);
        expect(event.data).toEqual({ ...decided.data, recordedAt: event.data.recordedAt });
        expect(Date.parse(event.data.recordedAt)).toBeGreaterThanOrEqual(Date.parse(timestamp));
        expect(Date.parse(event.data.recordedAt)).toBeLessThan(PLAN.now.getTime());
      }
    }
  });

  it('retries only keys the organization accepted before, with the same content', async () => {
    const accepted = new Map<string, { feature: string; quantity: number }>();
    for (const event of await streamOf(log.largeOrganizationId)) {
      if (event.type === 'UsageRecorded') {
        expect(accepted.has(event.data.idempotencyKey)).toBe(false);
        accepted.set(event.data.idempotencyKey, { feature: event.data.feature, quantity: event.data.quantity });
      }
      if (event.type === 'UsageDuplicateIgnored') expect(accepted.get(event.data.idempotencyKey)).toEqual({ feature: event.data.feature, quantity: event.data.quantity });
    }
  });

  it('is taken by the write side as its own: after a snapshot and a restart, a retry is a duplicate and other content a conflict', async () => {
    const clock = new FixedClock(PLAN.now);
    const writeSide = () => composeWriteSide({ eventStore: store, clock, handlerOptions: { snapshotEvery: 50 } }).commands;
    const organizationId = log.largeOrganizationId;
    const fresh = await writeSide().trackUsage({ organizationId, feature: 'API_CALL', quantity: 1, idempotencyKey: 'after-the-log' });
    expect(fresh.duplicate).toBe(false);
    expect(await store.ledgerStorage().loadSnapshot(organizationStreamId(organizationId))).not.toBeNull();

    const restarted = writeSide();
    const retry = await restarted.trackUsage({ organizationId, ...log.firstLargeUsage });
    expect(retry.duplicate).toBe(true);
    await expect(restarted.trackUsage({ organizationId, ...log.firstLargeUsage, quantity: log.firstLargeUsage.quantity + 1 })).rejects.toMatchObject({
      constructor: DomainError,
      code: 'conflict',
    });
  });
});
