// Express middleware that records one usage event per successful request
// (e.g. an API_CALL per call to a billed route). It records only once the
// response has been sent with a status below 400, so a failed or refused request
// is never billed, and it never touches the request itself: whatever goes wrong
// while recording goes to the tracker's onError, not to the client.
// Express is imported for its types only; the SDK has no runtime dependency on it.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { UsageExtractionError } from './tracker-errors.js';
import type { UsageRecorder } from './usage-recorder.js';
import type { UsageFeatureKey } from './usage-feature.js';

export interface TrackUsageMiddlewareOptions {
  readonly tracker: UsageRecorder;
  /**
   * The organization to bill; undefined records nothing (e.g. an anonymous
   * request). Runs after the response, so it sees what later middleware (auth) set on req.
   */
  readonly extractOrgId: (req: Request) => string | undefined;
  readonly extractMetadata?: (req: Request, res: Response) => Record<string, unknown>;
  /** Defaults to 1. */
  readonly quantity?: number | ((req: Request, res: Response) => number);
  /** The user behind the request, when the product wants it on the event. */
  readonly extractUserId?: (req: Request) => string | undefined;
}

export function trackUsage(feature: UsageFeatureKey, options: TrackUsageMiddlewareOptions): RequestHandler {
  const { tracker } = options;
  return function trackUsageMiddleware(req: Request, res: Response, next: NextFunction): void {
    // 'finish' fires once the response is handed to the OS; a client that hangs up
    // first ('close' without 'finish') got nothing and is not billed.
    res.once('finish', () => {
      if (res.statusCode >= 400) return;
      let step = 'extractOrgId';
      try {
        const organizationId = options.extractOrgId(req);
        // No organization (undefined, or '' / null from untyped code) means nothing to bill.
        if (!organizationId) return;
        step = 'quantity';
        const quantity = typeof options.quantity === 'function' ? options.quantity(req, res) : options.quantity;
        step = 'extractMetadata';
        const metadata = options.extractMetadata?.(req, res);
        step = 'extractUserId';
        const userId = options.extractUserId?.(req);
        step = 'track';
        tracker.track({
          organizationId,
          feature,
          ...(quantity !== undefined && { quantity }),
          ...(metadata !== undefined && { metadata }),
          ...(userId !== undefined && { userId }),
        });
      } catch (error) {
        reportSafely(tracker, new UsageExtractionError(feature, step, error));
      }
    });
    next();
  };
}

function reportSafely(tracker: UsageRecorder, error: Error): void {
  try {
    tracker.reportError(error);
  } catch {
    // A recorder that cannot even report must still not crash the server from a 'finish' listener.
  }
}
