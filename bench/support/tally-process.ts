// Runs the built `tally` command (dist/, as production runs it) as a child
// process configured through the environment, waits until it says it is up,
// and stops it with SIGTERM the way an orchestrator would. Its log lines are
// read (not printed), so a benchmark can wait for one.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export interface TallyProcess {
  readonly pid: number;
  /** The API's address, for `tally serve`. */
  readonly url: string | null;
  /** Resolves with the exit code once the process has exited. */
  readonly exited: Promise<number | null>;
  stop(): Promise<number | null>;
}

const root = join(__dirname, '..', '..');

// The line each command logs once it is up.
const READY: Record<'serve' | 'projector', string> = { serve: '"API listening"', projector: '"projector started"' };

export async function startTally(command: 'serve' | 'projector', env: Record<string, string>, nodeArguments: readonly string[] = []): Promise<TallyProcess> {
  const child = spawn(process.execPath, [...nodeArguments, join(root, 'dist', 'cli', 'main.js'), command], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string | null>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line.includes(READY[command])) resolve(command === 'serve' ? (JSON.parse(line) as { url: string }).url : null);
    });
    void exited.then((code) => reject(new Error(`tally ${command} exited with ${code} before it was up`)));
  });
  return {
    pid: child.pid as number,
    url,
    exited,
    async stop() {
      child.kill('SIGTERM');
      return exited;
    },
  };
}
