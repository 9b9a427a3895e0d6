// How `tally` answers a command line it cannot run (a missing or unknown option,
// an unknown command, an argument out of its choices): one line on stderr and
// exit status 2, like every other error. Exit status 1 belongs to an audit that
// found differences, so a script can tell a wrong bill from a wrong command.
import type { Command } from 'commander';
import { exitCodes } from './exit-codes';

/** `tally audit` for the audit command, `tally` for the program itself. */
function commandPath(command: Command): string {
  const names: string[] = [];
  for (let current: Command | null = command; current; current = current.parent) names.unshift(current.name());
  return names.join(' ');
}

/** Commander's messages start with "error: " and put a "Did you mean …?" on a line of its own. */
function oneLine(message: string): string {
  return message
    .replace(/^error: /, '')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
    .join(' ');
}

/**
 * Makes every command of the program report usage errors on one line with exit
 * status 2. Call it after all commands are declared: each command keeps its own
 * output settings, so each is configured here.
 */
export function reportUsageErrorsOnOneLine(program: Command): void {
  const configure = (command: Command): void => {
    const path = commandPath(command);
    command.configureOutput({
      outputError: (message) => process.stderr.write(`tally: ${oneLine(message)} (see ${path} --help)\n`),
      // Only help asked for by mistake reaches stderr (a bare `tally`, `tally help <unknown>`); the help
      // text itself is many lines, so the mistake is named in one and the help stays behind `--help`.
      writeErr: () => process.stderr.write(`tally: name a command (see ${path} --help)\n`),
    });
    // Help that was asked for exits 0; anything commander stops for is a usage error.
    command.exitOverride((error) => process.exit(error.exitCode === 0 ? exitCodes.ok : exitCodes.error));
    command.commands.forEach(configure);
  };
  configure(program);
}
