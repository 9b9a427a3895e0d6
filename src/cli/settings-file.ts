// Settings for the operator commands (audit, replay, usage, export, jobs, …)
// from a file, for a machine where they are typed by hand: `make demo` writes
// .data/tally.env with where the demo keeps its event log and read models, so
// `tally audit` run in the project works on the demo's data without exporting
// anything. Variables set in the environment always win. The long-running
// processes (serve, projector, worker) are configured by their environment
// alone, as in production.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseEnv } from 'node:util';
import type { Command } from 'commander';
import { ConfigurationError } from '../infrastructure/config/environment';

/** Relative to the current folder, like the default event store `.data/tally/events.sqlite`. */
export const DEFAULT_SETTINGS_FILE = '.data/tally.env';

/**
 * Fills the variables the environment does not set from the settings file:
 * `TALLY_ENV_FILE` names it (empty: none), else `.data/tally.env` when it exists.
 * Returns the file read, or undefined when none was.
 */
export function applySettingsFile(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): string | undefined {
  const named = env.TALLY_ENV_FILE;
  if (named === '') return undefined;
  const file = named ?? DEFAULT_SETTINGS_FILE;
  const path = resolve(cwd, file);
  if (!existsSync(path)) {
    if (named === undefined) return undefined;
    throw new ConfigurationError(`invalid configuration:\n  TALLY_ENV_FILE: ${file} does not exist`);
  }
  for (const [name, value] of Object.entries(parseEnv(readFileSync(path, 'utf8')))) {
    if (env[name] === undefined && value !== undefined) env[name] = value;
  }
  return file;
}

const PROCESS_COMMANDS = new Set(['serve', 'projector', 'worker']);

/** Before an operator command runs, reads the settings file and says on stderr which one it read. */
export function readSettingsFileForOperatorCommands(program: Command): void {
  program.hook('preAction', (_program, command) => {
    if (PROCESS_COMMANDS.has(command.name())) return;
    const file = applySettingsFile();
    if (file) process.stderr.write(`tally: settings from ${file} (variables set in the environment win)\n`);
  });
}
