// Idempotency keys for usage sent without one. With a timestamp, the key is
// derived from the content, so resending the same event is recognised as a
// duplicate; without a timestamp nothing distinguishes a resend from new usage,
// so the event gets a fresh key (returned to the caller for its own retries).
import { createHash } from 'node:crypto';
import type { IdGenerator } from '../ports/clock';

export interface KeylessUsage {
  readonly feature: string;
  readonly quantity: number;
  readonly timestamp?: string;
  readonly userId?: string;
  readonly metadata?: Readonly<Record<string, unknown>>;
}

/** JSON with object keys sorted, so equal content always hashes the same. */
function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function idempotencyKeyFor(usage: KeylessUsage & { readonly idempotencyKey?: string }, ids: IdGenerator): string {
  if (usage.idempotencyKey !== undefined) return usage.idempotencyKey;
  if (usage.timestamp === undefined) return `evt_${ids.newId()}`;
  const instant = Date.parse(usage.timestamp);
  const content = canonicalJson({
    feature: usage.feature,
    quantity: usage.quantity,
    // Normalised so "…T10:00:00Z" and "…T11:00:00+01:00" are the same event; an unparsable one is kept as sent and rejected later.
    timestamp: Number.isNaN(instant) ? usage.timestamp : new Date(instant).toISOString(),
    userId: usage.userId,
    metadata: usage.metadata,
  });
  return `drv_${createHash('sha256').update(content).digest('hex').slice(0, 40)}`;
}
