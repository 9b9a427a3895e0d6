// One rule for a quota that changes within a billing period: the quota in
// force when the period is priced cuts all of its usage into its windows. The
// read models, the quota check, the estimate, the period close and the audit
// apply it identically.
import { auditPeriod } from '../../src/application/audit/period-audit';
import { createReadSide, type ReadSide } from '../support/read-side-harness';

const ORG = 'org_changes';

describe('a quota changed within the period', () => {
  let side: ReadSide;

  beforeEach(async () => {
    side = await createReadSide();
    side.clock.set('2026-11-01T08:00:00Z');
    await side.commands.configureOrganization({ organizationId: ORG });
  });

  afterEach(() => side.dispose());

  it('from 5 free a day to 7 free a month prices the whole month with 7 free: 20 emails, 13 over', async () => {
    await side.commands.configureQuota({ organizationId: ORG, feature: 'EMAIL_SENT', includedQuantity: 5, pricePerUnit: 1, resetPeriod: 'DAILY' });
    for (const day of ['2026-11-02', '2026-11-03']) {
      side.clock.set(`${day}T12:00:00Z`);
      await side.commands.trackUsage({ organizationId: ORG, feature: 'EMAIL_SENT', quantity: 10, idempotencyKey: `mail-${day}` });
    }
    await side.commands.configureQuota({ organizationId: ORG, feature: 'EMAIL_SENT', includedQuantity: 7, pricePerUnit: 1, resetPeriod: 'MONTHLY' });
    await side.catchUp();

    const usage = await side.queries.getCurrentUsage({ organizationId: ORG, features: ['EMAIL_SENT'] });
    expect(usage.features[0]).toMatchObject({ resetPeriod: 'MONTHLY', includedQuantity: 7, totalQuantity: 20, overageQuantity: 13, overageAmount: 0.13 });
    const check = await side.queries.checkQuota(ORG, 'EMAIL_SENT');
    expect(check).toMatchObject({ used: 20, included: 7, remaining: 0, resetPeriod: 'MONTHLY' });
    const estimate = await side.queries.estimateUsageCosts(ORG);
    expect(estimate.features.find((f) => f.feature === 'EMAIL_SENT')?.currentQuantity).toBe(20);
    expect(estimate.currentAmount).toBe(0.13);

    side.clock.set('2026-12-01T02:00:00Z');
    await side.commands.trackUsage({ organizationId: ORG, feature: 'OCR_SCAN', quantity: 1, idempotencyKey: 'december' });
    const writeSide = await side.closePeriod(ORG, { start: '2026-11-01T00:00:00.000Z', end: '2026-12-01T00:00:00.000Z' });
    expect(writeSide.find((f) => f.feature === 'EMAIL_SENT')).toMatchObject({ totalQuantity: 20, overageQuantity: 13, overageAmount: '0.13' });
    await side.catchUp();
    const audit = await auditPeriod(side.store, side.readModels, ORG, '2026-11', { clock: side.clock });
    expect(audit.agrees).toBe(true);
    expect(audit.features.find((f) => f.feature === 'EMAIL_SENT')).toMatchObject({ quantity: 20, overageQuantity: 13, overageAmount: '0.13' });
  });

  it('counts usage recorded under the catalogue default in the window of a new daily hard quota', async () => {
    side.clock.set('2026-11-10T09:00:00Z');
    await side.commands.trackUsage({ organizationId: ORG, feature: 'SMS_SENT', quantity: 10, idempotencyKey: 'sms-morning' });
    side.clock.set('2026-11-10T10:00:00Z');
    await side.commands.configureQuota({ organizationId: ORG, feature: 'SMS_SENT', includedQuantity: 4, pricePerUnit: 10, resetPeriod: 'DAILY', enforcement: 'hard' });
    await side.catchUp();
    expect(await side.queries.checkQuota(ORG, 'SMS_SENT')).toMatchObject({ used: 10, remaining: 0, hasQuota: false, windowStart: '2026-11-10T00:00:00.000Z' });
    const usage = await side.queries.getCurrentUsage({ organizationId: ORG, features: ['SMS_SENT'] });
    expect(usage.features[0]).toMatchObject({ totalQuantity: 10, overageQuantity: 6 });
  });

  it.each(['DAILY', 'WEEKLY', 'QUARTERLY'] as const)('counts all usage of the window in force after a %s quota is removed', async (resetPeriod) => {
    side.clock.set('2026-11-10T09:00:00Z');
    await side.commands.configureQuota({ organizationId: ORG, feature: 'SMS_SENT', includedQuantity: 4, pricePerUnit: 10, resetPeriod });
    await side.commands.trackUsage({ organizationId: ORG, feature: 'SMS_SENT', quantity: 10, idempotencyKey: 'sms-1', timestamp: '2026-11-03T09:00:00Z' });
    await side.commands.trackUsage({ organizationId: ORG, feature: 'SMS_SENT', quantity: 3, idempotencyKey: 'sms-2' });
    await side.commands.removeQuota(ORG, 'SMS_SENT');
    await side.catchUp();
    // The catalogue default (100 free a month) applies again, to the whole month.
    expect(await side.queries.checkQuota(ORG, 'SMS_SENT')).toMatchObject({ used: 13, included: 100, resetPeriod: 'MONTHLY' });
  });
});
