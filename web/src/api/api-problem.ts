// What a failed call to the API means for the console: the RFC 9457 problem the
// API answered (with a field path per invalid input), or no answer at all.
import type { Problem } from './tally-api';

export class ApiProblem extends Error {
  constructor(
    /** The HTTP status; 0 when the API could not be reached. */
    readonly status: number,
    readonly problem: Problem | null,
    /** Seconds from Retry-After on 429 and 503 answers. */
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(problem?.detail ?? (status === 0 ? 'The Tally API cannot be reached.' : `The Tally API answered ${status}.`));
    this.name = 'ApiProblem';
  }

  /** The API's message for one field, e.g. "pricing.tiers[1].upTo", when it named that field. */
  fieldMessage(path: string): string | undefined {
    return this.problem?.errors?.find((error) => error.path === path)?.message;
  }

  /** Whether part of this problem is not shown next to one of `fields`, so it needs a message of its own. */
  needsAlertBeyond(fields: readonly string[]): boolean {
    const errors = this.problem?.errors ?? [];
    return errors.length === 0 || errors.some((error) => !fields.includes(error.path));
  }
}

function isProblem(body: unknown): body is Problem {
  return typeof body === 'object' && body !== null && typeof (body as Problem).detail === 'string' && typeof (body as Problem).status === 'number';
}

export function problemFrom(response: Response, body: unknown): ApiProblem {
  const retryAfter = Number(response.headers.get('retry-after'));
  return new ApiProblem(response.status, isProblem(body) ? body : null, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null);
}
