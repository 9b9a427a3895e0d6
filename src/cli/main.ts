#!/usr/bin/env node
// `tally`: one binary for Tally's processes and its operator tools.
import { Command } from 'commander';
import { ConfigurationError } from '../infrastructure/config/environment';
import { runProjector } from './commands/projector';
import { runReplay } from './commands/replay';

/** Errors are one clear line on stderr and a non-zero exit status. */
function fail(error: unknown): never {
  const message = error instanceof ConfigurationError || error instanceof Error ? error.message : String(error);
  process.stderr.write(`tally: ${message}\n`);
  process.exit(error instanceof ConfigurationError ? 78 : 1);
}

const program = new Command()
  .name('tally')
  .description('Usage-based billing: exact metering, quotas, Stripe reporting and replayable audits')
  .showHelpAfterError();

program
  .command('projector')
  .description('keep the MongoDB read models current from the event log (stops cleanly on SIGINT/SIGTERM)')
  .action(() => runProjector());

program
  .command('replay')
  .description('rebuild the read models from the beginning of the event log (resumes an interrupted replay)')
  .option('--projection <name>', 'rebuild one projection only', 'usage')
  .option('--restart', 'start over even if an interrupted replay could be resumed')
  .option('--batch-size <events>', 'events per batch', (value) => positiveInteger(value, '--batch-size'), 5_000)
  .action((options: { projection: string; restart?: boolean; batchSize: number }) => runReplay(options));

function positiveInteger(value: string, flag: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new Error(`${flag} must be a positive whole number, got "${value}"`);
  return parsed;
}

program.parseAsync(process.argv).catch(fail);
