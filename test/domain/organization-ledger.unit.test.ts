// The ledger is the fold the write side decides against: a batch of commands
// is decided in order against it without changing it until the events are applied.
import type { OrganizationCommand } from '../../src/domain/commands';
import { OrganizationLedger } from '../../src/domain/organization-ledger';
import { ORG, organizationConfigured } from '../support/organization-spec';

const now = new Date('2026-11-15T12:00:00Z');
const scan = (idempotencyKey: string, quantity = 1): OrganizationCommand => ({
  type: 'TrackUsage',
  data: { organizationId: ORG, items: [{ feature: 'OCR_SCAN', quantity, idempotencyKey }] },
});

describe('an organization ledger', () => {
  it('decides a batch in order: a key accepted by one command is a duplicate for the next, or a conflict with other content', () => {
    const ledger = OrganizationLedger.from([organizationConfigured()]);
    const decided = ledger.decideAll([scan('a'), scan('a'), scan('a', 2)], now);
    expect(decided[0]).toEqual({ events: [expect.objectContaining({ type: 'UsageRecorded' })] });
    expect(decided[1]).toEqual({ events: [expect.objectContaining({ type: 'UsageDuplicateIgnored' })] });
    expect(decided[2]).toEqual({ error: expect.objectContaining({ code: 'conflict', field: 'idempotencyKey' }) });
  });

  it('stays as it was until the decided events are applied', () => {
    const ledger = OrganizationLedger.from([organizationConfigured()]);
    const [first] = ledger.decideAll([scan('a')], now);
    expect(ledger.knownUsage('a')).toBeUndefined();
    expect(ledger.windowUsage()).toEqual([]);
    if (!('events' in first)) throw new Error('expected events');
    for (const event of first.events) ledger.apply(event);
    expect(ledger.knownUsage('a')).toEqual({ feature: 'OCR_SCAN', quantity: 1, timestampMs: now.getTime() });
    expect(ledger.windowUsage()).toEqual([expect.objectContaining({ feature: 'OCR_SCAN', total: expect.objectContaining({ quantity: 1, events: 1 }) })]);
  });

  it('is the same fold whether built from events at once or applied one by one', () => {
    const history = [organizationConfigured()];
    const ledger = OrganizationLedger.from(history);
    const events = [...history, ...ledger.decideAll([scan('a', 3), scan('b', 4)], now).flatMap((d) => ('events' in d ? d.events : []))];
    const incremental = OrganizationLedger.empty();
    for (const event of events) incremental.apply(event);
    const whole = OrganizationLedger.from(events);
    expect(incremental.state).toEqual(whole.state);
    expect(incremental.windowUsage()).toEqual(whole.windowUsage());
    expect(whole.knownUsage('b')).toEqual({ feature: 'OCR_SCAN', quantity: 4, timestampMs: now.getTime() });
  });
});
