// Watches a projector from outside, the way an operator would: polls its
// checkpoint in MongoDB and notes when it first passed each position a writer
// was acknowledged at. The difference is the projector's lag for that write:
// from "stored in the log" to "applied to the read models".
import type { Collection, Db } from 'mongodb';
import type { CheckpointDocument } from '../../src/read-side/mongo/read-model-documents';
import { COLLECTIONS } from '../../src/read-side/mongo/read-model-documents';

interface Awaited {
  readonly position: bigint;
  readonly acknowledgedAt: number;
}

export class CheckpointWatch {
  private readonly checkpoints: Collection<CheckpointDocument>;
  private waiting: Awaited[] = [];
  private readonly lags: number[] = [];
  private timer: NodeJS.Timeout | null = null;
  private polling = false;
  /** The projector's position at the last poll. */
  position = 0n;

  constructor(
    db: Db,
    private readonly projection: string,
    private readonly intervalMs: number,
  ) {
    this.checkpoints = db.collection<CheckpointDocument>(COLLECTIONS.checkpoints);
  }

  start(): void {
    this.timer = setInterval(() => void this.poll(), this.intervalMs);
    this.timer.unref();
  }

  /** A write acknowledged now at `position`: its lag is measured when the checkpoint passes it. */
  acknowledged(position: bigint): void {
    this.waiting.push({ position, acknowledgedAt: performance.now() });
  }

  /** Resolves once the projector has applied everything up to `position`. */
  async reach(position: bigint, timeoutMs: number, onWait?: (position: bigint) => void): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while ((await this.poll()) < position) {
      if (Date.now() > deadline) throw new Error(`the projector did not reach position ${position} within ${timeoutMs / 1000} s (it is at ${this.position})`);
      onWait?.(this.position);
      await new Promise((resolve) => setTimeout(resolve, this.intervalMs));
    }
  }

  /** Stops polling and returns the lag of every write it saw applied, in milliseconds. */
  stop(): number[] {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    return this.lags;
  }

  /** Writes still waiting to be applied. */
  get pending(): number {
    return this.waiting.length;
  }

  async poll(): Promise<bigint> {
    if (this.polling) return this.position;
    this.polling = true;
    try {
      const checkpoint = await this.checkpoints.findOne({ _id: this.projection });
      this.position = checkpoint?.position == null ? 0n : BigInt(checkpoint.position);
      const seenAt = performance.now();
      const stillWaiting: Awaited[] = [];
      for (const write of this.waiting) {
        if (write.position <= this.position) this.lags.push(seenAt - write.acknowledgedAt);
        else stillWaiting.push(write);
      }
      this.waiting = stillWaiting;
      return this.position;
    } finally {
      this.polling = false;
    }
  }
}
