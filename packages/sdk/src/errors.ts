// The errors the SDK's client throws. An answer the server gave (any non-2xx)
// becomes a TallyApiError carrying the RFC 9457 problem fields, so callers can
// branch on `status` and show `errors[].path` next to the right input; a request
// that got no answer at all becomes a TallyNetworkError. Both say whether the
// same request may be sent again, which the background tracker relies on.
import type { ProblemFieldError } from './types.js';

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
  override readonly name = 'TallyApiError';
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
