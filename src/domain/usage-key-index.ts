// The idempotency keys an organization has accepted, with the content each was
// accepted with, so a repeat is recognised however much later it comes. Part
// of the organization's ledger. In memory it holds only what it must: the keys
// accepted since they were last archived (recorded durably beside the log),
// and a bounded number recalled from the archive for the commands at hand.
// Every key is still known: those not in memory are in the archive, and the
// write side recalls them before deciding (see OrganizationLedger.keysToRecall).
import { isUsageEvent, type OrganizationEvent } from './events';
import { fingerprintOf, type UsageFingerprint } from './usage-identity';

/** A fingerprint as one compact string: a million keys stay within tens of megabytes. */
export const packFingerprint = (f: UsageFingerprint): string => `${f.feature}|${f.quantity}|${f.timestampMs}`;

export function unpackFingerprint(packed: string): UsageFingerprint {
  const split = packed.lastIndexOf('|');
  const second = packed.lastIndexOf('|', split - 1);
  return { feature: packed.slice(0, second), quantity: Number(packed.slice(second + 1, split)), timestampMs: Number(packed.slice(split + 1)) };
}

/** Keys recalled from the archive that stay in memory, per organization; the oldest are forgotten first. */
export const RECALLED_KEYS_KEPT = 10_000;

export class UsageKeyIndex {
  /** Accepted since the last archiving: the archive does not have them yet. */
  private readonly unarchived = new Map<string, string>();
  /** Found in the archive lately; forgettable, since the archive keeps them. */
  private readonly recalled = new Map<string, string>();

  /** An index that sees this one's keys and keeps its own additions apart (decisions not yet appended). */
  constructor(private readonly parent: UsageKeyIndex | null = null) {}

  overlay(): UsageKeyIndex {
    return new UsageKeyIndex(this);
  }

  /** Takes over an overlay's keys once what it holds has been appended. */
  absorb(overlay: UsageKeyIndex): void {
    for (const [key, packed] of overlay.unarchived) this.unarchived.set(key, packed);
  }

  /** Keys in memory (not counting those only the archive has). */
  get size(): number {
    return this.unarchived.size + this.recalled.size + (this.parent?.size ?? 0);
  }

  lookup(idempotencyKey: string): UsageFingerprint | undefined {
    const packed = this.packedOf(idempotencyKey);
    return packed === undefined ? undefined : unpackFingerprint(packed);
  }

  apply(event: OrganizationEvent): void {
    if (isUsageEvent(event)) this.unarchived.set(event.data.idempotencyKey, packFingerprint(fingerprintOf(event)));
  }

  /** Keeps keys the archive answered with, for the decisions about to be taken. */
  remember(found: ReadonlyMap<string, string>): void {
    for (const [key, packed] of found) {
      this.recalled.delete(key);
      this.recalled.set(key, packed);
    }
    // Map iteration follows insertion order: the first keys are the least recently recalled.
    for (const key of this.recalled.keys()) {
      if (this.recalled.size <= RECALLED_KEYS_KEPT) break;
      this.recalled.delete(key);
    }
  }

  /** The keys to record in the archive, with their packed fingerprints. */
  toArchive(): [string, string][] {
    return [...this.unarchived];
  }

  /** Those keys are in the archive now: memory may let them go. */
  archived(keys: readonly (readonly [string, string])[]): void {
    for (const [key, packed] of keys) if (this.unarchived.get(key) === packed) this.unarchived.delete(key);
  }

  private packedOf(idempotencyKey: string): string | undefined {
    return this.unarchived.get(idempotencyKey) ?? this.recalled.get(idempotencyKey) ?? this.parent?.packedOf(idempotencyKey);
  }
}
