// The one error type the domain throws. Its code says what kind of failure it is
// (the HTTP layer maps validation → 400, not_found → 404, conflict → 409,
// illegal_state → 409/403, quota_exceeded → 403) and `field` names the offending
// input, so a client can show the message next to the right form field or JSON path.

export type DomainErrorCode = 'validation' | 'not_found' | 'conflict' | 'illegal_state' | 'quota_exceeded';

export class DomainError extends Error {
  override readonly name = 'DomainError';

  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}

/** Shorthand for the most common case: an input that fails validation. */
export function validationError(field: string, message: string): DomainError {
  return new DomainError('validation', message, field);
}
