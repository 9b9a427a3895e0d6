// `tally serve` and `tally worker` as operators run them, as child processes
// (node with tsx's loader, so signals reach the process itself), with all
// their output kept for the test to read: what they log is part of what is
// tested.
import { spawn, type ChildProcess } from 'node:child_process';
import { projectRoot } from '../../support/stack-settings';

export interface TallyProcess {
  readonly child: ChildProcess;
  /** stdout and stderr so far. */
  output(): string;
  /** Resolves with the exit code once the process has exited. */
  readonly exited: Promise<number | null>;
}

export function startTally(command: 'serve' | 'worker', env: Record<string, string>): TallyProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', command], {
    cwd: projectRoot,
    env: { ...process.env, TALLY_ENV_FILE: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

/** The address `tally serve` logs once it listens. */
export async function listeningUrl(server: TallyProcess, timeoutMs = 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const line = server.output().split('\n').find((candidate) => candidate.includes('"API listening"'));
    if (line) return (JSON.parse(line) as { url: string }).url;
    if (server.child.exitCode !== null) throw new Error(`tally serve exited with ${server.child.exitCode}: ${server.output()}`);
    if (Date.now() > deadline) throw new Error(`tally serve did not listen within ${timeoutMs} ms: ${server.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
