// Tracks usage through the API at a steady rate, as a fleet of products would:
// bulks of usage events sent on a fixed schedule (not as fast as possible),
// round-robin over many organizations, each event with its own idempotency
// key and timestamp. Every acknowledgement's position is handed to the caller
// (to time the projector), and the rate actually achieved is reported.
import { randomUUID } from 'node:crypto';

export interface PacedTrackingOptions {
  readonly url: string;
  readonly apiKey: string;
  readonly organizationIds: readonly string[];
  readonly eventsPerSecond: number;
  readonly totalEvents: number;
  readonly bulkSize: number;
  /** Requests in flight at most; beyond it the schedule slips (and the achieved rate says so). */
  readonly maxInFlight: number;
  readonly onAcknowledged: (position: bigint) => void;
}

export interface PacedTrackingFigures {
  readonly events: number;
  readonly seconds: number;
  readonly eventsPerSecond: number;
  readonly failed: number;
}

const FEATURES = ['API_CALL', 'EMAIL_SENT'];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function trackAtRate(options: PacedTrackingOptions): Promise<PacedTrackingFigures> {
  const bulks = Math.ceil(options.totalEvents / options.bulkSize);
  const intervalMs = (options.bulkSize / options.eventsPerSecond) * 1000;
  const inFlight = new Set<Promise<void>>();
  let events = 0;
  let failed = 0;
  const send = async (bulk: number): Promise<void> => {
    const organizationId = options.organizationIds[bulk % options.organizationIds.length];
    const count = Math.min(options.bulkSize, options.totalEvents - bulk * options.bulkSize);
    const timestamp = new Date().toISOString();
    const items = Array.from({ length: count }, (_, i) => ({ feature: FEATURES[i % FEATURES.length], quantity: 1, idempotencyKey: randomUUID(), timestamp }));
    const response = await fetch(`${options.url}/api/usage/track/bulk`, {
      method: 'POST',
      headers: { authorization: `Bearer ${options.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ organizationId, items }),
    });
    const answer = (await response.json()) as { position?: string; accepted?: number };
    if (!response.ok || typeof answer.position !== 'string') {
      failed += count;
      return;
    }
    events += answer.accepted ?? 0;
    options.onAcknowledged(BigInt(answer.position));
  };
  const started = performance.now();
  for (let bulk = 0; bulk < bulks; bulk++) {
    const dueIn = started + bulk * intervalMs - performance.now();
    if (dueIn > 0) await sleep(dueIn);
    while (inFlight.size >= options.maxInFlight) await Promise.race(inFlight);
    const request = send(bulk).catch(() => {
      failed += options.bulkSize;
    });
    const tracked = request.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
  }
  await Promise.all(inFlight);
  const seconds = (performance.now() - started) / 1000;
  return { events, seconds, eventsPerSecond: events / seconds, failed };
}
