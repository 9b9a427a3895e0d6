// The Express middleware's quota check before the handler runs: ask Tally
// whether the organization may use the units this request is about to use,
// and answer 403 without calling the handler when it may not (the API-call
// example of the usage-metering module Tally grew from: check, refuse, else
// serve and record). Tally answers exactly, from every write it acknowledged;
// only hard quotas refuse, soft ones bill the overage and let requests through.
// Express is imported for its types only; the SDK has no runtime dependency on it.
import type { Request, Response } from 'express';
import { QUOTA_EXCEEDED_TYPE } from './errors.js';
import type { CheckQuotaOptions, QuotaCheck, RequestOptions } from './types.js';
import type { UsageFeatureKey } from './usage-feature.js';
import { reportSafely, type UsageRecorder } from './usage-recorder.js';

/** The one client call the check needs; a UsageMeteringClient has it. */
export interface QuotaChecker {
  checkQuota(organizationId: string, feature: UsageFeatureKey, options?: CheckQuotaOptions & RequestOptions): Promise<QuotaCheck>;
}

/** What to do when Tally cannot answer: let the request through ('allow') or answer 503 ('deny'). */
export type QuotaUnknownPolicy = 'allow' | 'deny';

export interface RequireQuotaOptions {
  /** Asks Tally: a UsageMeteringClient. */
  readonly client: QuotaChecker;
  /** Units the request is about to use. Default: the middleware's `quantity` when it is a number, else 1. */
  readonly quantity?: number | ((req: Request) => number);
  /** Default 'allow': the failure goes to the tracker's onError and the request is served. */
  readonly whenQuotaUnknown?: QuotaUnknownPolicy;
  /** Answers a refused request instead of the default 403 problem+json (which carries the quota's figures). */
  readonly onQuotaExceeded?: (check: QuotaCheck, req: Request, res: Response) => void;
}

export type QuotaGateOutcome = 'serve' | 'answered';

/**
 * Decides whether the request may reach its handler. 'answered' means the
 * response was sent here (403, or 503 under 'deny') and the handler must not run.
 */
export async function passQuotaGate(
  feature: UsageFeatureKey,
  organizationId: string,
  units: number,
  gate: RequireQuotaOptions,
  recorder: UsageRecorder,
  req: Request,
  res: Response,
): Promise<QuotaGateOutcome> {
  let check: QuotaCheck;
  try {
    check = await gate.client.checkQuota(organizationId, feature, { quantity: units });
  } catch (error) {
    reportSafely(recorder, error);
    if ((gate.whenQuotaUnknown ?? 'allow') === 'allow') return 'serve';
    res.status(503).type('application/problem+json').send(
      JSON.stringify({ type: 'about:blank', title: 'Service Unavailable', status: 503, detail: `The ${feature} quota could not be checked` }),
    );
    return 'answered';
  }
  if (check.allowed) return 'serve';
  if (gate.onQuotaExceeded) gate.onQuotaExceeded(check, req, res);
  else res.status(403).type('application/problem+json').send(JSON.stringify(quotaExceededProblem(check)));
  return 'answered';
}

/** The request's units for the check: the gate's own quantity, else the middleware's fixed one, else 1. */
export function unitsToCheck(gate: RequireQuotaOptions, trackedQuantity: unknown, req: Request): number {
  if (typeof gate.quantity === 'function') return gate.quantity(req);
  if (gate.quantity !== undefined) return gate.quantity;
  return typeof trackedQuantity === 'number' ? trackedQuantity : 1;
}

function quotaExceededProblem(check: QuotaCheck) {
  const { feature, included, used, reserved, remaining, windowStart, windowEnd } = check;
  return {
    type: QUOTA_EXCEEDED_TYPE,
    title: 'Quota exceeded',
    status: 403,
    detail: `${feature} quota exceeded`,
    feature,
    included,
    used,
    reserved,
    remaining,
    windowStart,
    windowEnd,
  };
}
