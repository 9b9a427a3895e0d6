// Every idempotency key an organization has accepted, with the content it was
// accepted with, so a repeat is recognised however much later it comes. Part of
// the organization's ledger; kept as a mutable index because it only grows
// (copying it per event, as evolve does with the state, would be quadratic).
import { isUsageEvent, type OrganizationEvent } from './events';
import { fingerprintOf, type UsageFingerprint } from './usage-identity';

const pack = (f: UsageFingerprint): string => `${f.feature}|${f.quantity}|${f.timestampMs}`;

function unpack(packed: string): UsageFingerprint {
  const split = packed.lastIndexOf('|');
  const second = packed.lastIndexOf('|', split - 1);
  return { feature: packed.slice(0, second), quantity: Number(packed.slice(second + 1, split)), timestampMs: Number(packed.slice(split + 1)) };
}

export class UsageKeyIndex {
  // One compact string per key: a million keys stay within tens of megabytes.
  private readonly fingerprints = new Map<string, string>();

  /** An index that sees this one's keys and keeps its own additions apart (decisions not yet appended). */
  constructor(private readonly parent: UsageKeyIndex | null = null) {}

  overlay(): UsageKeyIndex {
    return new UsageKeyIndex(this);
  }

  /** Takes over an overlay's keys once what it holds has been appended. */
  absorb(overlay: UsageKeyIndex): void {
    for (const [key, packed] of overlay.fingerprints) this.fingerprints.set(key, packed);
  }

  get size(): number {
    return this.fingerprints.size + (this.parent?.size ?? 0);
  }

  lookup(idempotencyKey: string): UsageFingerprint | undefined {
    const packed = this.fingerprints.get(idempotencyKey);
    if (packed === undefined) return this.parent?.lookup(idempotencyKey);
    return unpack(packed);
  }

  apply(event: OrganizationEvent): void {
    if (isUsageEvent(event)) this.fingerprints.set(event.data.idempotencyKey, pack(fingerprintOf(event)));
  }
}
