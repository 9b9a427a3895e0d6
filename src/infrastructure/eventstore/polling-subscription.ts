// Catch-up-then-live subscription over a log that can only be read in batches
// (the SQLite store). It reads one batch at a time, only when the consumer has
// taken the previous one, so catching up over millions of events holds one
// batch in memory; once caught up it sleeps until woken by an in-process
// append signal or by the poll timer (appends from other processes).
import type {
  EventSubscription,
  GlobalPosition,
  RecordedEvent,
} from '../../application/ports/event-store';
import type { AppendSignal } from './append-signal';

export interface BatchSource {
  /** Events strictly after `after` (all when undefined), in position order; synchronous. */
  readBatch(after: GlobalPosition | undefined, maxCount: number): RecordedEvent[];
}

export interface PollingSubscriptionOptions {
  readonly fromPosition?: GlobalPosition;
  readonly batchSize: number;
  readonly pollIntervalMs: number;
  /** Called once when the subscription ends, however it ends. */
  readonly onEnd: (subscription: PollingSubscription) => void;
}

export class PollingSubscription implements EventSubscription {
  private stopped = false;
  private iterated = false;
  private ended = false;
  private wakeSleeper: (() => void) | null = null;
  private stopListening: () => void = () => undefined;

  constructor(
    private readonly source: BatchSource,
    private readonly signal: AppendSignal,
    private readonly options: PollingSubscriptionOptions,
  ) {}

  [Symbol.asyncIterator](): AsyncIterator<RecordedEvent> {
    // A second iterator would need its own cursor; one consumer per subscription
    // keeps "each event once" simple to reason about.
    if (this.iterated) throw new Error('an event subscription can be iterated only once');
    this.iterated = true;
    return this.events();
  }

  async unsubscribe(): Promise<void> {
    this.stop();
  }

  /** Ends the iteration: a pending `next()` resolves as done. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.wake();
    // The consumer may never call next() again; do not leave a listener behind.
    this.stopListening();
    // Never iterated: no generator will run its `finally`, so report the end here.
    if (!this.iterated) this.end();
  }

  private async *events(): AsyncGenerator<RecordedEvent, void, undefined> {
    let cursor = this.options.fromPosition;
    this.stopListening = this.signal.listen(() => this.wake());
    try {
      while (!this.stopped) {
        // Reading and (if empty) starting to sleep happen in one synchronous
        // step, so an in-process append cannot slip between them unnoticed.
        const batch = this.source.readBatch(cursor, this.options.batchSize);
        if (batch.length === 0) {
          await this.sleep();
          continue;
        }
        for (const event of batch) {
          if (this.stopped) return;
          cursor = event.position;
          yield event;
        }
      }
    } finally {
      this.stopListening();
      this.stopped = true;
      this.end();
    }
  }

  private sleep(): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        if (this.wakeSleeper === done) this.wakeSleeper = null;
        resolve();
      };
      const timer = setTimeout(done, this.options.pollIntervalMs);
      this.wakeSleeper = done;
    });
  }

  private end(): void {
    if (this.ended) return;
    this.ended = true;
    this.options.onEnd(this);
  }

  private wake(): void {
    this.wakeSleeper?.();
  }
}
