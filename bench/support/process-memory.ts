// Resident memory of another process, from the kernel's figures in /proc
// (Linux): what it holds now (VmRSS) and its high-water mark (VmHWM), and a
// sampler that records VmRSS over a stretch of work, so a benchmark can say
// how much a process held while doing one thing, and whether it kept growing.
import { readFileSync } from 'node:fs';

export interface ResidentMemory {
  readonly currentMb: number;
  readonly peakMb: number;
}

export function residentMemory(pid: number): ResidentMemory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? Number.NaN);
  return { currentMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
}

export interface MemorySample {
  readonly atMs: number;
  readonly rssMb: number;
  /** What the sampled work had done by then (e.g. events applied), when the caller says. */
  readonly progress: number;
}

export class MemorySampler {
  private readonly samples: MemorySample[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly pid: number,
    intervalMs: number,
    private readonly progress: () => number = () => 0,
  ) {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
    // Sampling alone never keeps the benchmark running (e.g. after an error).
    this.timer.unref();
  }

  /** Stops sampling (after one last sample) and returns what was seen. */
  stop(): MemorySample[] {
    clearInterval(this.timer);
    this.sample();
    return this.samples;
  }

  private sample(): void {
    try {
      this.samples.push({ atMs: performance.now(), rssMb: residentMemory(this.pid).currentMb, progress: this.progress() });
    } catch {
      // The process has exited: nothing more to sample.
    }
  }
}

export const maxRss = (samples: readonly MemorySample[]): number => samples.reduce((max, sample) => Math.max(max, sample.rssMb), 0);
