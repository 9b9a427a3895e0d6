// Writes a realistic usage log into a SQLite event store through the real
// command path, for benchmarks: a few organizations, several features and
// time zones, bulks of 500 with content-derived idempotency keys.
import { SqliteEventStore } from '../../src/infrastructure/eventstore/sqlite-event-store';
import { FixedClock, SequentialIds } from '../../test/support/fixed-clock';
import { composeWriteSide } from '../../src/composition/write-side';

const FEATURES = ['OCR_SCAN', 'API_CALL', 'EMAIL_SENT', 'SMS_SENT', 'STORAGE_GB', 'PDF_EXPORT'];
const ORGANIZATIONS = [
  { organizationId: 'org_bench_1', timeZone: 'UTC' },
  { organizationId: 'org_bench_2', timeZone: 'Europe/Berlin' },
  { organizationId: 'org_bench_3', timeZone: 'America/New_York' },
  { organizationId: 'org_bench_4', timeZone: 'Asia/Kolkata' },
];

export async function writeUsageLog(path: string, events: number, options: { organizations?: number } = {}): Promise<void> {
  const store = SqliteEventStore.open(path);
  const clock = new FixedClock(new Date('2026-11-28T12:00:00Z'));
  const commands = composeWriteSide({ eventStore: store, clock, ids: new SequentialIds() }).commands;
  const organizations = ORGANIZATIONS.slice(0, options.organizations ?? ORGANIZATIONS.length);
  for (const organization of organizations) {
    await commands.configureOrganization(organization);
    await commands.configureQuota({ organizationId: organization.organizationId, feature: 'SMS_SENT', includedQuantity: 100, pricePerUnit: 10, resetPeriod: 'DAILY' });
  }
  const start = Date.parse('2026-11-01T00:00:00Z');
  const spacingMs = Math.max(1, Math.floor((27 * 86_400_000) / events));
  for (let written = 0; written < events; written += 500) {
    const items = Array.from({ length: Math.min(500, events - written) }, (_, i) => {
      const n = written + i;
      const feature = FEATURES[n % FEATURES.length];
      return { feature, quantity: feature === 'STORAGE_GB' ? n % 50 : 1 + (n % 5), timestamp: new Date(start + n * spacingMs).toISOString(), idempotencyKey: `bench-${n}` };
    });
    await commands.trackBulkUsage(organizations[(written / 500) % organizations.length].organizationId, items);
  }
  await store.close();
}
