// A usage event as the background tracker holds it: checked, copied, and given
// its idempotency key and timestamp at the moment it is tracked. Fixing both then
// (not when a batch is sent) is what makes retries safe: every resend carries the
// same key, so the server acknowledges it as a duplicate instead of counting it
// again, and the usage lands in the period in which it happened.
import { randomUUID } from 'node:crypto';
import { InvalidUsageEventError } from './tracker-errors.js';
import type { BulkUsageItem, TrackUsageInput } from './types.js';

export interface QueuedUsageEvent extends TrackUsageInput {
  readonly idempotencyKey: string;
  readonly timestamp: string;
}

// The server's limits, checked here so one bad event is refused alone instead of
// refusing the bulk it would have travelled in.
const MAX_IDEMPOTENCY_KEY_LENGTH = 200;
const MAX_USER_ID_LENGTH = 200;

export interface EventIdentity {
  readonly now: () => Date;
  readonly newIdempotencyKey: () => string;
}

export const SYSTEM_IDENTITY: EventIdentity = { now: () => new Date(), newIdempotencyKey: () => randomUUID() };

export function prepareUsageEvent(event: TrackUsageInput, identity: EventIdentity = SYSTEM_IDENTITY): QueuedUsageEvent {
  if (event === null || typeof event !== 'object') throw new InvalidUsageEventError('event', 'a usage event must be an object');
  const { organizationId, feature, quantity, userId, idempotencyKey, timestamp, metadata } = event;
  if (!isNonEmptyString(organizationId)) throw new InvalidUsageEventError('organizationId', 'organizationId must be a non-empty string');
  if (!isNonEmptyString(feature)) throw new InvalidUsageEventError('feature', 'feature must be a non-empty string');
  if (quantity !== undefined && !Number.isSafeInteger(quantity)) {
    throw new InvalidUsageEventError('quantity', `quantity must be a whole number, got ${String(quantity)}`);
  }
  if (userId !== undefined && (!isNonEmptyString(userId) || userId.length > MAX_USER_ID_LENGTH)) {
    throw new InvalidUsageEventError('userId', `userId must be a string of 1 to ${MAX_USER_ID_LENGTH} characters`);
  }
  if (idempotencyKey !== undefined && !isValidKey(idempotencyKey)) {
    throw new InvalidUsageEventError('idempotencyKey', `idempotencyKey must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} printable ASCII characters without spaces`);
  }
  if (timestamp !== undefined && (typeof timestamp !== 'string' || Number.isNaN(Date.parse(timestamp)))) {
    throw new InvalidUsageEventError('timestamp', 'timestamp must be an ISO-8601 instant, e.g. "2026-11-25T10:00:00Z"');
  }
  return {
    organizationId,
    feature,
    ...(quantity !== undefined && { quantity }),
    ...(userId !== undefined && { userId }),
    ...(metadata !== undefined && { metadata: snapshotMetadata(metadata) }),
    idempotencyKey: idempotencyKey ?? identity.newIdempotencyKey(),
    timestamp: timestamp ?? identity.now().toISOString(),
  };
}

/** The bulk item for a queued event: the organization travels once, with the bulk. */
export function toBulkItem(event: QueuedUsageEvent): BulkUsageItem {
  const { organizationId: _organizationId, ...item } = event;
  return item;
}

/**
 * A JSON copy taken now, so a caller that reuses or mutates its object after
 * track() cannot change what a later retry sends, and so a value JSON cannot
 * carry (a cycle, a BigInt) is refused here rather than failing a whole batch.
 */
function snapshotMetadata(metadata: unknown): Record<string, unknown> {
  if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) {
    throw new InvalidUsageEventError('metadata', 'metadata must be a plain object');
  }
  try {
    return JSON.parse(JSON.stringify(metadata)) as Record<string, unknown>;
  } catch (cause) {
    throw new InvalidUsageEventError('metadata', `metadata must be JSON-serializable: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

function isValidKey(value: unknown): boolean {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_IDEMPOTENCY_KEY_LENGTH && /^[\x21-\x7e]+$/.test(value);
}
