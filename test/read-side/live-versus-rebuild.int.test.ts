// Replay equals live: a randomized log of thousands of events across
// organizations, time zones, features and periods — with duplicates, late
// usage, conflicts and closed periods — is projected live, in small batches
// while it is being written, and then rebuilt from scratch into another
// database. Every read-model document must be the same, field for field.
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { connectMongo } from '../../src/read-side/mongo/mongo-connection';
import { rebuildReadModels } from '../../src/composition/read-side';
import { createReadSide } from '../support/read-side-harness';
import { dailyEntries, readModelSnapshot } from '../support/read-model-snapshot';
import { stackSettings } from '../support/stack-settings';

const FEATURES = ['OCR_SCAN', 'API_CALL', 'STORAGE_GB', 'SMS_SENT', 'EMAIL_SENT', 'SEATS'] as const;
const HOUR = 3_600_000;

const organizationArb = fc.record({
  timeZone: fc.constantFrom('UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata'),
  billingAnchorDay: fc.integer({ min: 1, max: 31 }),
  currency: fc.constantFrom('EUR', 'USD', 'JPY'),
  quotas: fc.array(
    fc.record({
      feature: fc.constantFrom(...FEATURES),
      includedQuantity: fc.integer({ min: 0, max: 200 }),
      pricePerUnit: fc.constantFrom('5', '0.1', '2', '10'),
      resetPeriod: fc.constantFrom('DAILY', 'WEEKLY', 'MONTHLY', 'QUARTERLY'),
    }),
    { maxLength: 4 },
  ),
});

const stepArb = fc.record({
  organization: fc.integer({ min: 0, max: 2 }),
  advanceHours: fc.integer({ min: 1, max: 40 }),
  // Now and then a bulk repeats a key with other content: a conflict that rejects the whole bulk.
  conflicting: fc.integer({ min: 0, max: 30 }).map((n) => n === 0),
  items: fc.array(
    fc.record({
      feature: fc.constantFrom(...FEATURES),
      quantity: fc.integer({ min: 1, max: 50 }),
      // Mostly recent, sometimes days old (late usage after a period closed).
      ageHours: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 96 })),
      // About one item in eight resends an earlier event exactly: a duplicate.
      resend: fc.integer({ min: 0, max: 7 }).map((n) => n === 0),
    }),
    { minLength: 40, maxLength: 110 },
  ),
});

interface SentItem {
  feature: string;
  quantity: number;
  timestamp: string;
  idempotencyKey: string;
}

const scenarioArb = fc.tuple(fc.array(organizationArb, { minLength: 3, maxLength: 3 }), fc.array(stepArb, { minLength: 50, maxLength: 50 }));

describe('live projection versus rebuild', () => {
  it('gives the same read models for a randomized log of thousands of events', async () => {
    await fc.assert(
      // The scenario is drawn from the seed, so a failure reports a seed rather than thousands of events.
      fc.asyncProperty(fc.integer(), async (seed) => {
        const [[organizations, steps]] = fc.sample(scenarioArb, { seed, numRuns: 1 });
        const side = await createReadSide();
        const rebuilt = await connectMongo(stackSettings().mongodbUrl, `tally_rebuild_${randomUUID().slice(0, 12)}`);
        const live = side.newProjector({ batchSize: 97, batchWindowMs: 2 });
        const running = live.run();
        try {
          side.clock.set('2026-08-20T00:00:00Z');
          for (const [index, organization] of organizations.entries()) {
            const organizationId = `org_${index}`;
            await side.commands.configureOrganization({ organizationId, timeZone: organization.timeZone, billingAnchorDay: organization.billingAnchorDay, currency: organization.currency });
            await side.commands.defineCustomFeature({ organizationId, key: 'SEATS', displayName: 'Seats', unit: 'seat', aggregation: 'latest' });
            for (const quota of organization.quotas) await side.commands.configureQuota({ organizationId, ...quota });
          }
          let recorded = 0;
          let duplicates = 0;
          const sent: SentItem[][] = [[], [], []];
          for (const [stepIndex, step] of steps.entries()) {
            side.clock.advance(step.advanceHours * HOUR);
            const now = side.clock.now().getTime();
            const history = sent[step.organization];
            const items: SentItem[] = step.items.map((item, index) =>
              item.resend && history.length > 0
                ? history[(stepIndex * 31 + index * 7) % history.length]
                : {
                    feature: item.feature,
                    quantity: item.feature === 'STORAGE_GB' || item.feature === 'SEATS' ? item.quantity % 20 : item.quantity,
                    timestamp: new Date(now - item.ageHours * HOUR).toISOString(),
                    idempotencyKey: `k-${stepIndex}-${index}`,
                  },
            );
            if (step.conflicting && history.length > 0) items.push({ ...history[0], quantity: history[0].quantity + 1 });
            const result = await side.commands.trackBulkUsage(`org_${step.organization}`, items).catch(() => null);
            if (result) history.push(...items);
            recorded += result?.accepted ?? 0;
            duplicates += result?.duplicates ?? 0;
          }
          expect(duplicates).toBeGreaterThan(100);
          expect(recorded).toBeGreaterThan(2_000);
          // Let the live projector reach the head, then compare with a rebuild.
          const head = await side.store.headPosition();
          while (live.currentPosition() !== head) await new Promise((resolve) => setTimeout(resolve, 20));
          live.stop();
          await running;
          await rebuildReadModels({ store: side.store, db: rebuilt.db, clock: side.clock });
          const [liveDocuments, rebuiltDocuments] = await Promise.all([readModelSnapshot(side.mongo.db), readModelSnapshot(rebuilt.db)]);
          expect(dailyEntries(liveDocuments).length).toBeGreaterThan(20);
          expect(rebuiltDocuments).toEqual(liveDocuments);
        } finally {
          live.stop();
          await running.catch(() => undefined);
          await rebuilt.db.dropDatabase();
          await rebuilt.close();
          await side.dispose();
        }
      }),
      { numRuns: 1, endOnFailure: true },
    );
  }, 240_000);
});
