// Runs a command and samples its peak resident memory from /proc (VmHWM, the
// kernel's high-water mark), so a benchmark can report a child's memory alone.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface MeasuredRun {
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly peakRssMb: number;
  readonly seconds: number;
}

function highWaterMarkKb(pid: number): number | null {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

export function runMeasured(command: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<MeasuredRun> {
  const started = Date.now();
  const child = spawn(command, args, { env, cwd, stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  let peakKb = 0;
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    process.stdout.write(chunk);
  });
  const sampler = setInterval(() => (peakKb = Math.max(peakKb, highWaterMarkKb(child.pid as number) ?? 0)), 50);
  return new Promise((resolve) => {
    child.once('exit', (exitCode) => {
      clearInterval(sampler);
      resolve({ exitCode, stdout, peakRssMb: peakKb / 1024, seconds: (Date.now() - started) / 1000 });
    });
  });
}
