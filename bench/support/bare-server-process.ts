// Runs the bare JSON server (bare-json-server.ts) in its own process, as the
// API runs in its own, so both are measured the same way: the load generator
// in the benchmark's process, the server in another.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export interface BareServerProcess {
  readonly url: string;
  readonly pid: number;
  stop(): Promise<void>;
}

export async function startBareServer(): Promise<BareServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'bare-json-server.ts')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line.includes('"bare server listening"')) resolve((JSON.parse(line) as { url: string }).url);
    });
    void exited.then((code) => reject(new Error(`the bare server exited with ${code} before listening`)));
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
