// The billing reactor follows the event log with its own checkpoint and asks
// for a period workflow when an organization is configured or its usage
// reaches a new period; quota and settings changes are passed on. Checkpoints
// live in the local MongoDB-wire server; the workflows are a recording fake.
import { randomUUID } from 'node:crypto';
import { UsageCommands } from '../../src/application/usage/usage-commands';
import type { IntervalRecord } from '../../src/domain/events';
import { SqliteEventStore } from '../../src/infrastructure/eventstore/sqlite-event-store';
import { connectMongo, type MongoConnection } from '../../src/read-side/mongo/mongo-connection';
import { BillingReactor, BILLING_REACTOR_NAME, type BillingReactorTarget } from '../../src/workflows/billing-reactor';
import { MongoCheckpointStore } from '../../src/read-side/mongo/mongo-checkpoints';
import { FixedClock, SequentialIds } from '../support/fixed-clock';
import { stackSettings } from '../support/stack-settings';
import { composeWriteSide } from '../../src/composition/write-side';
import { composeProjector } from '../../src/composition/read-side';

class RecordingWorkflows implements BillingReactorTarget {
  readonly calls: string[] = [];
  failNext = 0;

  async ensurePeriodWorkflow(organizationId: string, billingPeriod: IntervalRecord): Promise<void> {
    if (this.failNext > 0) {
      this.failNext -= 1;
      throw new Error('Temporal is unreachable');
    }
    this.calls.push(`ensure ${organizationId} ${billingPeriod.start}`);
  }

  async notifyQuotaChanged(organizationId: string): Promise<boolean> {
    this.calls.push(`quota-changed ${organizationId}`);
    return true;
  }
}

describe('the billing reactor', () => {
  let store: SqliteEventStore;
  let mongo: MongoConnection;
  let clock: FixedClock;
  let usage: UsageCommands;
  let workflows: RecordingWorkflows;

  beforeEach(async () => {
    store = SqliteEventStore.open(':memory:');
    mongo = await connectMongo(stackSettings().mongodbUrl, `tally_reactor_${randomUUID().slice(0, 12)}`);
    clock = new FixedClock(new Date('2026-11-15T12:00:00Z'));
    usage = composeWriteSide({ eventStore: store, clock, ids: new SequentialIds() }).commands;
    workflows = new RecordingWorkflows();
  });

  afterEach(async () => {
    await mongo.db.dropDatabase();
    await mongo.close();
    await store.close();
  });

  /** A reactor process: its own memory, the shared checkpoint. */
  const catchUp = () =>
    composeProjector({ store, db: mongo.db, clock, projection: new BillingReactor(workflows), batchWindowMs: 10, logger: { info: () => undefined, warn: () => undefined, error: () => undefined } }).catchUp();

  it('ensures the period workflow when an organization is configured and when usage reaches a new period', async () => {
    await usage.configureOrganization({ organizationId: 'org_a' });
    await usage.trackUsage({ organizationId: 'org_a', feature: 'OCR_SCAN', quantity: 1, idempotencyKey: 'nov-1' });
    await usage.trackUsage({ organizationId: 'org_a', feature: 'OCR_SCAN', quantity: 1, idempotencyKey: 'nov-2' });
    clock.set('2026-12-02T00:00:00Z');
    await usage.trackUsage({ organizationId: 'org_a', feature: 'OCR_SCAN', quantity: 1, idempotencyKey: 'dec-1' });
    await catchUp();
    expect(workflows.calls).toEqual(['ensure org_a 2026-12-01T00:00:00.000Z', 'quota-changed org_a']);
  });

  it('asks once per organization and period across batches, and passes quota changes on', async () => {
    await usage.configureOrganization({ organizationId: 'org_a' });
    await usage.configureOrganization({ organizationId: 'org_b', timeZone: 'Asia/Tokyo' });
    await catchUp();
    await usage.trackUsage({ organizationId: 'org_a', feature: 'OCR_SCAN', quantity: 1, idempotencyKey: 'nov-1' });
    await usage.configureQuota({ organizationId: 'org_b', feature: 'OCR_SCAN', includedQuantity: 10, pricePerUnit: 5 });
    await catchUp();
    expect(workflows.calls).toEqual([
      'ensure org_a 2026-11-01T00:00:00.000Z',
      'ensure org_b 2026-10-31T15:00:00.000Z',
      'quota-changed org_a',
      'quota-changed org_b',
      // A second reactor process starts with an empty memory, from the checkpoint: usage in a known
      // period is asked about once more (harmless: signal-with-start), the quota change is passed on.
      'ensure org_a 2026-11-01T00:00:00.000Z',
      'quota-changed org_b',
    ]);
  });

  it('keeps its checkpoint before a batch Temporal refused, and asks again', async () => {
    await usage.configureOrganization({ organizationId: 'org_a' });
    workflows.failNext = 1;
    const projector = composeProjector({ store, db: mongo.db, clock, projection: new BillingReactor(workflows), batchWindowMs: 10, logger: { info: () => undefined, warn: () => undefined, error: () => undefined } });
    await projector.catchUp();
    expect(workflows.calls).toEqual(['ensure org_a 2026-11-01T00:00:00.000Z', 'quota-changed org_a']);
    expect((await new MongoCheckpointStore(mongo.db).load(BILLING_REACTOR_NAME)).position).toBe(projector.currentPosition());
  });
});
