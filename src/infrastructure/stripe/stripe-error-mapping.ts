// Turns what the Stripe SDK throws into the port's StripeGatewayError, deciding
// once, here, which failures a later retry can fix. Workflows read only
// `retryable`; they never need to know the SDK's error classes.
import Stripe from 'stripe';
import { StripeGatewayError } from '../../application/ports/stripe-gateway';

type SdkError = Stripe.errors.StripeError;

export function isStripeSdkError(error: unknown): error is SdkError {
  return error instanceof Stripe.errors.StripeError;
}

function header(error: SdkError, name: string): string | undefined {
  const value = error.headers?.[name];
  return typeof value === 'string' ? value : undefined;
}

function isRetryable(error: SdkError): boolean {
  // Stripe says so explicitly on some answers (e.g. 'false' on a duplicate meter
  // event, 'true' on a lock timeout); that knows more than the status code does.
  const advice = header(error, 'stripe-should-retry');
  if (advice === 'true') return true;
  if (advice === 'false') return false;
  // No answer at all (refused, reset, timed out): the request may never have
  // arrived, and the identifier or idempotency key makes resending it harmless.
  if (error instanceof Stripe.errors.StripeConnectionError) return true;
  if (error instanceof Stripe.errors.StripeRateLimitError) return true;
  if (typeof error.statusCode === 'number') return StripeGatewayError.isRetryableStatus(error.statusCode);
  // StripeAPIError without a status: a response that could not be read as JSON.
  return error instanceof Stripe.errors.StripeAPIError;
}

/** The port's error for anything the SDK threw; other errors (bugs) are returned unchanged. */
export function toStripeGatewayError(error: unknown, operation: string): unknown {
  if (error instanceof StripeGatewayError || !isStripeSdkError(error)) return error;
  const statusCode = typeof error.statusCode === 'number' ? error.statusCode : null;
  const status = statusCode === null ? 'no response' : `HTTP ${statusCode}`;
  return new StripeGatewayError(`Stripe ${operation} failed (${status}, ${error.type}): ${error.message}`, {
    retryable: isRetryable(error),
    statusCode,
    stripeCode: error.code ?? null,
    stripeErrorType: error.rawType ?? error.type ?? null,
    requestId: error.requestId ?? null,
    cause: error,
  });
}

/**
 * Stripe rejects a meter event whose identifier it already holds with a 400
 * ("An event already exists with identifier …") instead of ignoring it. For
 * Tally that answer means the report is in Stripe already, which is success.
 */
export function isDuplicateMeterEventError(error: unknown): boolean {
  if (!(error instanceof Stripe.errors.StripeInvalidRequestError)) return false;
  return /already exists/i.test(error.message) && (error.param === 'identifier' || /identifier/i.test(error.message));
}
