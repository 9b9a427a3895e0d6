// An audit streams the log page by page: a period of many pages is counted
// exactly, duplicates included, and agrees with the read models.
import { auditPeriod } from '../../src/application/audit/period-audit';
import { createReadSide, type ReadSide } from '../support/read-side-harness';

const ORG = 'org_many_pages';

describe('an audit of a period larger than one page of the log', () => {
  let side: ReadSide;

  beforeAll(async () => {
    side = await createReadSide();
    await side.commands.configureOrganization({ organizationId: ORG });
    for (let bulk = 0; bulk < 5; bulk++) {
      const items = Array.from({ length: 500 }, (_, i) => ({ feature: i % 2 === 0 ? 'EMAIL_SENT' : 'API_CALL', quantity: 2, idempotencyKey: `k-${bulk}-${i}` }));
      await side.commands.trackBulkUsage(ORG, items);
      // Every bulk is resent once in part, as retrying clients do.
      await side.commands.trackBulkUsage(ORG, items.slice(0, 60));
    }
    await side.catchUp();
  }, 60_000);

  afterAll(() => side.dispose());

  it('counts every event once, every duplicate as ignored, and agrees with the read models', async () => {
    const audit = await auditPeriod(side.store, side.readModels, ORG, '2026-11', { clock: side.clock });
    expect(audit.agrees).toBe(true);
    expect(audit.features).toEqual([
      expect.objectContaining({ feature: 'API_CALL', eventsCounted: 1_250, duplicatesIgnored: 150, quantity: 2_500 }),
      expect.objectContaining({ feature: 'EMAIL_SENT', eventsCounted: 1_250, duplicatesIgnored: 150, quantity: 2_500, overageQuantity: 1_500 }),
    ]);
  });
});
