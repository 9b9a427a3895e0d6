// The request loop behind every latency figure of the scale benchmark: a few
// keep-alive connections (autocannon) sending the same requests back to back,
// for a while or until some other work finishes. Each response time is kept,
// so percentiles are exact, not bucketed; only the responses that arrived
// while the measured work ran are counted.
import autocannon from 'autocannon';

export interface LoopSettings {
  readonly url: string;
  readonly requests: autocannon.Request[];
  readonly connections: number;
}

export interface LatencyFigures {
  readonly requests: number;
  readonly failed: number;
  readonly seconds: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

/** Runs the loop until `work` settles (or for `seconds` when given a number); returns the latencies seen meanwhile. */
export async function latencyWhile(settings: LoopSettings, work: Promise<unknown> | number): Promise<LatencyFigures> {
  const latencies: number[] = [];
  let failed = 0;
  let measuring = true;
  let finished!: () => void;
  const done = new Promise<void>((resolve) => (finished = resolve));
  // A long duration: the loop is stopped by hand once the work is over.
  const instance = autocannon({ url: settings.url, connections: settings.connections, requests: settings.requests, duration: 3_600 }, () => finished());
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    if (!measuring) return;
    if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
    else failed += 1;
  });
  instance.on('reqError', () => {
    if (measuring) failed += 1;
  });
  const started = performance.now();
  let measuredSeconds = 0;
  try {
    await (typeof work === 'number' ? new Promise((resolve) => setTimeout(resolve, work * 1_000)) : work);
  } finally {
    measuring = false;
    measuredSeconds = (performance.now() - started) / 1000;
    // autocannon stops at its next tick (up to a second later); nothing it sees by then is counted.
    instance.stop();
    await done;
  }
  return summarize(latencies, failed, measuredSeconds);
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((sorted.length * p) / 100) - 1)];
}

export function summarize(latencies: readonly number[], failed: number, seconds: number): LatencyFigures {
  return {
    requests: latencies.length,
    failed,
    seconds,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    maxMs: latencies.length === 0 ? Number.NaN : latencies.reduce((max, value) => Math.max(max, value)),
  };
}
