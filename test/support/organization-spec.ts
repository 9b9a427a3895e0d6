// given(events).when(command).then(events): decider tests read as specifications.
import { decide } from '../../src/domain/decide';
import type { OrganizationCommand } from '../../src/domain/commands';
import type { DomainErrorCode } from '../../src/domain/domain-error';
import type { OrganizationEvent, UsageCorrected, UsageRecorded } from '../../src/domain/events';
import { aggregationOf, evolve, initialOrganizationState } from '../../src/domain/organization';
import { foldUsage } from '../../src/domain/period-statement';
import type { UsageFingerprint } from '../../src/domain/usage-identity';

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

function knownUsageOf(events: readonly OrganizationEvent[]) {
  const keys = new Map<string, UsageFingerprint>();
  for (const event of events) {
    if (event.type === 'UsageRecorded' || event.type === 'UsageCorrected') {
      const { idempotencyKey, feature, quantity, timestamp } = (event as UsageRecorded | UsageCorrected).data;
      keys.set(idempotencyKey, { feature, quantity, timestampMs: Date.parse(timestamp) });
    }
  }
  return (key: string) => keys.get(key);
}

export function given(...history: OrganizationEvent[]) {
  return {
    when(command: OrganizationCommand, now: Date | string = '2026-11-15T12:00:00Z') {
      const state = history.reduce(evolve, initialOrganizationState());
      const usage = history.filter((e): e is UsageRecorded | UsageCorrected => e.type === 'UsageRecorded' || e.type === 'UsageCorrected');
      const run = () =>
        decide(command, state, {
          now: new Date(now),
          knownUsage: knownUsageOf(history),
          windowUsage: () => foldUsage(usage, (feature) => aggregationOf(state, feature)),
        });
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
