// Specifications of the billing decisions the period workflows make:
// running totals, Stripe reports, invoice items and the period close.
import type { OrganizationEvent } from '../../src/domain/events';
import { given, ORG, organizationConfigured } from '../support/organization-spec';

const november = { start: '2026-11-01T00:00:00.000Z', end: '2026-12-01T00:00:00.000Z' };

const quota: OrganizationEvent = {
  type: 'QuotaConfigured',
  data: { organizationId: ORG, feature: 'OCR_SCAN', includedQuantity: 50, pricing: { model: 'per_unit', pricePerUnit: '5' }, currency: 'EUR', resetPeriod: 'MONTHLY', enforcement: 'soft', configuredAt: '2026-11-01T00:00:00.000Z' },
};

const scans = (quantity: number, key: string): OrganizationEvent => ({
  type: 'UsageRecorded',
  data: { organizationId: ORG, feature: 'OCR_SCAN', quantity, idempotencyKey: key, timestamp: '2026-11-10T10:00:00.000Z', recordedAt: '2026-11-10T10:00:00.000Z', billingPeriod: november, window: november },
});

const ocrSummary = { feature: 'OCR_SCAN', totalQuantity: 75, includedQuantity: 50, overageQuantity: 25, overageAmount: '1.25', currency: 'EUR', events: 2, corrections: 0 };

describe('closing a billing period', () => {
  const close = (early = false) => ({ type: 'CloseBillingPeriod', data: { organizationId: ORG, billingPeriod: november, ...(early && { early }) } }) as never;

  it("closes after the grace period with the period's exact summary", () => {
    given(organizationConfigured(), quota, scans(50, 'a'), scans(25, 'b'))
      .when(close(), '2026-12-01T01:00:00Z')
      .then([{ type: 'BillingPeriodClosed', data: { organizationId: ORG, billingPeriod: november, closedAt: '2026-12-01T01:00:00.000Z', features: [ocrSummary] } }]);
  });

  it('refuses to close during the grace period', () => {
    given(organizationConfigured(), quota).when(close(), '2026-12-01T00:59:59Z').thenFails('illegal_state', 'billingPeriod', /closes at 2026-12-01T01:00:00.000Z/);
  });

  it('closes early when an operator says so', () => {
    given(organizationConfigured(), quota, scans(75, 'a'))
      .when(close(true), '2026-11-20T00:00:00Z')
      .then((events) => expect(events[0]).toMatchObject({ type: 'BillingPeriodClosed', data: { closedAt: '2026-11-20T00:00:00.000Z' } }));
  });

  it('records nothing when the period is already closed', () => {
    given(organizationConfigured(), { type: 'BillingPeriodClosed', data: { organizationId: ORG, billingPeriod: november, closedAt: '2026-12-01T01:00:00.000Z', features: [] } })
      .when(close(), '2026-12-02T00:00:00Z')
      .then([]);
  });

  it('rejects an interval that is not one of the organization’s periods', () => {
    given(organizationConfigured())
      .when({ type: 'CloseBillingPeriod', data: { organizationId: ORG, billingPeriod: { start: '2026-11-02T00:00:00.000Z', end: '2026-12-01T00:00:00.000Z' } } }, '2026-12-02T00:00:00Z')
      .thenFails('validation', 'billingPeriod');
  });
});

describe('recording the running totals', () => {
  it('summarises the period so far', () => {
    given(organizationConfigured(), quota, scans(50, 'a'), scans(25, 'b'))
      .when({ type: 'RecordUsageAggregation', data: { organizationId: ORG, billingPeriod: november } })
      .then([{ type: 'UsageAggregated', data: { organizationId: ORG, billingPeriod: november, asOf: '2026-11-15T12:00:00.000Z', features: [ocrSummary] } }]);
  });
});

describe('recording what was reported to Stripe', () => {
  const report = (reportSequence: number, cumulativeQuantity: number, deltaQuantity: number) =>
    ({
      type: 'RecordStripeReport',
      data: { organizationId: ORG, feature: 'OCR_SCAN', billingPeriod: november, reportSequence, cumulativeQuantity, deltaQuantity, meterEventName: 'tally_ocr_scan', identifier: `tally:${ORG}:OCR_SCAN:${november.start}:${reportSequence}` },
    }) as never;
  const reported = (reportSequence: number, cumulativeQuantity: number, deltaQuantity: number): OrganizationEvent => ({
    type: 'UsageReportedToStripe',
    data: { ...(report(reportSequence, cumulativeQuantity, deltaQuantity) as { data: object }).data, reportedAt: '2026-11-15T12:00:00.000Z' } as never,
  });

  it('records the first report', () => {
    given(organizationConfigured()).when(report(1, 40, 40)).then([reported(1, 40, 40)]);
  });

  it('records the next report as cumulative', () => {
    given(organizationConfigured(), reported(1, 40, 40)).when(report(2, 75, 35)).then([reported(2, 75, 35)]);
  });

  it('records nothing for a report already recorded (a retried activity)', () => {
    given(organizationConfigured(), reported(1, 40, 40)).when(report(1, 40, 40)).then([]);
  });

  it('refuses a gap in the report numbers', () => {
    given(organizationConfigured()).when(report(2, 40, 40)).thenFails('conflict', 'reportSequence');
  });

  it('refuses a cumulative quantity that does not add up', () => {
    given(organizationConfigured(), reported(1, 40, 40)).when(report(2, 80, 35)).thenFails('validation', 'cumulativeQuantity');
  });
});

describe('recording an invoice item', () => {
  const item = {
    type: 'RecordInvoiceItem',
    data: { organizationId: ORG, feature: 'OCR_SCAN', billingPeriod: november, quantity: 25, amount: '1.25', currency: 'EUR', stripeInvoiceItemId: 'ii_1', idempotencyKey: 'tally-invoice:org_123:OCR_SCAN:2026-11-01T00:00:00.000Z' },
  } as never;

  it('records it once', () => {
    given(organizationConfigured())
      .when(item)
      .then((events) => expect(events[0]).toMatchObject({ type: 'InvoiceItemCreated', data: { amount: '1.25', stripeInvoiceItemId: 'ii_1' } }));
  });

  it('records nothing for the same idempotency key again', () => {
    given(organizationConfigured(), { type: 'InvoiceItemCreated', data: { ...(item as { data: object }).data, createdAt: '2026-12-01T01:00:00.000Z' } } as OrganizationEvent)
      .when(item)
      .then([]);
  });
});
