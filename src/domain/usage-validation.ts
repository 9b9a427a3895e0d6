// Checks on one usage item before it is recorded. Each failure names the field
// (with the item's index in a bulk), so a client can fix exactly that input.
import type { FeatureDefinition } from './catalogue';
import type { UsageItem } from './commands';
import { DomainError, validationError } from './domain-error';
import { findFeature, type ActiveOrganization } from './organization';
import { MAX_IDEMPOTENCY_KEY_LENGTH } from './usage-identity';

// Clocks drift; five minutes tolerates a skewed client without accepting usage from the future.
export const MAX_FUTURE_SKEW_MS = 5 * 60_000;
export const MAX_METADATA_BYTES = 4_096;
export const MAX_BULK_ITEMS = 10_000;

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

export function requireFeature(state: ActiveOrganization, key: unknown, field: string): FeatureDefinition {
  const feature = typeof key === 'string' ? findFeature(state, key) : undefined;
  if (!feature) {
    throw new DomainError('not_found', `feature ${JSON.stringify(key)} is not a built-in feature nor one defined for this organization`, field);
  }
  return feature;
}

export function parseInstant(value: string, field: string): Date {
  const instant = new Date(value);
  if (typeof value !== 'string' || !ISO_INSTANT.test(value) || Number.isNaN(instant.getTime())) {
    throw validationError(field, `${field} must be an ISO-8601 instant with a time zone, e.g. "2026-11-25T10:00:00Z"`);
  }
  return instant;
}

export function validateQuantity(quantity: unknown, feature: FeatureDefinition, field: string, signed = false): number {
  if (typeof quantity !== 'number' || !Number.isSafeInteger(quantity)) {
    throw validationError(field, `${field} must be a whole number, got ${JSON.stringify(quantity)}`);
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
  if (happenedAt.getTime() > now.getTime() + MAX_FUTURE_SKEW_MS) {
    throw validationError(`${prefix}timestamp`, `${prefix}timestamp ${item.timestamp} is more than 5 minutes in the future`);
  }
  if (item.userId !== undefined && (typeof item.userId !== 'string' || item.userId.length === 0 || item.userId.length > 200)) {
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
  return { feature, happenedAt };
}
