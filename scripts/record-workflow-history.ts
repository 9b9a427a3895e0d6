// Records the billing-period workflow history that the replay test replays
// (test/workflows/histories/billing-period-month.json). Run it by hand after a
// deliberate, versioned change to the workflow (with `patched`), then commit
// the new history beside the old ones:
//   npx tsx scripts/record-workflow-history.ts [output.json]
// It needs the time-skipping test server of the local stack (scripts/stack.sh tools).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { recordBillingPeriodHistory } from '../test/workflows/support/billing-history-scenario';

/** Stack traces and worker identities name this machine's files and host; replay needs neither. */
function withoutMachineDetails(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutMachineDetails);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, field]) => {
      if (key === 'stackTrace') return [key, ''];
      if (key === 'identity') return [key, 'tally-history-recorder'];
      return [key, withoutMachineDetails(field)];
    }),
  );
}

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const output = process.argv[2] ?? join(__dirname, '..', 'test', 'workflows', 'histories', 'billing-period-month.json');
  const history = await recordBillingPeriodHistory();
  writeFileSync(output, `${JSON.stringify(withoutMachineDetails(JSON.parse(historyToJSON(history))), null, 1)}\n`);
  console.log(`saved ${history.events?.length ?? 0} history events`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
