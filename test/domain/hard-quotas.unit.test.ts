// Specifications of hard quotas and reservations: refused at ingest when a
// window would go past its included quantity, whole bulks refused naming each
// refusing item, duplicates still duplicates, reservations holding quantity
// until committed, released or expired.
import type { OrganizationCommand } from '../../src/domain/commands';
import { isUsageEvent, type OrganizationEvent } from '../../src/domain/events';
import { OrganizationLedger } from '../../src/domain/organization-ledger';
import { QuotaExceededError } from '../../src/domain/quota-enforcement';
import { ORG, organizationConfigured } from '../support/organization-spec';

const NOW = new Date('2026-11-15T12:00:00Z');

/** The usage a decision records (a hard quota used up is logged beside it). */
const recorded = (events: OrganizationEvent[]) => events.filter(isUsageEvent);

const hardQuota = (feature: string, includedQuantity: number, resetPeriod = 'MONTHLY'): OrganizationEvent =>
  ({
    type: 'QuotaConfigured',
    data: { organizationId: ORG, feature, includedQuantity, pricing: { model: 'per_unit', pricePerUnit: '1' }, currency: 'EUR', resetPeriod, enforcement: 'hard', configuredAt: '2026-11-01T00:00:00.000Z' },
  }) as OrganizationEvent;

const track = (items: { feature: string; quantity: number; idempotencyKey: string }[], bulk = items.length > 1): OrganizationCommand => ({
  type: 'TrackUsage',
  data: { organizationId: ORG, items, ...(bulk && { bulk }) },
});

/** A ledger that has accepted and appended each command in turn. */
function ledgerAfter(history: OrganizationEvent[], ...commands: [OrganizationCommand, Date?][]): OrganizationLedger {
  const ledger = OrganizationLedger.from(history);
  for (const [command, at] of commands) {
    const batch = ledger.decideAll([command], at ?? NOW);
    const [decision] = batch.decisions;
    if ('error' in decision) throw decision.error;
    ledger.adopt(batch);
  }
  return ledger;
}

const refusalOf = (ledger: OrganizationLedger, command: OrganizationCommand, at = NOW): QuotaExceededError => {
  try {
    ledger.decide(command, at);
  } catch (error) {
    if (error instanceof QuotaExceededError) return error;
    throw error;
  }
  throw new Error('expected the command to be refused');
};

describe('a hard quota', () => {
  const history = [organizationConfigured(), hardQuota('OCR_SCAN', 50)];
  const used49 = () => ledgerAfter(history, [track([{ feature: 'OCR_SCAN', quantity: 49, idempotencyKey: 'first' }])]);

  it('accepts usage up to the included quantity and refuses what would pass it, naming the window', () => {
    const ledger = used49();
    expect(recorded(ledger.decide(track([{ feature: 'OCR_SCAN', quantity: 1, idempotencyKey: 'last-one' }]), NOW))).toEqual([expect.objectContaining({ type: 'UsageRecorded' })]);
    const refused = refusalOf(ledger, track([{ feature: 'OCR_SCAN', quantity: 2, idempotencyKey: 'two' }]));
    expect(refused.refusals).toEqual([
      expect.objectContaining({ field: 'quantity', feature: 'OCR_SCAN', included: 50, used: 49, reserved: 0, remaining: 1, requested: 2, windowStart: '2026-11-01T00:00:00.000Z' }),
    ]);
  });

  it('refuses a bulk whole, naming every item that would pass it', () => {
    const refused = refusalOf(
      used49(),
      track([
        { feature: 'OCR_SCAN', quantity: 1, idempotencyKey: 'a' },
        { feature: 'API_CALL', quantity: 5, idempotencyKey: 'b' },
        { feature: 'OCR_SCAN', quantity: 1, idempotencyKey: 'c' },
        { feature: 'OCR_SCAN', quantity: 1, idempotencyKey: 'd' },
      ]),
    );
    expect(refused.refusals.map((refusal) => refusal.field)).toEqual(['items[2].quantity', 'items[3].quantity']);
  });

  it('answers a repeat of an accepted key as a duplicate even when the quota is used up', () => {
    const ledger = ledgerAfter(history, [track([{ feature: 'OCR_SCAN', quantity: 50, idempotencyKey: 'all' }])]);
    expect(ledger.decide(track([{ feature: 'OCR_SCAN', quantity: 50, idempotencyKey: 'all' }]), NOW)).toEqual([expect.objectContaining({ type: 'UsageDuplicateIgnored' })]);
  });

  it('lets a soft quota go past its included quantity, billing the overage', () => {
    const ledger = ledgerAfter([organizationConfigured()], [track([{ feature: 'OCR_SCAN', quantity: 60, idempotencyKey: 'over' }])]);
    expect(recorded(ledger.decide(track([{ feature: 'OCR_SCAN', quantity: 10, idempotencyKey: 'more' }]), NOW))).toHaveLength(1);
  });

  it('refuses a reading above the included quantity of a max feature', () => {
    const ledger = OrganizationLedger.from([organizationConfigured(), hardQuota('STORAGE_GB', 10)]);
    expect(recorded(ledger.decide(track([{ feature: 'STORAGE_GB', quantity: 10, idempotencyKey: 'ten' }]), NOW))).toHaveLength(1);
    expect(refusalOf(ledger, track([{ feature: 'STORAGE_GB', quantity: 11, idempotencyKey: 'eleven' }])).refusals[0]).toMatchObject({ requested: 11, included: 10 });
  });

  it('counts a new daily window from zero', () => {
    const ledger = ledgerAfter([organizationConfigured(), hardQuota('SMS_SENT', 5, 'DAILY')], [track([{ feature: 'SMS_SENT', quantity: 5, idempotencyKey: 'today' }])]);
    refusalOf(ledger, track([{ feature: 'SMS_SENT', quantity: 1, idempotencyKey: 'still-today' }]));
    expect(recorded(ledger.decide(track([{ feature: 'SMS_SENT', quantity: 5, idempotencyKey: 'tomorrow' }]), new Date('2026-11-16T08:00:00Z')))).toHaveLength(1);
  });
});

describe('reservations', () => {
  const history = [organizationConfigured(), hardQuota('AI_CLASSIFICATION', 50)];
  const reserve = (reservationId: string, quantity: number, expiresInSeconds = 600, idempotencyKey?: string): OrganizationCommand => ({
    type: 'ReserveUsage',
    data: { organizationId: ORG, reservationId, feature: 'AI_CLASSIFICATION', quantity, expiresInSeconds, ...(idempotencyKey && { idempotencyKey }) },
  });
  const commit = (reservationId: string, quantity: number): OrganizationCommand => ({ type: 'CommitReservation', data: { organizationId: ORG, reservationId, quantity } });
  const release = (reservationId: string): OrganizationCommand => ({ type: 'ReleaseReservation', data: { organizationId: ORG, reservationId } });
  const used40 = track([{ feature: 'AI_CLASSIFICATION', quantity: 40, idempotencyKey: 'used' }]);

  it('hold quantity against the hard quota until committed', () => {
    const ledger = ledgerAfter(history, [used40], [reserve('r1', 8)]);
    expect(refusalOf(ledger, track([{ feature: 'AI_CLASSIFICATION', quantity: 3, idempotencyKey: 'x' }])).refusals[0]).toMatchObject({ used: 40, reserved: 8, remaining: 2 });
    expect(refusalOf(ledger, reserve('r2', 3)).refusals[0]).toMatchObject({ reserved: 8, remaining: 2 });
    expect(ledger.decide(reserve('r2', 2), NOW)).toEqual([expect.objectContaining({ type: 'UsageReserved' })]);
  });

  it('commit what the work used, smaller than reserved, and let the rest go', () => {
    const ledger = ledgerAfter(history, [used40], [reserve('r1', 8)], [commit('r1', 5)]);
    expect(ledger.usageIn({ key: 'AI_CLASSIFICATION', aggregation: 'sum' } as never, { start: new Date('2026-11-01T00:00:00Z'), end: new Date('2026-12-01T00:00:00Z') }).quantity).toBe(45);
    expect(recorded(ledger.decide(track([{ feature: 'AI_CLASSIFICATION', quantity: 5, idempotencyKey: 'rest' }]), NOW))).toHaveLength(1);
    // A repeated commit changes nothing.
    expect(ledger.decide(commit('r1', 5), NOW)).toEqual([]);
  });

  it('commit more than reserved when it still fits, and refuse it when it no longer does', () => {
    const ledger = ledgerAfter(history, [used40], [reserve('r1', 5)]);
    expect(ledger.decide(commit('r1', 10), NOW).map((event) => event.type)).toEqual(['UsageRecorded', 'ReservationCommitted', 'QuotaUsedUp']);
    expect(refusalOf(ledger, commit('r1', 11)).refusals[0]).toMatchObject({ used: 40, reserved: 0, remaining: 10, requested: 11 });
  });

  it('release their hold, once', () => {
    const ledger = ledgerAfter(history, [used40], [reserve('r1', 10)], [release('r1')]);
    expect(recorded(ledger.decide(track([{ feature: 'AI_CLASSIFICATION', quantity: 10, idempotencyKey: 'after-release' }]), NOW))).toHaveLength(1);
    expect(ledger.decide(release('r1'), NOW)).toEqual([]);
  });

  it('stop holding at their expiry, decided from the clock, and the next reservation logs the expiry', () => {
    const ledger = ledgerAfter(history, [used40], [reserve('r1', 10, 60)]);
    const later = new Date(NOW.getTime() + 61_000);
    expect(recorded(ledger.decide(track([{ feature: 'AI_CLASSIFICATION', quantity: 10, idempotencyKey: 'after-expiry' }]), later))).toHaveLength(1);
    expect(ledger.decide(reserve('r2', 1), later).map((event) => event.type)).toEqual(['ReservationExpired', 'UsageReserved']);
  });

  it('answer a repeated reservation with its idempotency key by the one it made', () => {
    const ledger = ledgerAfter(history, [reserve('r1', 3, 600, 'job-42')]);
    expect(ledger.decide(reserve('r-other', 3, 600, 'job-42'), NOW)).toEqual([]);
    expect(() => ledger.decide(reserve('r-other', 4, 600, 'job-42'), NOW)).toThrow(expect.objectContaining({ code: 'conflict' }));
  });
});
