// Which facts of the log go out as webhooks and what their envelopes hold:
// the event's own id and instant, the organization once, the event's data
// without it; everything else in the log goes nowhere. And the retry
// schedule the default policy gives.
import { envelopeOf } from '../../src/application/webhooks/webhook-envelope';
import { attemptSchedule, DEFAULT_WEBHOOK_RETRY_POLICY } from '../../src/application/webhooks/webhook-retry-policy';
import type { OrganizationEvent } from '../../src/domain/events';

const ID = '0192f0c4-8a5e-7cc1-9a3b-2f6d1e4c5b7a';
const period = { start: '2026-11-01T00:00:00.000Z', end: '2026-12-01T00:00:00.000Z' };

describe('webhook envelopes', () => {
  it('carry a threshold crossing as usage.threshold_crossed', () => {
    const event: OrganizationEvent = {
      type: 'UsageThresholdCrossed',
      data: {
        organizationId: 'org_a',
        ruleId: 'rule_80',
        watch: { kind: 'percentOfIncluded', feature: 'OCR_SCAN', percentOfIncluded: 80 },
        threshold: '80',
        value: '81',
        window: period,
        cause: 'usage',
        crossedAt: '2026-11-15T10:00:00.000Z',
      },
    };
    expect(envelopeOf(ID, event)).toEqual({
      id: ID,
      type: 'usage.threshold_crossed',
      createdAt: '2026-11-15T10:00:00.000Z',
      organizationId: 'org_a',
      data: { ruleId: 'rule_80', watch: { kind: 'percentOfIncluded', feature: 'OCR_SCAN', percentOfIncluded: 80 }, threshold: '80', value: '81', window: period, cause: 'usage', crossedAt: '2026-11-15T10:00:00.000Z' },
    });
  });

  it.each<{ event: OrganizationEvent; type: string; createdAt: string }>([
    { event: { type: 'QuotaUsedUp', data: { organizationId: 'org_a', feature: 'SMS_SENT', included: 100, window: period, usedUpAt: '2026-11-15T10:00:00.000Z' } }, type: 'usage.quota_exceeded', createdAt: '2026-11-15T10:00:00.000Z' },
    { event: { type: 'BillingPeriodClosed', data: { organizationId: 'org_a', billingPeriod: period, closedAt: '2026-12-01T01:00:00.000Z', features: [] } }, type: 'billing.period_closed', createdAt: '2026-12-01T01:00:00.000Z' },
    {
      event: {
        type: 'StripeReportFailed',
        data: { organizationId: 'org_a', feature: 'OCR_SCAN', billingPeriod: period, reportSequence: 2, identifier: 'x', error: 'rate limited', retryable: true, failedAt: '2026-11-16T00:00:00.000Z' },
      },
      type: 'stripe.report_failed',
      createdAt: '2026-11-16T00:00:00.000Z',
    },
    {
      event: {
        type: 'InvoiceItemCreated',
        data: { organizationId: 'org_a', feature: 'OCR_SCAN', billingPeriod: period, quantity: 43, amount: '2.15', currency: 'EUR', stripeInvoiceItemId: 'ii_1', idempotencyKey: 'k', createdAt: '2026-12-01T01:05:00.000Z' },
      },
      type: 'stripe.invoice_items_created',
      createdAt: '2026-12-01T01:05:00.000Z',
    },
  ])('carry $event.type as $type, dated by the event, without the organization in data', ({ event, type, createdAt }) => {
    const envelope = envelopeOf(ID, event);
    expect(envelope).toMatchObject({ id: ID, type, createdAt, organizationId: 'org_a' });
    expect(envelope?.data).not.toHaveProperty('organizationId');
    expect(envelope?.data).toEqual(expect.objectContaining(Object.fromEntries(Object.entries(event.data).filter(([key]) => key !== 'organizationId'))));
  });

  it('leave every other event of the log alone', () => {
    const usage: OrganizationEvent = {
      type: 'UsageRecorded',
      data: { organizationId: 'org_a', feature: 'OCR_SCAN', quantity: 1, idempotencyKey: 'k', timestamp: period.start, recordedAt: period.start, billingPeriod: period, window: period },
    };
    expect(envelopeOf(ID, usage)).toBeNull();
    expect(envelopeOf(ID, { type: 'AlertRuleRemoved', data: { organizationId: 'org_a', ruleId: 'r', removedAt: period.start } })).toBeNull();
  });
});

describe('the default retry schedule', () => {
  it('doubles the wait from a minute up to six hours, for three days: 20 attempts', () => {
    const minutes = attemptSchedule(DEFAULT_WEBHOOK_RETRY_POLICY).map((ms) => ms / 60_000);
    expect(minutes.slice(0, 10)).toEqual([0, 1, 3, 7, 15, 31, 63, 127, 255, 511]);
    expect(minutes.slice(10).map((at, index) => at - minutes[9 + index])).toEqual(Array(minutes.length - 10).fill(360));
    expect(minutes).toHaveLength(20);
    expect(minutes[minutes.length - 1]).toBeLessThan(3 * 24 * 60);
  });
});
