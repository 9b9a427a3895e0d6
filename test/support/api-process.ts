// Runs the real API process (`tally serve`, from source through tsx) as a
// child, configured through the environment like production, on a free port,
// and stops it with SIGTERM the way an orchestrator would. The benchmarks use
// it to keep the load generator off the server's event loop; the end-to-end
// tests of `tally serve` itself use it to test the process users start.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';

export interface ApiProcess {
  readonly url: string;
  readonly pid: number;
  stop(): Promise<void>;
}

const root = join(__dirname, '..', '..');

export async function startApiProcess(env: Record<string, string>, nodeArguments: readonly string[] = []): Promise<ApiProcess> {
  const child: ChildProcess = spawn(process.execPath, [...nodeArguments, '--import', 'tsx', join(root, 'src', 'cli', 'main.ts'), 'serve'], {
    cwd: root,
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.on('line', (line) => {
      // The API logs one JSON line with its address once it listens.
      if (line.includes('"API listening"')) resolve((JSON.parse(line) as { url: string }).url);
    });
    void exited.then((code) => reject(new Error(`tally serve exited with ${code} before listening`)));
  });
  return {
    url,
    pid: child.pid as number,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
