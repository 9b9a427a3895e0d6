#!/usr/bin/env node
// `tally`: one binary for Tally's processes and its operator tools.
import { Argument, Command } from 'commander';
import { BILLING_JOBS } from '../application/ports/billing-workflows';
import { ConfigurationError } from '../infrastructure/config/environment';
import { exitCodes } from './exit-codes';
import { instantValue, positiveIntegerValue } from './option-values';
import { readSettingsFileForOperatorCommands } from './settings-file';
import { reportUsageErrorsOnOneLine } from './usage-errors';

/** Errors are one clear line on stderr and exit status 2 (78 for configuration); 1 means an audit found differences. */
function fail(error: unknown): never {
  const message = error instanceof Error ? error.message : String(error);
  // A configuration error names each bad variable on a line of its own; joined, it stays one line.
  const [first, ...details] = message.split('\n').map((line) => line.trim()).filter((line) => line.length > 0);
  process.stderr.write(`tally: ${[first, details.join('; ')].filter(Boolean).join(' ')}\n`);
  process.exit(error instanceof ConfigurationError ? exitCodes.configurationError : exitCodes.error);
}

// Commands load their modules on use: `tally export` should not pay for the MongoDB driver or Temporal.
const commandModules = {
  serve: () => import('./commands/serve.js'),
  projector: () => import('./commands/projector.js'),
  replay: () => import('./commands/replay.js'),
  audit: () => import('./commands/audit.js'),
  export: () => import('./commands/export.js'),
  'usage-as-of': () => import('./commands/usage-as-of.js'),
  worker: () => import('./commands/worker.js'),
  jobs: () => import('./commands/jobs.js'),
};
function load<K extends keyof typeof commandModules>(name: K): ReturnType<(typeof commandModules)[K]> {
  return commandModules[name]() as ReturnType<(typeof commandModules)[K]>;
}

const program = new Command()
  .name('tally')
  .description('Usage-based billing: exact metering, quotas, Stripe reporting and replayable audits');

program
  .command('serve')
  .description('run the HTTP API (configured from the environment; stops gracefully on SIGINT/SIGTERM)')
  .option('--embedded-projector', 'also keep the read models current in this process (same as TALLY_EMBEDDED_PROJECTOR=true)')
  .action((options: { embeddedProjector?: boolean }) => load('serve').then((m) => m.runServe(options)));

program
  .command('projector')
  .description('keep the MongoDB read models current from the event log (stops cleanly on SIGINT/SIGTERM)')
  .action(() => load('projector').then((m) => m.runProjector()));

program
  .command('replay')
  .description('rebuild the read models from the beginning of the event log (resumes an interrupted replay)')
  .option('--projection <name>', 'rebuild one projection only', 'usage')
  .option('--restart', 'start over even if an interrupted replay could be resumed')
  .option('--batch-size <events>', 'events folded into one write to MongoDB (memory grows with it)', positiveIntegerValue('--batch-size'), 10_000)
  .action((options: { projection: string; restart?: boolean; batchSize: number }) => load('replay').then((m) => m.runReplay(options)));

program
  .command('audit')
  .description('recompute a period from the event log and compare it with the read models and Stripe (exit 1 on any difference)')
  .requiredOption('--org <organizationId>', 'the organization')
  .requiredOption('--period <yyyy-mm>', 'the billing period, by the month it starts in, e.g. 2026-11')
  .option('--json', 'print the audit as JSON')
  .action((options: { org: string; period: string; json?: boolean }) => load('audit').then((m) => m.runAudit(options)));

program
  .command('usage')
  .description("show an organization's usage as it stood at an instant, from the event log")
  .requiredOption('--org <organizationId>', 'the organization')
  .requiredOption('--as-of <instant>', 'ISO-8601 instant, e.g. 2026-11-15T12:00:00Z', instantValue('--as-of'))
  .option('--json', 'print as JSON')
  .action((options: { org: string; asOf: string; json?: boolean }) => load('usage-as-of').then((m) => m.runUsageAsOf(options)));

program
  .command('export')
  .description("stream an organization's raw events (positions, idempotency keys, duplicate flags)")
  .requiredOption('--org <organizationId>', 'the organization')
  .option('--from <instant>', 'only events recorded at or after this instant', instantValue('--from'))
  .option('--to <instant>', 'only events recorded before this instant', instantValue('--to'))
  .option('--format <format>', 'ndjson or csv', 'ndjson')
  .option('--output <file>', 'write to a file instead of stdout')
  .action((options: { org: string; from?: string; to?: string; format: string; output?: string }) => load('export').then((m) => m.runExport(options)));

program
  .command('worker')
  .description('run the billing-period workflows on Temporal and the reactor that starts them, and the webhook deliveries when TALLY_WEBHOOK_SECRET_KEY is set (stops gracefully on SIGINT/SIGTERM)')
  .action(() => load('worker').then((m) => m.runWorker()));

program
  .command('jobs')
  .description("run a billing job now: signal the running period workflows (all, or one organization's)")
  .addArgument(new Argument('<job>', 'the job').choices(BILLING_JOBS))
  .option('--org <organizationId>', 'only this organization')
  .action((job: string, options: { org?: string }) => load('jobs').then((m) => m.runBillingJob(job, options)));

program
  .command('close-period')
  .description("close an organization's open billing period now, before its end (admin)")
  .requiredOption('--org <organizationId>', 'the organization')
  .action((options: { org: string }) => load('jobs').then((m) => m.runClosePeriod(options)));

program
  .command('billing-status')
  .description("show the status of an organization's billing-period workflow")
  .requiredOption('--org <organizationId>', 'the organization')
  .action((options: { org: string }) => load('jobs').then((m) => m.runBillingStatus(options)));

readSettingsFileForOperatorCommands(program);
reportUsageErrorsOnOneLine(program);
program.parseAsync(process.argv).catch(fail);
