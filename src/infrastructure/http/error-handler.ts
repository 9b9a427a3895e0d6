// Turns whatever a request failed with into one RFC 9457 answer: domain errors
// by their code, body-parser errors by their type, an unreachable event store
// or MongoDB as 503 with Retry-After. Only a genuine bug becomes a 500, and its
// details go to the log, never to the client.
import type { NextFunction, Request, Response } from 'express';
import { TooManyAuditsError } from '../../application/audit/audit-gate';
import { BillingWorkflowsUnavailableError } from '../../application/ports/billing-workflows';
import { EventStoreUnavailableError, WrongExpectedRevisionError } from '../../application/ports/event-store';
import { ReadModelsUnavailableError } from '../../application/ports/usage-read-models';
import { DomainError } from '../../domain/domain-error';
import { QuotaExceededError } from '../../domain/quota-enforcement';
import type { Logger } from '../logging/logger';
import { HttpProblem, organizationNotFound, sendProblem, type ProblemKind } from './problem-details';

// Long enough for a restarting dependency, short enough that clients come back soon.
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

const DOMAIN_KINDS: Record<DomainError['code'], ProblemKind> = {
  validation: 'validation',
  not_found: 'not-found',
  conflict: 'conflict',
  illegal_state: 'conflict',
  quota_exceeded: 'quota-exceeded',
};

// body-parser (and the router) report client mistakes as http-errors with a `type`.
const BODY_ERROR_KINDS: Record<string, ProblemKind> = {
  'entity.parse.failed': 'malformed-json',
  'entity.verify.failed': 'malformed-json',
  'entity.too.large': 'payload-too-large',
  'parameters.too.many': 'payload-too-large',
  'encoding.unsupported': 'unsupported-media-type',
  'charset.unsupported': 'unsupported-media-type',
  'request.aborted': 'bad-request',
  'request.size.invalid': 'bad-request',
};

export function toHttpProblem(error: unknown): HttpProblem | null {
  if (error instanceof HttpProblem) return error;
  if (error instanceof QuotaExceededError) {
    // The first refusal's figures at the top level (a single event); every refusing item in errors[] (a bulk).
    const { feature, included, used, reserved, remaining, windowStart, windowEnd } = error.refusals[0];
    return new HttpProblem('quota-exceeded', error.message, {
      errors: error.refusals.map((refusal) => ({ path: refusal.field, message: `${refusal.feature}: ${refusal.remaining} of ${refusal.included} left in this window, ${refusal.requested} asked` })),
      extensions: { feature, included, used, reserved, remaining, windowStart, windowEnd },
    });
  }
  if (error instanceof DomainError) {
    if (error.code === 'not_found' && error.field === 'organizationId') return organizationNotFound();
    const errors = error.field === undefined ? [] : [{ path: error.field, message: error.message }];
    return new HttpProblem(DOMAIN_KINDS[error.code], error.message, { errors });
  }
  if (error instanceof TooManyAuditsError) {
    return new HttpProblem('rate-limited', error.message, { retryAfterSeconds: error.retryAfterSeconds });
  }
  if (error instanceof BillingWorkflowsUnavailableError) {
    return new HttpProblem('service-unavailable', error.message, { retryAfterSeconds: UNAVAILABLE_RETRY_AFTER_SECONDS });
  }
  if (error instanceof WrongExpectedRevisionError) {
    // Only reached when other writers kept winning the race for every retry: nothing of this request was stored.
    return new HttpProblem('service-unavailable', 'Other writers kept changing this record while the request was decided; nothing was recorded, try again shortly.', {
      retryAfterSeconds: 1,
    });
  }
  if (isUnavailable(error)) {
    return new HttpProblem('service-unavailable', 'A storage dependency is unreachable; try again shortly.', {
      retryAfterSeconds: UNAVAILABLE_RETRY_AFTER_SECONDS,
    });
  }
  const clientError = asClientError(error);
  if (clientError) {
    const kind = BODY_ERROR_KINDS[clientError.type ?? ''] ?? (clientError.status === 413 ? 'payload-too-large' : 'bad-request');
    return new HttpProblem(kind, describeClientError(kind, clientError));
  }
  return null;
}

function isUnavailable(error: unknown): boolean {
  return (
    error instanceof EventStoreUnavailableError || error instanceof ReadModelsUnavailableError
  );
}

interface ClientError {
  readonly status: number;
  readonly type?: string;
  readonly message: string;
}

function asClientError(error: unknown): ClientError | null {
  if (!(error instanceof Error)) return null;
  const { status, statusCode, type } = error as Error & { status?: unknown; statusCode?: unknown; type?: unknown };
  const code = typeof status === 'number' ? status : typeof statusCode === 'number' ? statusCode : undefined;
  if (code === undefined || code < 400 || code > 499) return null;
  return { status: code, type: typeof type === 'string' ? type : undefined, message: error.message };
}

function describeClientError(kind: ProblemKind, error: ClientError): string {
  switch (kind) {
    case 'malformed-json':
      return error.type === 'entity.verify.failed' ? error.message : 'The request body is not valid JSON.';
    case 'payload-too-large':
      return 'The request body is larger than this server accepts.';
    case 'unsupported-media-type':
      return error.type === 'encoding.unsupported'
        ? 'The Content-Encoding of the request body is not supported (use identity, gzip, deflate or br).'
        : 'The request body must be JSON encoded as UTF-8.';
    default:
      // Router and parser messages name the problem without echoing the input (e.g. "Failed to decode param").
      return error.message;
  }
}

export function errorHandler(logger: Logger) {
  // Express recognises error middleware by its four parameters, so `_next` stays.
  return (error: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const problem = toHttpProblem(error);
    if (res.headersSent) {
      logger.error({ err: error, method: req.method, route: res.locals.routeTemplate }, 'request failed after the answer started');
      res.destroy();
      return;
    }
    if (problem) {
      if (problem.status >= 500) logger.warn({ err: error, method: req.method, route: res.locals.routeTemplate }, problem.detail);
      sendProblem(res, problem);
      return;
    }
    logger.error({ err: error, method: req.method, route: res.locals.routeTemplate }, 'unexpected error');
    sendProblem(res, new HttpProblem('internal', 'The server failed to answer this request; it has been logged.'));
  };
}
