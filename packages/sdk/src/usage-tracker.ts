// Records usage in the background: track() returns at once and never throws,
// events are buffered and sent in bulk (one request per organization) when
// enough have gathered or a short interval has passed, and failed sends are
// retried with the same idempotency keys, so a product's request path never
// waits on Tally and a retry never counts usage twice. What cannot be delivered
// is dropped and handed to onError, never silently lost.
import { sendOrganizationBatch, type BatchOutcomes } from './batch-sender.js';
import { TallyError } from './errors.js';
import { EventQueue } from './event-queue.js';
import { RetryWaits } from './retry-waits.js';
import { TrackerShutDownError, UsageBufferFullError } from './tracker-errors.js';
import type { TrackUsageInput } from './types.js';
import { prepareUsageEvent, type QueuedUsageEvent } from './usage-event.js';
import type { UsageRecorder } from './usage-recorder.js';
import { trackerSettings, type UsageTrackerOptions, type UsageTrackerSettings } from './usage-tracker-options.js';

export type { UsageTrackerErrorHandler, UsageTrackerOptions } from './usage-tracker-options.js';

// How long shutdown waits, after its deadline, for cut-off requests to report back.
const ABORT_GRACE_MS = 1_000;

export interface UsageTrackerStats {
  /** Events accepted by track() into the buffer. */
  readonly tracked: number;
  /** Events the server acknowledged, duplicates included. */
  readonly sent: number;
  /** Of those sent, the ones the server already had (a retry of an earlier send, say). */
  readonly duplicates: number;
  /** Events given up on and reported to onError. */
  readonly dropped: number;
  /** Bulk requests sent again after a retryable failure. */
  readonly retries: number;
  /** Events waiting in the buffer now. */
  readonly buffered: number;
  /** Events in requests under way now. */
  readonly inFlight: number;
}

export interface ShutdownOptions {
  /** Give up on what is still unsent after this long; it is reported to onError. Default: wait for everything. */
  readonly deadlineMs?: number;
}

export class UsageTracker implements UsageRecorder {
  private readonly settings: UsageTrackerSettings;
  private readonly queue: EventQueue<QueuedUsageEvent>;
  private readonly waits = new RetryWaits();
  private readonly stopSending = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private readonly counts = { tracked: 0, sent: 0, duplicates: 0, dropped: 0, retries: 0, inFlight: 0 };
  private round: Promise<void> | undefined;
  private roundRequested = false;
  private overflow: QueuedUsageEvent[] = [];
  private closed = false;
  private shutdownResult: Promise<UsageTrackerStats> | undefined;

  constructor(options: UsageTrackerOptions) {
    this.settings = trackerSettings(options);
    this.queue = new EventQueue(this.settings.maxBufferedEvents);
    this.timer = setInterval(() => {
      if (this.queue.size > 0 && !this.round) void this.pump();
    }, this.settings.flushIntervalMs);
    // Usage tracking must never be the reason a process cannot exit.
    this.timer.unref();
  }

  /**
   * Buffers one usage event and returns its idempotency key, or undefined when
   * the event was dropped (invalid, or the tracker is shut down) and reported.
   */
  track(event: TrackUsageInput): string | undefined {
    try {
      if (this.closed) {
        this.drop(new TrackerShutDownError('the tracker is shut down; usage tracked after shutdown() is not sent'), [event]);
        return undefined;
      }
      const queued = prepareUsageEvent(event, this.settings.identity);
      this.counts.tracked += 1;
      const pushedOut = this.queue.push(queued);
      if (pushedOut.length > 0) this.noteOverflow(pushedOut);
      if (this.queue.size >= this.settings.maxBatchSize) this.requestRound();
      return queued.idempotencyKey;
    } catch (error) {
      this.drop(error, event === null || typeof event !== 'object' ? [] : [event]);
      return undefined;
    }
  }

  /** Sends everything tracked before this call; resolves when each event is acknowledged or reported dropped. */
  async flush(): Promise<void> {
    const target = this.queue.addedCount;
    this.waits.hold();
    try {
      while (this.queue.removedCount < target) await this.pump();
      // What is left of the events we wait for is in the round under way.
      await this.round;
    } finally {
      this.waits.release();
    }
  }

  /**
   * Stops the interval, sends what is buffered and refuses later track() calls
   * (they are reported as dropped). With a deadline, whatever is still unsent
   * then is abandoned and reported. Calling it again returns the same result.
   */
  shutdown(options: ShutdownOptions = {}): Promise<UsageTrackerStats> {
    if (!this.shutdownResult) {
      this.closed = true;
      clearInterval(this.timer);
      this.shutdownResult = this.drainBefore(options.deadlineMs).then(() => this.stats);
    }
    return this.shutdownResult;
  }

  /** For extractors and other helpers: report a failure through this tracker's onError. */
  reportError(error: unknown, events: readonly TrackUsageInput[] = []): void {
    this.drop(error, events);
  }

  get stats(): UsageTrackerStats {
    const { inFlight, ...counts } = this.counts;
    return { ...counts, buffered: this.queue.size, inFlight };
  }

  private async drainBefore(deadlineMs: number | undefined): Promise<void> {
    const flushed = this.flush();
    if (deadlineMs === undefined) return flushed;
    let deadline: NodeJS.Timeout | undefined;
    const expired = new Promise<boolean>((resolve) => {
      deadline = setTimeout(() => resolve(true), Math.max(0, deadlineMs));
    });
    const timedOut = await Promise.race([flushed.then(() => false), expired]);
    clearTimeout(deadline);
    if (!timedOut) return;
    // Abandon the rest: cut off requests and waits under way, report what never left the buffer.
    this.stopSending.abort();
    const unsent = this.queue.take(this.queue.size);
    if (unsent.length > 0) this.drop(new TrackerShutDownError('the shutdown deadline passed before these events were sent'), unsent);
    // Cut-off requests report themselves within moments; a custom client that ignores the
    // abort signal must not hold shutdown past its deadline (its events stay in stats.inFlight).
    await Promise.race([flushed, delay(ABORT_GRACE_MS)]);
  }

  /** Coalesces the triggers of many synchronous track() calls into one round, started outside the caller's stack. */
  private requestRound(): void {
    if (this.roundRequested || this.round) return;
    this.roundRequested = true;
    // A promise job rather than queueMicrotask, which test fake timers replace.
    void Promise.resolve().then(() => {
      this.roundRequested = false;
      return this.pump();
    });
  }

  /** Starts a round unless one is under way; returns the round under way. */
  private pump(): Promise<void> {
    if (!this.round && this.queue.size > 0) {
      this.round = this.sendRound().finally(() => {
        this.round = undefined;
        if (this.queue.size >= this.settings.maxBatchSize) this.requestRound();
      });
    }
    return this.round ?? Promise.resolve();
  }

  /** Takes up to maxBatchSize events from the front and sends one bulk per organization. */
  private async sendRound(): Promise<void> {
    const events = this.queue.take(this.settings.maxBatchSize);
    const byOrganization = new Map<string, QueuedUsageEvent[]>();
    for (const event of events) {
      const batch = byOrganization.get(event.organizationId);
      if (batch) batch.push(event);
      else byOrganization.set(event.organizationId, [event]);
    }
    this.counts.inFlight += events.length;
    const batches = [...byOrganization];
    const worker = async () => {
      for (let next = batches.shift(); next; next = batches.shift()) {
        const [organizationId, batch] = next;
        try {
          await sendOrganizationBatch(organizationId, batch, {
            client: this.settings.client,
            maxAttempts: this.settings.maxAttempts,
            backoff: this.settings.backoff,
            signal: this.stopSending.signal,
            wait: (ms, signal) => this.waits.wait(ms, signal),
            outcomes: this.outcomes,
          });
        } catch (error) {
          // Only a bug can land here; the events must still be accounted for.
          this.drop(error, batch);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.settings.maxConcurrentRequests, batches.length) }, worker));
  }

  private readonly outcomes: BatchOutcomes = {
    sent: (events, duplicates) => {
      this.counts.inFlight -= events.length;
      this.counts.sent += events.length;
      this.counts.duplicates += duplicates;
    },
    dropped: (error, events) => {
      this.counts.inFlight -= events.length;
      this.drop(error, events);
    },
    retried: () => {
      this.counts.retries += 1;
    },
  };

  /**
   * At a full buffer every track() pushes one event out; they are counted at
   * once but reported together, once per tick, so onError is not called per event.
   */
  private noteOverflow(events: readonly QueuedUsageEvent[]): void {
    const first = this.overflow.length === 0;
    this.counts.dropped += events.length;
    this.overflow.push(...events);
    if (!first) return;
    void Promise.resolve().then(() => {
      const dropped = this.overflow;
      this.overflow = [];
      this.callOnError(new UsageBufferFullError(this.settings.maxBufferedEvents), dropped);
    });
  }

  /** Counts the events as dropped (when there are any) and tells onError. */
  private drop(error: unknown, events: readonly TrackUsageInput[]): void {
    this.counts.dropped += events.length;
    this.callOnError(error, events);
  }

  private callOnError(error: unknown, events: readonly TrackUsageInput[]): void {
    try {
      this.settings.onError(error instanceof Error ? error : new TallyError(String(error)), events);
    } catch {
      // onError is the last resort; a failure inside it has nowhere left to go.
    }
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
