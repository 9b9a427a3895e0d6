// Express middleware that records one usage event per successful request
// (e.g. an API_CALL per call to a billed route). It records only once the
// response has been sent with a status below 400, so a failed or refused request
// is never billed, and it never touches the request itself: whatever goes wrong
// while recording goes to the tracker's onError, not to the client. With
// `requireQuota` it first asks Tally whether the organization may use the
// units, and answers 403 instead of running the handler when it may not.
// Express is imported for its types only; the SDK has no runtime dependency on it.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { passQuotaGate, unitsToCheck, type RequireQuotaOptions } from './express-quota-gate.js';
import { UsageExtractionError } from './tracker-errors.js';
import { recordExtracted, reportSafely, type UsageRecorder } from './usage-recorder.js';
import type { UsageFeatureKey } from './usage-feature.js';

export interface TrackUsageMiddlewareOptions {
  readonly tracker: UsageRecorder;
  /**
   * The organization to bill; undefined records nothing (e.g. an anonymous
   * request). Runs after the response, so it sees what later middleware (auth)
   * set on req; with `requireQuota` it also runs before the handler, so put
   * authentication before this middleware then.
   */
  readonly extractOrgId: (req: Request) => string | undefined;
  readonly extractMetadata?: (req: Request, res: Response) => Record<string, unknown>;
  /** Defaults to 1. */
  readonly quantity?: number | ((req: Request, res: Response) => number);
  /** The user behind the request, when the product wants it on the event. */
  readonly extractUserId?: (req: Request) => string | undefined;
  /**
   * Check the organization's quota before the handler runs and answer 403
   * (problem+json with the quota's figures) when the request's units are not
   * allowed. A request without an organization is served unchecked.
   */
  readonly requireQuota?: RequireQuotaOptions;
}

export function trackUsage(feature: UsageFeatureKey, options: TrackUsageMiddlewareOptions): RequestHandler {
  const { tracker, requireQuota } = options;
  const record = recordAfterResponse(feature, options);
  if (!requireQuota) {
    return function trackUsageMiddleware(req: Request, res: Response, next: NextFunction): void {
      record(req, res);
      next();
    };
  }
  return function trackUsageWithQuotaMiddleware(req: Request, res: Response, next: NextFunction): void {
    let organizationId: string | undefined;
    let units = 1;
    let step = 'extractOrgId';
    try {
      organizationId = options.extractOrgId(req);
      step = 'requireQuota.quantity';
      if (organizationId) units = unitsToCheck(requireQuota, options.quantity, req);
    } catch (error) {
      // Without an organization or a quantity there is nothing to ask Tally: the request is served, as when Tally cannot answer.
      reportSafely(tracker, new UsageExtractionError(feature, step, error));
      organizationId = undefined;
    }
    if (!organizationId) {
      record(req, res);
      next();
      return;
    }
    passQuotaGate(feature, organizationId, units, requireQuota, tracker, req, res).then(
      (outcome) => {
        if (outcome === 'answered') return;
        record(req, res);
        next();
      },
      // Only a throwing onQuotaExceeded lands here: Express's error handling answers it.
      (error: unknown) => next(error),
    );
  };
}

/** Registers the recording of one event once the response is sent, if it succeeded. */
function recordAfterResponse(feature: UsageFeatureKey, options: TrackUsageMiddlewareOptions): (req: Request, res: Response) => void {
  const { tracker } = options;
  return (req, res) => {
    // 'finish' fires once the response is handed to the OS; a client that hangs up
    // first ('close' without 'finish') got nothing and is not billed.
    res.once('finish', () => {
      if (res.statusCode >= 400) return;
      recordExtracted(tracker, feature, null, {
        organizationId: () => options.extractOrgId(req),
        quantity: () => (typeof options.quantity === 'function' ? options.quantity(req, res) : options.quantity),
        metadata: () => options.extractMetadata?.(req, res),
        userId: () => options.extractUserId?.(req),
      });
    });
  };
}

