// Every idempotency key an organization has accepted, with the content it was
// accepted with, so a repeat is recognised however much later it comes. Folded
// from the same events as the state; kept apart because it only grows and must
// be updated in place (copying it per event, as evolve does, would be quadratic).
import type { OrganizationEvent } from '../domain/events';
import type { UsageFingerprint } from '../domain/usage-identity';

export class UsageKeyIndex {
  // One compact string per key: a million keys stay within tens of megabytes.
  private readonly fingerprints = new Map<string, string>();

  get size(): number {
    return this.fingerprints.size;
  }

  lookup(idempotencyKey: string): UsageFingerprint | undefined {
    const packed = this.fingerprints.get(idempotencyKey);
    if (packed === undefined) return undefined;
    const split = packed.lastIndexOf('|');
    const second = packed.lastIndexOf('|', split - 1);
    return {
      feature: packed.slice(0, second),
      quantity: Number(packed.slice(second + 1, split)),
      timestampMs: Number(packed.slice(split + 1)),
    };
  }

  apply(event: OrganizationEvent): void {
    if (event.type !== 'UsageRecorded' && event.type !== 'UsageCorrected') return;
    const { idempotencyKey, feature, quantity, timestamp } = event.data;
    this.fingerprints.set(idempotencyKey, `${feature}|${quantity}|${Date.parse(timestamp)}`);
  }
}
