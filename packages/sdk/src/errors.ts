// The errors the SDK's client throws. An answer the server gave (any non-2xx)
// becomes a TallyApiError carrying the RFC 9457 problem fields, so callers can
// branch on `status` and show `errors[].path` next to the right input; a request
// that got no answer at all becomes a TallyNetworkError. Both say whether the
// same request may be sent again, which the background tracker relies on.
import type { ProblemFieldError, QuotaExceededDetails } from './types.js';

/** The base of every error this SDK raises, for a single `instanceof` check. */
export class TallyError extends Error {
  override readonly name: string = 'TallyError';
}

export interface ProblemDetails {
  readonly status: number;
  readonly type: string;
  readonly title: string;
  readonly detail?: string;
  readonly errors?: readonly ProblemFieldError[];
  readonly retryAfterSeconds?: number;
}

export class TallyApiError extends TallyError {
  override readonly name: string = 'TallyApiError';
  readonly status: number;
  readonly type: string;
  readonly title: string;
  readonly detail: string | undefined;
  readonly errors: readonly ProblemFieldError[];
  /** From the Retry-After header of a 429 or 503; undefined when absent. */
  readonly retryAfterSeconds: number | undefined;

  constructor(problem: ProblemDetails) {
    super(`${problem.status} ${problem.title}${problem.detail ? `: ${problem.detail}` : ''}`);
    this.status = problem.status;
    this.type = problem.type;
    this.title = problem.title;
    this.detail = problem.detail;
    this.errors = problem.errors ?? [];
    this.retryAfterSeconds = problem.retryAfterSeconds;
  }

  /** Timeouts, rate limits and server faults may succeed later; other 4xx never will. */
  get retryable(): boolean {
    return this.status === 408 || this.status === 429 || this.status >= 500;
  }
}

/** The problem type of a hard quota's refusal (HTTP 403). */
export const QUOTA_EXCEEDED_TYPE = 'https://tally.dev/problems/quota-exceeded';

/**
 * A hard quota refused the write (or the reservation): nothing was stored.
 * It is final: sending the same write again is refused again until the quota
 * window resets, the quota is raised, or reserved quantity is released. The
 * figures are those of the first refusing item; `errors[].path` names every
 * refusing item of a bulk (`items[3].quantity`).
 */
export class QuotaExceededError extends TallyApiError implements QuotaExceededDetails {
  override readonly name = 'QuotaExceededError';
  readonly feature: string;
  readonly included: number;
  readonly used: number;
  readonly reserved: number;
  readonly remaining: number;
  readonly windowStart: string;
  readonly windowEnd: string;

  constructor(problem: ProblemDetails, details: QuotaExceededDetails) {
    super(problem);
    this.feature = details.feature;
    this.included = details.included;
    this.used = details.used;
    this.reserved = details.reserved;
    this.remaining = details.remaining;
    this.windowStart = details.windowStart;
    this.windowEnd = details.windowEnd;
  }
}

/**
 * 'network': no answer (refused, reset, DNS); 'timeout': no full answer in time;
 * 'aborted': the caller's signal fired; 'invalid_response': a 2xx that was not JSON.
 * Except 'aborted', the request may or may not have been applied, which is why
 * writes carry idempotency keys.
 */
export type NetworkFailureReason = 'timeout' | 'aborted' | 'network' | 'invalid_response';

export class TallyNetworkError extends TallyError {
  override readonly name = 'TallyNetworkError';

  constructor(
    message: string,
    readonly reason: NetworkFailureReason,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** A caller's own abort is a decision, not a fault, so it is not retried. */
  get retryable(): boolean {
    return this.reason !== 'aborted';
  }
}

/** True for failures worth sending the same request again (with the same idempotency keys). */
export function isRetryableError(error: unknown): boolean {
  return (error instanceof TallyApiError || error instanceof TallyNetworkError) && error.retryable;
}
