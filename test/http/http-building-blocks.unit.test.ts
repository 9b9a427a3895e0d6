// The small parts of the HTTP layer: field paths in the one spelling clients
// parse, the token bucket, and how failures map to problem documents.
import { z } from 'zod';
import { EventStoreUnavailableError, WrongExpectedRevisionError } from '../../src/application/ports/event-store';
import { ReadModelsUnavailableError } from '../../src/application/ports/usage-read-models';
import { DomainError } from '../../src/domain/domain-error';
import { toHttpProblem } from '../../src/infrastructure/http/error-handler';
import { fieldErrorsFromZod, formatFieldPath } from '../../src/infrastructure/http/field-paths';
import { TokenBucketRateLimiter } from '../../src/infrastructure/http/rate-limiter';

describe('field paths', () => {
  it('spells array indexes in brackets and properties with dots', () => {
    expect(formatFieldPath(['items', 3, 'quantity'])).toBe('items[3].quantity');
    expect(formatFieldPath(['pricing', 'tiers', 0, 'upTo'])).toBe('pricing.tiers[0].upTo');
    expect(formatFieldPath([])).toBe('');
  });

  it('names each failing field of a zod error, and each unknown property by itself', () => {
    const schema = z.strictObject({ items: z.array(z.strictObject({ quantity: z.number().int() })) });
    const result = schema.safeParse({ items: [{ quantity: 1 }, { quantity: 1.5 }, { quantity: 2, extra: true }] });
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(fieldErrorsFromZod(result.error).map((e) => e.path)).toEqual(['items[1].quantity', 'items[2].extra']);
  });
});

describe('token bucket rate limiter', () => {
  it('allows a burst of the rate, then refuses until tokens come back', () => {
    let now = 0;
    const limiter = new TokenBucketRateLimiter(4, () => now);
    expect([1, 2, 3, 4].map(() => limiter.take('key').allowed)).toEqual([true, true, true, true]);
    expect(limiter.take('key')).toEqual({ allowed: false, retryAfterSeconds: 1 });
    now += 250;
    expect(limiter.take('key').allowed).toBe(true);
    expect(limiter.take('other key').allowed).toBe(true);
  });

  it('tells a slow-rate client to wait several seconds', () => {
    const limiter = new TokenBucketRateLimiter(0.25, () => 0);
    expect(limiter.take('key').allowed).toBe(true);
    expect(limiter.take('key')).toEqual({ allowed: false, retryAfterSeconds: 4 });
  });
});

describe('problems from failures', () => {
  it('maps domain errors by their code and keeps the field', () => {
    const problem = toHttpProblem(new DomainError('validation', 'quantity must be at least 1', 'items[2].quantity'));
    expect(problem?.toDocument()).toMatchObject({ status: 400, type: 'https://tally.dev/problems/validation', errors: [{ path: 'items[2].quantity' }] });
    expect(toHttpProblem(new DomainError('conflict', 'already used', 'idempotencyKey'))?.status).toBe(409);
  });

  it('answers an unknown organization without naming it', () => {
    const document = toHttpProblem(new DomainError('not_found', 'organization "org_x" does not exist', 'organizationId'))?.toDocument();
    expect(document).toMatchObject({ status: 404, type: 'https://tally.dev/problems/organization-not-found' });
    expect(JSON.stringify(document)).not.toContain('org_x');
  });

  it('maps unreachable stores to 503 with Retry-After', () => {
    for (const error of [new EventStoreUnavailableError('closed'), new ReadModelsUnavailableError('connection refused')]) {
      const problem = toHttpProblem(error);
      expect(problem?.status).toBe(503);
      expect(problem?.options.retryAfterSeconds).toBeGreaterThan(0);
    }
  });

  it('answers a race lost on every retry as 503 with Retry-After, saying nothing was recorded', () => {
    const problem = toHttpProblem(new WrongExpectedRevisionError('organization-org_1', 4n, 7n));
    expect(problem?.status).toBe(503);
    expect(problem?.options.retryAfterSeconds).toBeGreaterThan(0);
    expect(problem?.toDocument().detail).toMatch(/nothing was recorded/);
  });

  it('maps body-parser errors by their type', () => {
    const parserError = (status: number, type: string) => Object.assign(new Error('parser'), { status, type });
    expect(toHttpProblem(parserError(400, 'entity.parse.failed'))?.kind).toBe('malformed-json');
    expect(toHttpProblem(parserError(413, 'entity.too.large'))?.kind).toBe('payload-too-large');
    expect(toHttpProblem(parserError(415, 'charset.unsupported'))?.kind).toBe('unsupported-media-type');
  });

  it('leaves a genuine bug to become a 500', () => {
    expect(toHttpProblem(new TypeError('undefined is not a function'))).toBeNull();
  });
});
