// The ledger is the fold the write side decides against: a batch of commands
// is decided in order against a draft of it, and the ledger changes only when
// it adopts the batch (once its events are appended).
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
    const { decisions } = ledger.decideAll([scan('a'), scan('a'), scan('a', 2)], now);
    expect(decisions[0]).toEqual({ events: [expect.objectContaining({ type: 'UsageRecorded' })] });
    expect(decisions[1]).toEqual({ events: [expect.objectContaining({ type: 'UsageDuplicateIgnored' })] });
    expect(decisions[2]).toEqual({ error: expect.objectContaining({ code: 'conflict', field: 'idempotencyKey' }) });
  });

  it('stays as it was until it adopts the decided batch', () => {
    const ledger = OrganizationLedger.from([organizationConfigured()]);
    const batch = ledger.decideAll([scan('a')], now);
    expect(ledger.knownUsage('a')).toBeUndefined();
    expect(ledger.dailyUsage()).toEqual([]);
    ledger.adopt(batch);
    expect(ledger.knownUsage('a')).toEqual({ feature: 'OCR_SCAN', quantity: 1, timestampMs: now.getTime() });
    expect(ledger.dailyUsage()).toEqual([expect.objectContaining({ feature: 'OCR_SCAN', day: '2026-11-15', total: expect.objectContaining({ quantity: 1, events: 1 }) })]);
  });

  it('is the same fold whether it adopts decided batches or is built from their events', () => {
    const adopting = OrganizationLedger.from([organizationConfigured()]);
    const first = adopting.decideAll([scan('a', 3), scan('b', 4)], now);
    adopting.adopt(first);
    const second = adopting.decideAll([scan('c', 5), scan('a', 3)], new Date('2026-11-16T08:00:00Z'));
    adopting.adopt(second);
    const rebuilt = OrganizationLedger.from([organizationConfigured(), ...first.events, ...second.events]);
    expect(adopting.state).toEqual(rebuilt.state);
    expect(adopting.dailyUsage()).toEqual(rebuilt.dailyUsage());
    expect(rebuilt.knownUsage('b')).toEqual({ feature: 'OCR_SCAN', quantity: 4, timestampMs: now.getTime() });
    expect(second.events.map((event) => event.type)).toEqual(['UsageRecorded', 'UsageDuplicateIgnored']);
  });
});
