// Specifications of a period's statement: how usage becomes quantities,
// overage and money per feature.
import { builtInFeature } from '../../src/domain/catalogue';
import type { OrganizationEvent, UsageCorrected, UsageRecorded } from '../../src/domain/events';
import { toMajorString } from '../../src/domain/money';
import { evolve, initialOrganizationState, type ActiveOrganization } from '../../src/domain/organization';
import { foldDailyUsage } from '../../src/domain/daily-usage';
import { statementForPeriod, toFeatureSummary } from '../../src/domain/period-statement';
import { ORG, organizationConfigured } from '../support/organization-spec';

const november = { start: '2026-11-01T00:00:00.000Z', end: '2026-12-01T00:00:00.000Z' };

function organizationWith(...events: OrganizationEvent[]): ActiveOrganization {
  const state = [organizationConfigured(), ...events].reduce(evolve, initialOrganizationState());
  if (state.status !== 'active') throw new Error('organization not configured');
  return state;
}

const quota = (feature: string, data: object): OrganizationEvent =>
  ({
    type: 'QuotaConfigured',
    data: { organizationId: ORG, feature, currency: 'EUR', resetPeriod: 'MONTHLY', enforcement: 'soft', configuredAt: '2026-11-01T00:00:00.000Z', ...data },
  }) as OrganizationEvent;

let sequence = 0;
const usage = (feature: string, quantity: number, at: string, window = november, billingPeriod = november): UsageRecorded => ({
  type: 'UsageRecorded',
  data: { organizationId: ORG, feature, quantity, idempotencyKey: `k${++sequence}`, timestamp: at, recordedAt: at, billingPeriod, window },
});

function statement(state: ActiveOrganization, events: (UsageRecorded | UsageCorrected)[], period = november) {
  const aggregationOf = (feature: string) => (builtInFeature(feature) ?? state.customFeatures[feature]).aggregation;
  return statementForPeriod(state, period, foldDailyUsage(events, aggregationOf, state.settings.timeZone));
}

describe('a period statement', () => {
  it("bills the seed's example exactly: 50 included, 75 used at 5 cents → 25 over, 1.25", () => {
    const state = organizationWith(quota('OCR_SCAN', { includedQuantity: 50, pricing: { model: 'per_unit', pricePerUnit: '5' } }));
    const [line] = statement(state, [usage('OCR_SCAN', 75, '2026-11-10T09:00:00.000Z')]);
    expect(toFeatureSummary(line)).toEqual({
      feature: 'OCR_SCAN',
      totalQuantity: 75,
      includedQuantity: 50,
      overageQuantity: 25,
      overageAmount: '1.25',
      currency: 'EUR',
      events: 1,
      corrections: 0,
    });
  });

  it('applies the catalogue default when the organization configured no quota', () => {
    const [line] = statement(organizationWith(), [usage('API_CALL', 12_345, '2026-11-10T09:00:00.000Z')]);
    // 10,000 free calls, then 0.1 cent each: 2,345 × 0.001 = 2.345 → 2.35 (half up, once).
    expect(toFeatureSummary(line)).toMatchObject({ includedQuantity: 10_000, overageQuantity: 2_345, overageAmount: '2.35', currency: 'EUR' });
  });

  it('bills storage by its peak, not by the sum of the totals sent on every upload', () => {
    const state = organizationWith();
    const uploads = [3, 7, 6, 9, 8].map((gb, day) => usage('STORAGE_GB', gb, `2026-11-0${day + 1}T10:00:00.000Z`));
    const [line] = statement(state, uploads);
    // Peak 9 GB, 5 GB free, 2 cents per GB → 4 GB over, 0.08.
    expect(toFeatureSummary(line)).toMatchObject({ totalQuantity: 9, overageQuantity: 4, overageAmount: '0.08', events: 5 });
  });

  it('sums the daily overage of a daily quota billed monthly', () => {
    const state = organizationWith(quota('SMS_SENT', { includedQuantity: 100, resetPeriod: 'DAILY', pricing: { model: 'per_unit', pricePerUnit: '10' } }));
    const day = (d: number) => ({ start: `2026-11-${d}T00:00:00.000Z`, end: `2026-11-${d + 1}T00:00:00.000Z` });
    const events = [
      usage('SMS_SENT', 120, '2026-11-10T10:00:00.000Z', day(10)), // 20 over
      usage('SMS_SENT', 80, '2026-11-11T10:00:00.000Z', day(11)), // within the free 100
      usage('SMS_SENT', 60, '2026-11-12T10:00:00.000Z', day(12)),
      usage('SMS_SENT', 45, '2026-11-12T18:00:00.000Z', day(12)), // 5 over
    ];
    const [line] = statement(state, events);
    // 25 SMS over in the month, not 305 − 100 = 205: each day has its own 100 free.
    expect(toFeatureSummary(line)).toMatchObject({ totalQuantity: 305, overageQuantity: 25, overageAmount: '2.50', events: 4 });
    expect(line.windows).toBe(3);
  });

  it('bills a quarterly window by what each month adds to it', () => {
    const state = organizationWith(quota('PDF_EXPORT', { includedQuantity: 100, resetPeriod: 'QUARTERLY', pricing: { model: 'per_unit', pricePerUnit: '2' } }));
    const quarter = { start: '2026-10-01T00:00:00.000Z', end: '2027-01-01T00:00:00.000Z' };
    const october = { start: '2026-10-01T00:00:00.000Z', end: '2026-11-01T00:00:00.000Z' };
    const events = [usage('PDF_EXPORT', 80, '2026-10-10T10:00:00.000Z', quarter, october), usage('PDF_EXPORT', 50, '2026-11-10T10:00:00.000Z', quarter, november)];
    const [octoberLine] = statement(state, events, october);
    const [novemberLine] = statement(state, events, november);
    expect(toFeatureSummary(octoberLine)).toMatchObject({ totalQuantity: 80, overageQuantity: 0, overageAmount: '0.00' });
    // The quarter's free 100 were 80 used in October; November's 50 go 30 over.
    expect(toFeatureSummary(novemberLine)).toMatchObject({ totalQuantity: 50, overageQuantity: 30, overageAmount: '0.60' });
  });

  it('takes the reading with the latest timestamp for a latest-value feature, whatever the arrival order', () => {
    const state = organizationWith({
      type: 'CustomFeatureDefined',
      data: { organizationId: ORG, key: 'SEATS', displayName: 'Seats', unit: 'seat', aggregation: 'latest', definedAt: '2026-11-01T00:00:00.000Z' },
    }, quota('SEATS', { includedQuantity: 5, pricing: { model: 'per_unit', pricePerUnit: '100' } }));
    const events = [usage('SEATS', 12, '2026-11-20T10:00:00.000Z'), usage('SEATS', 30, '2026-11-05T10:00:00.000Z')];
    const [line] = statement(state, events);
    expect(toFeatureSummary(line)).toMatchObject({ totalQuantity: 12, overageQuantity: 7, overageAmount: '7.00' });
  });

  it('adds corrections to the period they count in', () => {
    const state = organizationWith(quota('OCR_SCAN', { includedQuantity: 0, pricing: { model: 'per_unit', pricePerUnit: '5' } }));
    const late: UsageCorrected = {
      type: 'UsageCorrected',
      data: { ...usage('OCR_SCAN', 4, '2026-10-31T23:59:00.000Z').data, recordedAt: '2026-11-02T00:00:00.000Z', reason: 'late' },
    };
    const [line] = statement(state, [usage('OCR_SCAN', 10, '2026-11-10T09:00:00.000Z'), late]);
    expect(toFeatureSummary(line)).toMatchObject({ totalQuantity: 14, overageAmount: '0.70', events: 1, corrections: 1 });
  });

  it('keeps each quota in its own currency', () => {
    const state = organizationWith(
      quota('OCR_SCAN', { includedQuantity: 0, pricing: { model: 'per_unit', pricePerUnit: '5' }, currency: 'EUR' }),
      quota('SMS_SENT', { includedQuantity: 0, pricing: { model: 'per_unit', pricePerUnit: '7' }, currency: 'JPY' }),
    );
    const lines = statement(state, [usage('OCR_SCAN', 3, '2026-11-10T09:00:00.000Z'), usage('SMS_SENT', 3, '2026-11-10T09:00:00.000Z')]);
    expect(lines.map((line) => [line.feature, toMajorString(line.overageAmount), line.overageAmount.currency])).toEqual([
      ['OCR_SCAN', '0.15', 'EUR'],
      ['SMS_SENT', '21', 'JPY'],
    ]);
  });

  it('lists configured features without usage at zero', () => {
    const state = organizationWith(quota('BANK_SYNC', { includedQuantity: 30, pricing: { model: 'per_unit', pricePerUnit: '3' } }));
    expect(statement(state, []).map(toFeatureSummary)).toEqual([
      { feature: 'BANK_SYNC', totalQuantity: 0, includedQuantity: 30, overageQuantity: 0, overageAmount: '0.00', currency: 'EUR', events: 0, corrections: 0 },
    ]);
  });
});
