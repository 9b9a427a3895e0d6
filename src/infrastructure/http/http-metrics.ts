// Prometheus metrics of the API process: Node's default metrics, every request
// counted and timed by route template and status (never by raw URL, so ids do
// not explode the label set), and usage events accepted or acknowledged as
// duplicates.
import type { NextFunction, Request, Response } from 'express';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

export interface ApiMetrics {
  readonly registry: Registry;
  readonly requests: Counter<'method' | 'route' | 'status'>;
  readonly requestDuration: Histogram<'method' | 'route' | 'status'>;
  readonly usageEventsAccepted: Counter;
  readonly usageEventsDuplicate: Counter;
}

/** The label for requests that matched no route. */
export const UNMATCHED_ROUTE = 'unmatched';

export function createApiMetrics(registry: Registry = new Registry(), options: { defaultMetrics?: boolean } = {}): ApiMetrics {
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry });
  return {
    registry,
    requests: new Counter({
      name: 'tally_http_requests_total',
      help: 'HTTP requests answered, by method, route template and status',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    }),
    requestDuration: new Histogram({
      name: 'tally_http_request_duration_seconds',
      help: 'Time from request to the end of the answer, by method, route template and status',
      labelNames: ['method', 'route', 'status'],
      // Quota checks answer in a few ms; bulk tracking may take a few hundred.
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    usageEventsAccepted: new Counter({
      name: 'tally_usage_events_accepted_total',
      help: 'Usage events recorded and counted',
      registers: [registry],
    }),
    usageEventsDuplicate: new Counter({
      name: 'tally_usage_events_duplicate_total',
      help: 'Usage events acknowledged as duplicates of an idempotency key already recorded (not counted)',
      registers: [registry],
    }),
  };
}

/** Express middleware; routes put their template in `res.locals.routeTemplate`. */
export function requestMetrics(metrics: ApiMetrics) {
  // One child per label set, found by a plain string key: prom-client would otherwise
  // hash the label object twice on every request.
  const children = new Map<string, { requests: { inc(): void }; duration: { observe(seconds: number): void } }>();
  const childrenFor = (method: string, route: string, status: string) => {
    const key = `${method} ${route} ${status}`;
    let child = children.get(key);
    if (!child) {
      child = { requests: metrics.requests.labels(method, route, status), duration: metrics.requestDuration.labels(method, route, status) };
      children.set(key, child);
    }
    return child;
  };
  return (req: Request, res: Response, next: NextFunction): void => {
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const child = childrenFor(req.method, (res.locals.routeTemplate as string | undefined) ?? UNMATCHED_ROUTE, String(res.statusCode));
      child.requests.inc();
      child.duration.observe(Number(process.hrtime.bigint() - started) / 1e9);
    });
    next();
  };
}
