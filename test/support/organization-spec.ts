// given(events).when(command).then(events): decider tests read as specifications.
import type { OrganizationCommand } from '../../src/domain/commands';
import type { DomainErrorCode } from '../../src/domain/domain-error';
import type { OrganizationEvent } from '../../src/domain/events';
import { OrganizationLedger } from '../../src/domain/organization-ledger';

export const ORG = 'org_123';

export const organizationConfigured = (overrides: Partial<Extract<OrganizationEvent, { type: 'OrganizationConfigured' }>['data']> = {}): OrganizationEvent => ({
  type: 'OrganizationConfigured',
  data: {
    organizationId: ORG,
    configuredAt: '2026-11-01T00:00:00.000Z',
    name: 'Acme',
    currency: 'EUR',
    timeZone: 'UTC',
    billingAnchorDay: 1,
    gracePeriodMinutes: 60,
    stripeCustomerId: null,
    stripeBillingMode: 'meter',
    ...overrides,
  },
});

export function given(...history: OrganizationEvent[]) {
  return {
    when(command: OrganizationCommand, now: Date | string = '2026-11-15T12:00:00Z') {
      // The same fold and the same decision the write side runs.
      const run = () => OrganizationLedger.from(history).decide(command, new Date(now));
      return {
        then(expected: readonly OrganizationEvent[] | ((events: OrganizationEvent[]) => void)) {
          const events = run();
          if (typeof expected === 'function') expected(events);
          else expect(events).toEqual(expected);
        },
        thenFails(code: DomainErrorCode, field?: string, message?: RegExp) {
          expect(run).toThrow(expect.objectContaining({ name: 'DomainError', code, ...(field !== undefined && { field }) }));
          if (message) expect(run).toThrow(message);
        },
      };
    },
  };
}
