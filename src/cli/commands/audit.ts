// `tally audit`: recomputes a period from events alone and compares it with
// the read models and with what Stripe was told. Exit 0 when all agree, 1 when
// anything differs.
import { auditPeriod, type PeriodAudit } from '../../application/audit/period-audit';
import { systemClock } from '../../application/ports/clock';
import { eventStoreSettings, mongoSettings, readEnvironment } from '../../infrastructure/config/environment';
import { openEventStore } from '../../infrastructure/eventstore/open-event-store';
import { connectMongo } from '../../read-side/mongo/mongo-connection';
import { usageReadModels } from '../../composition/read-side';
import { exitCodes } from '../exit-codes';

export function formatAudit(audit: PeriodAudit): string {
  const lines = [
    `Audit of ${audit.organizationId}, period ${audit.period} (${audit.billingPeriod.start} – ${audit.billingPeriod.end})${audit.closedAt ? `, closed ${audit.closedAt}` : ', open'}`,
    '',
    ['feature', 'events', 'duplicates', 'corrections', 'quantity', 'included', 'overage', 'amount', 'stripe'].map((h) => h.padEnd(12)).join('').trimEnd(),
  ];
  for (const f of audit.features) {
    const stripe = f.reportedToStripe ? `meter ${f.reportedToStripe.quantity}` : f.invoiced ? `invoiced ${f.invoiced.amount}` : '-';
    lines.push(
      [f.feature, f.eventsCounted, f.duplicatesIgnored, f.corrections, f.quantity, f.includedQuantity, f.overageQuantity, `${f.overageAmount} ${f.currency}`, stripe]
        .map((cell) => String(cell).padEnd(12))
        .join('')
        .trimEnd(),
    );
  }
  lines.push('');
  if (!audit.readModels.includesRequestedPosition) {
    lines.push(`The read models had not reached the log's position ${audit.logPosition} (they are at ${audit.readModels.position ?? 'nothing'}); is the projector running?`);
  }
  if (audit.agrees) {
    lines.push('Everything agrees: the event log, the period close, the read models and Stripe.');
  } else {
    lines.push(`${audit.differences.length} difference(s):`);
    for (const d of audit.differences) lines.push(`  ${d.source} ${d.feature} ${d.field}: event log says ${d.expected}, found ${d.actual}`);
  }
  return `${lines.join('\n')}\n`;
}

export async function runAudit(options: { org: string; period: string; json?: boolean }): Promise<void> {
  const config = readEnvironment(eventStoreSettings.extend(mongoSettings.shape));
  const { store } = openEventStore(config, 'reader');
  const mongo = await connectMongo(config.MONGODB_URL, config.MONGODB_DATABASE, { waitForServer: true });
  try {
    const audit = await auditPeriod(store, usageReadModels(mongo.db), options.org, options.period, { clock: systemClock });
    process.stdout.write(options.json ? `${JSON.stringify(audit, null, 2)}\n` : formatAudit(audit));
    process.exitCode = audit.agrees ? exitCodes.ok : exitCodes.differencesFound;
  } finally {
    await mongo.close();
    await store.close();
  }
}
