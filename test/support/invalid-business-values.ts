// Values of the right JSON type that Tally's business rules refuse, per field
// name: a quantity of 0, an unknown currency, a time zone that does not exist,
// a timestamp from the future. They pass the request schemas and reach the
// domain, which must refuse them with a problem naming the field, not a 500.
import fc from 'fast-check';
import { IANAZone } from 'luxon';
import { isCurrencyCode } from '../../src/domain/currency';

export interface RefusedValue {
  readonly value: fc.Arbitrary<unknown>;
  readonly status: number;
}

const whitespace = fc.constantFrom(' ', '  ', '\t', '\n', ' \t ');
const notAnInstant = fc.oneof(
  fc.string({ minLength: 1, maxLength: 30 }).filter((text) => !/^\d{4}-\d{2}-\d{2}T/.test(text)),
  fc.constantFrom('2026-13-01T00:00:00Z', '2026-11-15T25:00:00Z', '2026-11-15T10:00:00', '2026-11-15', '2026-11-15T10:00:00+25:00'),
  // Shaped like instants, but not in the calendar: Date would move them silently.
  fc.constantFrom('2026-02-30T00:00:00Z', '2026-11-15T24:00:00Z', '2026-11-15T23:59:60Z', '2026-04-31T12:00:00Z', '2025-02-29T00:00:00Z'),
);

/** Field name → values refused for it, and the status that refusal takes. */
export const REFUSED_VALUES: Readonly<Record<string, RefusedValue>> = {
  quantity: { value: fc.integer({ min: -1_000, max: 0 }), status: 400 },
  includedQuantity: { value: fc.integer({ min: -1_000_000, max: -1 }), status: 400 },
  timestamp: { value: notAnInstant, status: 400 },
  currency: { value: fc.stringMatching(/^[A-Za-z]{3}$/).filter((code) => !isCurrencyCode(code)), status: 400 },
  timeZone: { value: fc.string({ minLength: 1, maxLength: 30 }).filter((zone) => !IANAZone.isValidZone(zone)), status: 400 },
  billingAnchorDay: { value: fc.oneof(fc.integer({ min: -100, max: 0 }), fc.integer({ min: 32, max: 1_000 })), status: 400 },
  gracePeriodMinutes: { value: fc.oneof(fc.integer({ min: -1_000, max: -1 }), fc.integer({ min: 10_081, max: 10_000_000 })), status: 400 },
  stripeCustomerId: { value: fc.string({ maxLength: 20 }).filter((id) => !/^cus_[A-Za-z0-9]+$/.test(id)), status: 400 },
  pricePerUnit: {
    value: fc.oneof(fc.integer({ min: -1_000, max: -1 }), fc.constantFrom('abc', '-5', '1,5', '', ' ', 'NaN', 'Infinity', '1e400', '0x10')),
    status: 400,
  },
  name: { value: whitespace, status: 400 },
  displayName: { value: whitespace, status: 400 },
  unit: { value: whitespace, status: 400 },
  reason: { value: whitespace, status: 400 },
  // Well-formed keys that name no feature of the organization.
  feature: { value: fc.constantFrom('NO_SUCH_FEATURE', 'OCR_SCANS', 'API'), status: 404 },
  metadata: {
    value: fc.oneof(
      fc.integer({ min: 4_200, max: 8_000 }).map((size) => ({ note: 'm'.repeat(size) })),
      // Nested deeper than anything walking it recursively could bear.
      fc.integer({ min: 9, max: 2_000 }).map((depth) => JSON.parse(`${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`)),
    ),
    status: 400,
  },
};

/** Usage, corrections included, may not come from the future; corrections are signed. */
export const REFUSED_USAGE_VALUES: Readonly<Record<string, RefusedValue>> = {
  ...REFUSED_VALUES,
  timestamp: { value: fc.oneof(notAnInstant, fc.constant('2999-01-01T00:00:00Z')), status: 400 },
  quantity: { value: fc.oneof(fc.integer({ min: -1_000, max: 0 }), fc.constant(2 ** 53 - 1)), status: 400 },
};

export const REFUSED_CORRECTION_VALUES: Readonly<Record<string, RefusedValue>> = {
  ...REFUSED_VALUES,
  timestamp: { value: fc.oneof(notAnInstant, fc.constantFrom('2999-01-01T00:00:00Z', '9999-12-31T23:59:59Z')), status: 400 },
  quantity: { value: fc.oneof(fc.constant(0), fc.constant(2 ** 53 - 1)), status: 400 },
};

/** A commit may report that the work used nothing (0); what it used cannot be negative. */
export const REFUSED_COMMIT_VALUES: Readonly<Record<string, RefusedValue>> = {
  ...REFUSED_VALUES,
  quantity: { value: fc.integer({ min: -1_000, max: -1 }), status: 400 },
};

/** A reservation holds at least one unit, for at least a second and at most a day. */
export const REFUSED_RESERVATION_VALUES: Readonly<Record<string, RefusedValue>> = {
  ...REFUSED_VALUES,
  expiresInSeconds: { value: fc.oneof(fc.integer({ min: -1_000, max: 0 }), fc.integer({ min: 86_401, max: 10_000_000 })), status: 400 },
};
