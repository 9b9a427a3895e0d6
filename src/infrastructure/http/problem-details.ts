// RFC 9457 problem details: the one shape every error of the API takes. Each
// kind of problem has a stable `type` URI that clients may branch on; `detail`
// is for people; `errors` names each failing field by its path (`items[3].quantity`)
// so a client can fix or drop exactly that input.
import type { Response } from 'express';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
const TYPE_BASE = 'https://tally.dev/problems/';

export const PROBLEM_KINDS = {
  validation: { status: 400, title: 'Invalid request' },
  'bad-request': { status: 400, title: 'Bad request' },
  'malformed-json': { status: 400, title: 'Malformed JSON' },
  unauthorized: { status: 401, title: 'Unauthorized' },
  forbidden: { status: 403, title: 'Forbidden' },
  'quota-exceeded': { status: 403, title: 'Quota exceeded' },
  'not-found': { status: 404, title: 'Not found' },
  'method-not-allowed': { status: 405, title: 'Method not allowed' },
  'organization-not-found': { status: 404, title: 'Organization not found' },
  conflict: { status: 409, title: 'Conflict' },
  'payload-too-large': { status: 413, title: 'Payload too large' },
  'unsupported-media-type': { status: 415, title: 'Unsupported media type' },
  'headers-too-large': { status: 431, title: 'Request header fields too large' },
  'rate-limited': { status: 429, title: 'Too many requests' },
  internal: { status: 500, title: 'Internal server error' },
  'service-unavailable': { status: 503, title: 'Service unavailable' },
  'workflows-unavailable': { status: 503, title: 'Billing workflows not configured' },
} as const;

export type ProblemKind = keyof typeof PROBLEM_KINDS;

export interface FieldError {
  readonly path: string;
  readonly message: string;
}

export interface ProblemDocument {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly errors?: readonly FieldError[];
  readonly [extension: string]: unknown;
}

export const problemTypeUri = (kind: ProblemKind): string => `${TYPE_BASE}${kind}`;

/** Thrown anywhere in the HTTP layer; the error handler sends it as it is. */
export class HttpProblem extends Error {
  override readonly name = 'HttpProblem';
  readonly status: number;

  constructor(
    readonly kind: ProblemKind,
    readonly detail: string,
    readonly options: {
      readonly errors?: readonly FieldError[];
      readonly retryAfterSeconds?: number;
      readonly headers?: Readonly<Record<string, string>>;
      readonly extensions?: Readonly<Record<string, unknown>>;
    } = {},
  ) {
    super(detail);
    this.status = PROBLEM_KINDS[kind].status;
  }

  toDocument(): ProblemDocument {
    const { title, status } = PROBLEM_KINDS[this.kind];
    return {
      type: problemTypeUri(this.kind),
      title,
      status,
      detail: this.detail,
      ...(this.options.errors && this.options.errors.length > 0 && { errors: this.options.errors }),
      ...this.options.extensions,
    };
  }
}

/**
 * One answer for "this organization does not exist" and "this key may not act
 * on that organization", so a key cannot tell another tenant's id from an
 * unused one. It deliberately does not echo the id.
 */
export function organizationNotFound(): HttpProblem {
  return new HttpProblem('organization-not-found', 'No organization with this id exists for this API key.');
}

export function validationProblem(errors: readonly FieldError[]): HttpProblem {
  const first = errors[0];
  const detail = first ? `${first.path ? `${first.path}: ` : ''}${first.message}${errors.length > 1 ? ` (and ${errors.length - 1} more)` : ''}` : 'the request is invalid';
  return new HttpProblem('validation', detail, { errors });
}

export function sendProblem(res: Response, problem: HttpProblem): void {
  if (problem.options.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(problem.options.retryAfterSeconds));
  for (const [name, value] of Object.entries(problem.options.headers ?? {})) res.setHeader(name, value);
  res.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem.toDocument()));
}
