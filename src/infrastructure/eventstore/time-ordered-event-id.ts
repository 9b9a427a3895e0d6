// Generates event ids as UUIDv7 (RFC 9562): time-ordered, so the SQLite
// store's unique event-id index grows at its right edge. With random v4 ids
// every append of 500 events rewrote ~500 scattered index pages and the
// append benchmark ran 3x slower. The timestamp is only for index locality,
// not a business time, so it reads the system clock directly.
import { randomFillSync } from 'node:crypto';

const ID_BYTES = 16;
// Random bytes are drawn in bulk: one call per 256 ids instead of one per id.
const POOL_IDS = 256;
const MAX_COUNTER = 0xfff;

export class TimeOrderedEventIdGenerator {
  private readonly pool = Buffer.alloc(ID_BYTES * POOL_IDS);
  private poolOffset = this.pool.length;
  private lastMs = 0;
  private counter = 0;

  constructor(private readonly nowMs: () => number = Date.now) {}

  /** The 16 bytes of a UUIDv7 greater than the previous one from this generator; a fresh buffer. */
  next(): Buffer {
    this.advanceClock();
    if (this.poolOffset === this.pool.length) {
      randomFillSync(this.pool);
      this.poolOffset = 0;
    }
    // A copy, not a view: the pool is refilled while earlier ids may still
    // wait to be bound to a statement.
    const bytes = Buffer.allocUnsafe(ID_BYTES);
    this.pool.copy(bytes, 0, this.poolOffset, this.poolOffset + ID_BYTES);
    this.poolOffset += ID_BYTES;
    bytes.writeUIntBE(this.lastMs, 0, 6);
    // 12-bit counter in rand_a (RFC 9562 §6.2, method 1) keeps ids of one
    // millisecond in order; the remaining 62 bits stay random.
    bytes[6] = 0x70 | (this.counter >> 8);
    bytes[7] = this.counter & 0xff;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    return bytes;
  }

  private advanceClock(): void {
    const now = this.nowMs();
    if (now > this.lastMs) {
      this.lastMs = now;
      this.counter = 0;
    } else if (this.counter < MAX_COUNTER) {
      // Same millisecond, or the clock stepped back: stay on lastMs, count up.
      this.counter += 1;
    } else {
      // 4096 ids in one millisecond: borrow the next millisecond to stay ordered.
      this.lastMs += 1;
      this.counter = 0;
    }
  }
}
