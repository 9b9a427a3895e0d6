// `tally usage --as-of`: usage as it stood at an instant, from the event log.
import { parseAsOf, usageAsOf } from '../../application/audit/usage-as-of';
import { eventStoreSettings, readEnvironment } from '../../infrastructure/config/environment';
import { openEventStore } from '../../infrastructure/eventstore/open-event-store';

export async function runUsageAsOf(options: { org: string; asOf: string; json?: boolean }): Promise<void> {
  const asOf = parseAsOf(options.asOf);
  const { store } = openEventStore(readEnvironment(eventStoreSettings), 'reader');
  try {
    const usage = await usageAsOf(store, options.org, asOf);
    if (options.json) {
      process.stdout.write(`${JSON.stringify(usage, null, 2)}\n`);
      return;
    }
    const lines = [`Usage of ${usage.organizationId} as of ${usage.asOf} (period ${usage.billingPeriod.start} – ${usage.billingPeriod.end}, ${usage.eventsConsidered} events)`];
    for (const f of usage.features) {
      lines.push(`  ${f.feature.padEnd(20)} ${String(f.totalQuantity).padStart(10)} used, ${f.includedQuantity} included, ${f.overageQuantity} over: ${f.overageAmount} ${f.currency}`);
    }
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await store.close();
  }
}
