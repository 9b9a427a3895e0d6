// Schemas shared by many routes: identifiers, positions, freshness, the
// write result and the problem document. Each schema validates requests and
// describes them in the OpenAPI document, so the two cannot drift apart.
import { z } from 'zod';
import { FEATURE_KEY_PATTERN } from '../../../domain/catalogue';
import { CURRENCY_CODES } from '../../../domain/currency';
import { PERIOD_KEY_PATTERN } from '../../../domain/period-key';
import { MAX_PERIOD_QUANTITY } from '../../../domain/usage-bounds';
import { MAX_IDEMPOTENCY_KEY_LENGTH } from '../../../domain/usage-identity';
import type { WriteResult } from '../../../application/usage/usage-commands';
import type { Freshness } from '../../../application/usage/read-model-freshness';
import type { CurrencyTotal } from '../../../application/usage/usage-amounts';
import { answerSchema } from './answer-schema';

/** Safe in a URL path segment and a stream name; starts with a letter or digit so "." and ".." are impossible. */
export const ORGANIZATION_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

export const organizationId = z
  .string()
  .regex(ORGANIZATION_ID_PATTERN, 'must be 1 to 128 characters of letters, digits, "_", "." and "-", starting with a letter or digit')
  .meta({ description: 'The organization billed for the usage', example: 'org_123' });

// Built-in and custom feature keys share one shape, which also keeps names such
// as "constructor" or "__proto__" away from the lookups behind them.
export const featureKey = z
  .string()
  .regex(FEATURE_KEY_PATTERN, 'must be 2 to 64 characters of A-Z, 0-9 and _, starting with a letter (e.g. "OCR_SCAN")')
  .meta({ description: 'A built-in feature (e.g. OCR_SCAN) or one the organization defined', example: 'OCR_SCAN' });

export const idempotencyKey = z
  .string()
  .min(1)
  .max(MAX_IDEMPOTENCY_KEY_LENGTH)
  .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces')
  .meta({ description: 'Sending the same key again is acknowledged as a duplicate and never counted twice', example: 'scan-2026-11-15-0001' });

/** An RFC 3339 date-time (seconds may be left out); the domain checks the calendar and the allowed skew. */
export const instant = z.string().min(1).max(40).meta({ format: 'date-time', description: 'RFC 3339 instant with a time zone', example: '2026-11-15T10:00:00Z' });

/**
 * Free text of `min` to `max` characters, counted in Unicode code points as
 * JSON Schema counts them (zod's own min/max count UTF-16 units, which would
 * refuse 200 emoji that the document allows), with at least one that is not
 * white space.
 */
export function text(min: number, max: number) {
  return z
    .string()
    .refine((value) => {
      const length = [...value].length;
      return length >= min && length <= max;
    }, `must be ${min} to ${max} characters`)
    .regex(/\S/, 'must not be only white space')
    .meta({ minLength: min, maxLength: max });
}

/** An ISO 4217 currency Tally knows the minor unit of. */
export const currencyCode = z.enum(CURRENCY_CODES as [string, ...string[]]);

/** Usage quantities Tally adds up exactly (see the domain's usage bounds). */
export const usageQuantity = z
  .number()
  .int()
  .min(0)
  .max(MAX_PERIOD_QUANTITY)
  .meta({ description: `Units used; at least 1 for features that add up, a reading (0 or more) for max/latest features; at most ${MAX_PERIOD_QUANTITY.toLocaleString('en')}`, example: 1 });

export const position = z.string().regex(/^\d{1,30}$/, 'must be a position returned by a write (digits)');

export const readQuery = z.strictObject({
  waitForPosition: position
    .optional()
    .meta({ description: "Wait (bounded) until the read models include this write position, e.g. a write's `position`", example: '42' }),
});

export const billingPeriod = z.object({ start: z.string(), end: z.string() }).meta({ id: 'BillingPeriod' });

/** A billing period named as people do: the one that starts in this month of the organization's calendar. */
export const billingPeriodKey = z
  .string()
  .regex(PERIOD_KEY_PATTERN, 'must be a year and month such as "2026-11"')
  .meta({ description: "The billing period that starts in this month of the organization's calendar", example: '2026-11' });

export const freshness = answerSchema<Freshness>()(
  z
    .object({
      position: z.string().nullable(),
      caughtUpAt: z.string().nullable(),
      ageMs: z.number().nullable(),
      includesRequestedPosition: z.boolean(),
    })
    .meta({ id: 'Freshness', description: 'How current the read models behind an answer are' }),
);

export const writeResult = answerSchema<WriteResult>()(
  z
    .object({
      changed: z.boolean().meta({ description: 'False when the same configuration was sent again' }),
      position: z.string().nullable().meta({ description: 'Pass to a read as `waitForPosition` to read this write' }),
    })
    .meta({ id: 'WriteResult' }),
);

export const currencyTotal = answerSchema<CurrencyTotal>()(
  z
    .object({ currency: z.string(), overageAmount: z.number(), overageAmountDecimal: z.string() })
    .meta({ id: 'CurrencyTotal' }),
);

export const problem = z
  .object({
    type: z.string().meta({ example: 'https://tally.dev/problems/validation' }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    errors: z.array(z.object({ path: z.string().meta({ example: 'items[3].quantity' }), message: z.string() })).optional(),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details' });

export const organizationPathParams = z.strictObject({ orgId: organizationId });
export const featurePathParams = z.strictObject({ orgId: organizationId, feature: featureKey });
