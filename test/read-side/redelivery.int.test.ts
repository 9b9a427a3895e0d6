// A batch whose documents were written but whose checkpoint was not (a
// projector that crashed in between) is delivered again inside batches of
// other bounds, with events the crashed instance never saw: every document
// takes exactly the events it has not applied yet.
import { randomUUID } from 'node:crypto';
import { decodeEvent } from '../../src/application/event-log/organization-event-codec';
import type { PositionedEvent } from '../../src/application/ports/projection';
import { composeProjector, rebuildReadModels } from '../../src/composition/read-side';
import { connectMongo, type MongoConnection } from '../../src/read-side/mongo/mongo-connection';
import { MongoUsageProjection } from '../../src/read-side/mongo/mongo-usage-projection';
import { createReadSide, type ReadSide } from '../support/read-side-harness';
import { dailyEntries, readModelSnapshot } from '../support/read-model-snapshot';
import { stackSettings } from '../support/stack-settings';

describe('a batch delivered again after a crash before its checkpoint', () => {
  let side: ReadSide;
  let rebuilt: MongoConnection;

  beforeEach(async () => {
    side = await createReadSide();
    rebuilt = await connectMongo(stackSettings().mongodbUrl, `tally_redelivery_${randomUUID().slice(0, 12)}`);
  });

  afterEach(async () => {
    await rebuilt.db.dropDatabase();
    await rebuilt.close();
    await side.dispose();
  });

  const track = async (from: number, count: number) => {
    for (let i = from; i < from + count; i++) {
      await side.commands.trackBulkUsage('org_a', [
        { feature: 'OCR_SCAN', quantity: 1, idempotencyKey: `scan-${i}`, timestamp: '2026-11-10T10:00:00Z' },
        { feature: 'EMAIL_SENT', quantity: 2, idempotencyKey: `mail-${i}`, timestamp: '2026-11-11T10:00:00Z' },
      ]);
    }
  };

  it('applies to each document exactly the events it had not applied, whatever the new batch bounds', async () => {
    await side.commands.configureOrganization({ organizationId: 'org_a' });
    await track(0, 300);
    // The crashed instance: it wrote the documents for the first 400 events and died before its checkpoint.
    const logged = (await side.store.readStream('organization-org_a')).map((recorded): PositionedEvent => ({
      event: decodeEvent(recorded) as NonNullable<ReturnType<typeof decodeEvent>>,
      position: Number(recorded.position),
    }));
    await new MongoUsageProjection(side.mongo.db).apply(logged.slice(0, 400));
    // The log grows meanwhile; the next projector starts from the old checkpoint with batches of 250.
    await track(300, 200);
    await composeProjector({ store: side.store, db: side.mongo.db, clock: side.clock, batchSize: 250 }).catchUp();

    await rebuildReadModels({ store: side.store, db: rebuilt.db, clock: side.clock });
    const [afterCrash, clean] = await Promise.all([readModelSnapshot(side.mongo.db), readModelSnapshot(rebuilt.db)]);
    expect(afterCrash).toEqual(clean);
    const total = (feature: string) => dailyEntries(afterCrash).filter((entry) => entry.feature === feature).reduce((sum, entry) => sum + entry.quantity, 0);
    expect(total('OCR_SCAN')).toBe(500);
    expect(total('EMAIL_SENT')).toBe(1_000);
  });
});
