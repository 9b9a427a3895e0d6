// What makes two usage events "the same": the idempotency key, and for a
// repeated key the content it was first accepted with. A repeat with the same
// content is a duplicate (acknowledged, never counted); with other content it is
// a conflict, because silently dropping it could lose real usage.
import type { UsageEvent } from './events';

export interface UsageFingerprint {
  readonly feature: string;
  readonly quantity: number;
  /** Epoch milliseconds of the recorded timestamp. */
  readonly timestampMs: number;
}

/** The content a usage event's idempotency key stands for. */
export function fingerprintOf(event: UsageEvent): UsageFingerprint {
  return { feature: event.data.feature, quantity: event.data.quantity, timestampMs: Date.parse(event.data.timestamp) };
}

export type UsageKeyLookup = (idempotencyKey: string) => UsageFingerprint | undefined;

export const MAX_IDEMPOTENCY_KEY_LENGTH = 200;

/**
 * A repeat may leave out the timestamp (it then means "the same event"); if it
 * names one, it must be the instant first recorded.
 */
export function sameUsage(recorded: UsageFingerprint, repeat: { feature: string; quantity: number; timestampMs?: number }): boolean {
  return (
    recorded.feature === repeat.feature &&
    recorded.quantity === repeat.quantity &&
    (repeat.timestampMs === undefined || repeat.timestampMs === recorded.timestampMs)
  );
}

export function describeFingerprint(f: UsageFingerprint): string {
  return `feature ${f.feature}, quantity ${f.quantity}, timestamp ${new Date(f.timestampMs).toISOString()}`;
}
