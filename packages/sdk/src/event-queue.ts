// The tracker's buffer: a bounded first-in-first-out queue that makes room by
// dropping its oldest entries. Everything leaves from the front (sent batches
// and overflow alike), so "how many have ever left" tells a flush whether the
// events it waits for have been taken. Array.shift() would be O(n) per call at a
// full buffer of 100,000, hence a moving head and an occasional compaction.

export class EventQueue<T> {
  private items: T[] = [];
  private head = 0;
  private removed = 0;
  private added = 0;

  constructor(private readonly capacity: number) {}

  get size(): number {
    return this.items.length - this.head;
  }

  /** How many entries have ever been added. */
  get addedCount(): number {
    return this.added;
  }

  /** How many entries have ever left the front (taken or dropped). */
  get removedCount(): number {
    return this.removed;
  }

  /** Adds to the back; returns what had to be dropped from the front to stay within capacity. */
  push(item: T): T[] {
    this.items.push(item);
    this.added += 1;
    return this.size > this.capacity ? this.take(this.size - this.capacity) : [];
  }

  /** Removes and returns up to `count` entries from the front. */
  take(count: number): T[] {
    const end = Math.min(this.head + Math.max(count, 0), this.items.length);
    const taken = this.items.slice(this.head, end);
    this.head = end;
    this.removed += taken.length;
    this.compact();
    return taken;
  }

  private compact(): void {
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}
