#!/usr/bin/env node
// `tally`: one binary for Tally's processes and its operator tools.
import { Command } from 'commander';
import { ConfigurationError } from '../infrastructure/config/environment';
import { runProjector } from './commands/projector';

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

program.parseAsync(process.argv).catch(fail);
