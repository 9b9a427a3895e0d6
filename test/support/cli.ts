// Runs the `tally` command line as a user would, in a child process.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from './stack-settings';

export interface CliResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function tally(args: string[], env: Record<string, string>): CliResult {
  const result = spawnSync(join(projectRoot, 'node_modules', '.bin', 'tsx'), [join(projectRoot, 'src', 'cli', 'main.ts'), ...args], {
    cwd: projectRoot,
    // TALLY_ENV_FILE='': a .data/tally.env left by `make demo` must not change what a test runs against.
    env: { ...process.env, LOG_LEVEL: 'warn', TALLY_ENV_FILE: '', ...env },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
