// Checks on one usage item before it is recorded. Each failure names the field
// (with the item's index in a bulk), so a client can fix exactly that input.
import type { FeatureDefinition } from './catalogue';
import type { UsageItem } from './commands';
import { DomainError, validationError } from './domain-error';
import { findFeature, type ActiveOrganization } from './organization';
import { MAX_PERIOD_QUANTITY } from './usage-bounds';
import { MAX_IDEMPOTENCY_KEY_LENGTH } from './usage-identity';

// Clocks drift; five minutes tolerates a skewed client without accepting usage from the future.
export const MAX_FUTURE_SKEW_MS = 5 * 60_000;
export const MAX_METADATA_BYTES = 4_096;
export const MAX_BULK_ITEMS = 10_000;

// An ISO-8601 instant with a zone; each part is checked against the calendar below, because
// Date would quietly move 30 February to 2 March and read 24:00 as the next midnight.
const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2}))$/;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function isCalendarInstant(value: string): boolean {
  const match = ISO_INSTANT.exec(value);
  if (!match) return false;
  const [year, month, day, hour, minute, second = '0', offsetHours = '0', offsetMinutes = '0'] = match.slice(1).map((part) => part ?? undefined);
  const n = (text: string | undefined) => Number(text ?? '0');
  return (
    n(month) >= 1 &&
    n(month) <= 12 &&
    n(day) >= 1 &&
    n(day) <= daysInMonth(n(year), n(month)) &&
    n(hour) <= 23 &&
    n(minute) <= 59 &&
    n(second) <= 59 &&
    n(offsetHours) <= 18 &&
    n(offsetMinutes) <= 59
  );
}

export function requireFeature(state: ActiveOrganization, key: unknown, field: string): FeatureDefinition {
  const feature = typeof key === 'string' ? findFeature(state, key) : undefined;
  if (!feature) {
    throw new DomainError('not_found', `feature ${JSON.stringify(key)} is not a built-in feature nor one defined for this organization`, field);
  }
  return feature;
}

export function parseInstant(value: unknown, field: string): Date {
  const instant = typeof value === 'string' && isCalendarInstant(value) ? new Date(value) : null;
  if (!instant || Number.isNaN(instant.getTime())) {
    throw validationError(field, `${field} must be an ISO-8601 instant with a time zone that exists in the calendar, e.g. "2026-11-25T10:00:00Z"`);
  }
  return instant;
}

/** Usage cannot have happened in the future; five minutes of clock skew are forgiven. */
export function requireNotFuture(happenedAt: Date, now: Date, field: string, given: string | undefined): void {
  if (happenedAt.getTime() > now.getTime() + MAX_FUTURE_SKEW_MS) {
    throw validationError(field, `${field} ${given ?? happenedAt.toISOString()} is more than 5 minutes in the future`);
  }
}

export function validateQuantity(quantity: unknown, feature: FeatureDefinition, field: string, signed = false): number {
  if (typeof quantity !== 'number' || !Number.isSafeInteger(quantity)) {
    throw validationError(field, `${field} must be a whole number, got ${JSON.stringify(quantity)}`);
  }
  if (Math.abs(quantity) > MAX_PERIOD_QUANTITY) {
    throw validationError(field, `${field} must be at most ${MAX_PERIOD_QUANTITY.toLocaleString('en')} in size, the most Tally adds up exactly in a billing period`);
  }
  if (feature.aggregation === 'sum' && !signed && quantity < 1) {
    throw validationError(field, `${field} must be at least 1 for ${feature.key}, which sums its usage`);
  }
  if (feature.aggregation === 'sum' && signed && quantity === 0) {
    throw validationError(field, `${field} of a correction must not be 0`);
  }
  if (feature.aggregation !== 'sum' && quantity < 0) {
    throw validationError(field, `${field} must be at least 0 for ${feature.key}, which records a ${feature.aggregation} reading`);
  }
  return quantity;
}

export function validateIdempotencyKey(key: unknown, field: string): string {
  if (typeof key !== 'string' || key.length === 0 || key.length > MAX_IDEMPOTENCY_KEY_LENGTH || !/^[\x21-\x7e]+$/.test(key)) {
    throw validationError(field, `${field} must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} printable ASCII characters without spaces`);
  }
  return key;
}

/** Validates one item and returns the instant it happened (its timestamp, or now). */
export function validateUsageItem(state: ActiveOrganization, item: UsageItem, now: Date, prefix: string): { feature: FeatureDefinition; happenedAt: Date } {
  const feature = requireFeature(state, item.feature, `${prefix}feature`);
  validateQuantity(item.quantity, feature, `${prefix}quantity`);
  validateIdempotencyKey(item.idempotencyKey, `${prefix}idempotencyKey`);
  const happenedAt = item.timestamp === undefined ? now : parseInstant(item.timestamp, `${prefix}timestamp`);
  requireNotFuture(happenedAt, now, `${prefix}timestamp`, item.timestamp);
  validateUsageDetails(item, prefix);
  return { feature, happenedAt };
}

/** Who used it and what else the client recorded about it, checked the same for tracked and committed usage. */
export function validateUsageDetails(item: Pick<UsageItem, 'userId' | 'metadata'>, prefix: string): void {
  if (item.userId !== undefined && (typeof item.userId !== 'string' || item.userId.length === 0 || [...item.userId].length > 200)) {
    throw validationError(`${prefix}userId`, `${prefix}userId must be a string of 1 to 200 characters`);
  }
  if (item.metadata !== undefined) {
    if (item.metadata === null || typeof item.metadata !== 'object' || Array.isArray(item.metadata)) {
      throw validationError(`${prefix}metadata`, `${prefix}metadata must be a JSON object`);
    }
    if (new TextEncoder().encode(JSON.stringify(item.metadata)).length > MAX_METADATA_BYTES) {
      throw validationError(`${prefix}metadata`, `${prefix}metadata must be at most ${MAX_METADATA_BYTES} bytes of JSON`);
    }
  }
}
