// Specifications of alert rules: a crossing is decided with the usage that
// reaches the threshold, once per rule and window; a rule set past its
// threshold fires at once; corrections that fall back below do not re-arm it.
import type { OrganizationCommand } from '../../src/domain/commands';
import type { AlertWatch, OrganizationEvent } from '../../src/domain/events';
import { OrganizationLedger } from '../../src/domain/organization-ledger';
import { ORG, organizationConfigured } from '../support/organization-spec';

const NOW = new Date('2026-11-15T12:00:00Z');

const quota = (feature: string, includedQuantity: number, extra: Record<string, unknown> = {}): OrganizationEvent =>
  ({
    type: 'QuotaConfigured',
    data: { organizationId: ORG, feature, includedQuantity, pricing: { model: 'per_unit', pricePerUnit: '100' }, currency: 'EUR', resetPeriod: 'MONTHLY', enforcement: 'soft', configuredAt: '2026-11-01T00:00:00.000Z', ...extra },
  }) as OrganizationEvent;

const setRule = (ruleId: string, watch: AlertWatch): OrganizationCommand => ({ type: 'SetAlertRule', data: { organizationId: ORG, ruleId, watch } });
let key = 0;
const track = (feature: string, quantity: number): OrganizationCommand => ({ type: 'TrackUsage', data: { organizationId: ORG, items: [{ feature, quantity, idempotencyKey: `k${++key}` }] } });
const correct = (feature: string, quantity: number): OrganizationCommand => ({
  type: 'CorrectUsage',
  data: { organizationId: ORG, feature, quantity, reason: 'test', idempotencyKey: `c${++key}` },
});

/** Decides and adopts each command in turn; the events of each. */
function run(history: OrganizationEvent[], ...commands: OrganizationCommand[]): { ledger: OrganizationLedger; events: OrganizationEvent[][] } {
  const ledger = OrganizationLedger.from(history);
  const events = commands.map((command) => {
    const batch = ledger.decideAll([command], NOW);
    const [decision] = batch.decisions;
    if ('error' in decision) throw decision.error;
    ledger.adopt(batch);
    return [...decision.events];
  });
  return { ledger, events };
}

const crossings = (events: OrganizationEvent[]) => events.filter((event) => event.type === 'UsageThresholdCrossed');

describe('alert rules', () => {
  const history = [organizationConfigured(), quota('OCR_SCAN', 50)];

  it('fire in the write that reaches 80% of the included quantity, once, with the value and threshold', () => {
    const { events } = run(history, setRule('eighty', { kind: 'percentOfIncluded', feature: 'OCR_SCAN', percentOfIncluded: 80 }), track('OCR_SCAN', 39), track('OCR_SCAN', 2), track('OCR_SCAN', 5));
    expect(crossings(events[1])).toEqual([]);
    expect(crossings(events[2])).toEqual([
      expect.objectContaining({ data: expect.objectContaining({ ruleId: 'eighty', threshold: '40', value: '41', cause: 'usage', window: { start: '2026-11-01T00:00:00.000Z', end: '2026-12-01T00:00:00.000Z' } }) }),
    ]);
    expect(crossings(events[3])).toEqual([]);
  });

  it('do not fire again in the window after a correction takes the value back below', () => {
    const { events } = run(history, setRule('ten', { kind: 'quantity', feature: 'OCR_SCAN', quantity: 10 }), track('OCR_SCAN', 10), correct('OCR_SCAN', -5), track('OCR_SCAN', 6));
    expect(crossings(events[1])).toHaveLength(1);
    expect(crossings(events[2])).toEqual([]);
    expect(crossings(events[3])).toEqual([]);
  });

  it('fire once at creation when the value is past the threshold already', () => {
    const { events } = run(history, track('OCR_SCAN', 30), setRule('twenty', { kind: 'quantity', feature: 'OCR_SCAN', quantity: 20 }), track('OCR_SCAN', 1));
    expect(events[1].map((event) => event.type)).toEqual(['AlertRuleSet', 'UsageThresholdCrossed']);
    expect(crossings(events[1])[0].data).toMatchObject({ cause: 'rule-created', value: '30' });
    expect(crossings(events[2])).toEqual([]);
  });

  it('fire for the overage amount of the billing period in a currency', () => {
    // 50 free, then 1 EUR each: 5 over is 5.00 EUR.
    const { events } = run(history, setRule('spend', { kind: 'overageAmount', overageAmount: '5.00', currency: 'EUR' }), track('OCR_SCAN', 54), track('OCR_SCAN', 1));
    expect(crossings(events[1])).toEqual([]);
    expect(crossings(events[2])[0].data).toMatchObject({ threshold: '5', value: '5', window: { start: '2026-11-01T00:00:00.000Z' } });
  });

  it('fire in each daily window once', () => {
    const daily = [organizationConfigured(), quota('SMS_SENT', 10, { resetPeriod: 'DAILY' })];
    const ledger = OrganizationLedger.from(daily);
    const decideAt = (command: OrganizationCommand, at: string) => {
      const batch = ledger.decideAll([command], new Date(at));
      ledger.adopt(batch);
      return crossings([...(batch.decisions[0] as { events: OrganizationEvent[] }).events]);
    };
    decideAt(setRule('full', { kind: 'percentOfIncluded', feature: 'SMS_SENT', percentOfIncluded: 100 }), '2026-11-15T08:00:00Z');
    expect(decideAt(track('SMS_SENT', 10), '2026-11-15T09:00:00Z')).toHaveLength(1);
    expect(decideAt(track('SMS_SENT', 10), '2026-11-15T10:00:00Z')).toHaveLength(0);
    expect(decideAt(track('SMS_SENT', 10), '2026-11-16T09:00:00Z')).toHaveLength(1);
  });

  it('log a hard quota used up once per window, with the usage that used it up', () => {
    const hard = [organizationConfigured(), quota('OCR_SCAN', 5, { enforcement: 'hard' })];
    const { events } = run(hard, track('OCR_SCAN', 4), track('OCR_SCAN', 1));
    expect(events[0].map((event) => event.type)).toEqual(['UsageRecorded']);
    expect(events[1].map((event) => event.type)).toEqual(['UsageRecorded', 'QuotaUsedUp']);
  });

  it('are refused when they watch an unknown feature or a threshold that is not positive', () => {
    const ledger = OrganizationLedger.from(history);
    expect(() => ledger.decide(setRule('x', { kind: 'quantity', feature: 'NOPE', quantity: 1 }), NOW)).toThrow(expect.objectContaining({ code: 'not_found', field: 'feature' }));
    expect(() => ledger.decide(setRule('x', { kind: 'percentOfIncluded', feature: 'OCR_SCAN', percentOfIncluded: 0 }), NOW)).toThrow(expect.objectContaining({ field: 'percentOfIncluded' }));
    expect(() => ledger.decide(setRule('x', { kind: 'overageAmount', overageAmount: '5.001', currency: 'EUR' }), NOW)).toThrow(expect.objectContaining({ field: 'overageAmount' }));
  });
});
