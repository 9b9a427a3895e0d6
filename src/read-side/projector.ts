// The projector runtime: follows the event log from its checkpoint, applies
// events in batches (up to `batchSize` events or `batchWindowMs` after the first
// one), and stores the checkpoint after each batch. Events are consumed with
// `for await`-style pulls, one at a time, never through an async event handler.
import { randomUUID } from 'node:crypto';
import type { Clock } from '../application/ports/clock';
import type { EventStore, GlobalPosition, RecordedEvent } from '../application/ports/event-store';
import { decodeEvent } from '../application/event-log/organization-event-codec';
import { CheckpointConflictError, type Checkpoint, type CheckpointStore } from '../application/ports/checkpoint-store';
import type { PositionedEvent, Projection } from '../application/ports/projection';
import { Alarm, NextEvent } from './follow-signals';

export interface ProjectorLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export interface ProjectorOptions {
  readonly store: EventStore;
  readonly checkpoints: CheckpointStore;
  readonly projection: Projection;
  readonly clock: Clock;
  readonly batchSize?: number;
  readonly batchWindowMs?: number;
  /** Events per batch while `run()` first catches up with a log it is far behind; 10 × batchSize by default. */
  readonly catchUpBatchSize?: number;
  readonly logger?: ProjectorLogger;
}

export interface ProjectorLag {
  readonly position: string | null;
  readonly headPosition: string | null;
  /** Exact on the SQLite store, whose positions are consecutive; an upper bound on EventStoreDB. */
  readonly eventsBehind: number;
  readonly millisecondsBehind: number;
}

const IDLE_MS = 250;
const CAUGHT_UP_MARK_INTERVAL_MS = 1_000;
const STANDBY_RETRY_MS = 1_000;
const RETRY_BACKOFF_MS = [100, 250, 500, 1_000, 2_000, 5_000];
/** Events read from the log at a time while replaying; batches may be larger. */
const REPLAY_PAGE_SIZE = 1_000;

// Without a logger, warnings still reach stderr: a batch retried forever must not be silent.
const stderrLogger: ProjectorLogger = {
  info: () => undefined,
  warn: (message, fields) => process.stderr.write(`projector: ${message} ${JSON.stringify(fields ?? {})}\n`),
  error: (message, fields) => process.stderr.write(`projector: ${message} ${JSON.stringify(fields ?? {})}\n`),
};
const sleep = (ms: number) => new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), ms));

export class Projector {
  private position: GlobalPosition | null = null;
  private version = 0;
  private lastAppliedRecordedAt: Date | null = null;
  private lastCaughtUpMark = 0;
  private stopping = false;
  private readonly owner = randomUUID();
  private readonly alarm = new Alarm();
  private readonly batchSize: number;
  private readonly batchWindowMs: number;
  private readonly catchUpBatchSize: number;
  private readonly logger: ProjectorLogger;
  appliedEvents = 0;

  constructor(private readonly options: ProjectorOptions) {
    this.batchSize = options.batchSize ?? 1_000;
    this.batchWindowMs = options.batchWindowMs ?? 50;
    this.catchUpBatchSize = options.catchUpBatchSize ?? this.batchSize * 10;
    this.logger = options.logger ?? stderrLogger;
  }

  get name(): string {
    return this.options.projection.name;
  }

  currentPosition(): GlobalPosition | null {
    return this.position;
  }

  /** Follows the log until `stop()`; the batch in hand is applied and checkpointed before it returns. */
  async run(): Promise<void> {
    // A second instance stands by until the lease of the active one expires; while the checkpoint
    // store is unreachable (MongoDB down at start) it keeps trying rather than giving up.
    for (let attempt = 0; ; attempt++) {
      let started: Checkpoint | null = null;
      try {
        started = await this.start();
      } catch (error) {
        if (this.stopping) return;
        const delay = RETRY_BACKOFF_MS[Math.min(attempt, RETRY_BACKOFF_MS.length - 1)];
        this.logger.warn('could not take the checkpoint; trying again', { projection: this.name, delayMs: delay, error: String(error) });
        await this.alarm.sleep(delay);
        continue;
      }
      if (started) break;
      if (this.stopping) return;
      this.logger.info('another projector holds the lease; standing by', { projection: this.name });
      await this.alarm.sleep(STANDBY_RETRY_MS);
    }
    if (this.stopping) return;
    try {
      // A log written while no projector ran (a first start, a restart after downtime) is read in
      // large batches first, as a replay would; following it live then starts near the head.
      await this.replayToHead(undefined, this.catchUpBatchSize);
      if (!this.stopping) await this.follow();
    } finally {
      await this.options.checkpoints.release(this.name, this.owner).catch(() => undefined);
    }
  }

  /** Applies new events as they are appended, in batches of `batchSize` events or `batchWindowMs`. */
  private async follow(): Promise<void> {
    const subscription = this.options.store.subscribeToAll(this.position === null ? {} : { fromPosition: this.position });
    const next = new NextEvent(subscription[Symbol.asyncIterator](), this.alarm);
    next.pull();
    let batch: RecordedEvent[] = [];
    let flushAt = 0;
    try {
      while (!this.stopping) {
        if (!next.ready) await this.alarm.sleep(batch.length === 0 ? IDLE_MS : Math.max(0, flushAt - Date.now()));
        const outcome = next.take();
        if (outcome === null) {
          // The wait ended without an event: the batch window closed, the log is idle, or stop() was called.
          if (batch.length > 0) batch = await this.flush(batch);
          else await this.markCaughtUp();
          continue;
        }
        if (outcome.done) break;
        batch.push(outcome.value);
        next.pull();
        if (batch.length === 1) flushAt = Date.now() + this.batchWindowMs;
        if (batch.length >= this.batchSize) batch = await this.flush(batch);
      }
      if (batch.length > 0) await this.flush(batch);
    } finally {
      await subscription.unsubscribe();
    }
  }

  /** Asks `run()` to finish its current batch, store the checkpoint and return. */
  stop(): void {
    this.stopping = true;
    this.alarm.wake();
  }

  /** Applies everything up to the head of the log, then returns (rebuilds, tests, the CLI). */
  /**
   * With `fromScratch`, drops the read models and replays the whole log; an
   * interrupted rebuild is resumed from its checkpoint unless `restart` is set.
   */
  async catchUp(
    onBatch?: (applied: number, position: GlobalPosition) => void,
    options: { fromScratch?: boolean; restart?: boolean } = {},
  ): Promise<{ applied: number; resumed: boolean }> {
    const checkpoint = await this.start();
    if (!checkpoint) throw new CheckpointConflictError(`another projector is running projection ${this.name}; stop it first`);
    try {
      const resumed = options.fromScratch === true && checkpoint.rebuilding && options.restart !== true;
      if (options.fromScratch && !resumed) {
        await this.options.projection.reset();
        this.version = await this.options.checkpoints.rewind(this.name, this.owner, this.version);
        this.position = null;
      }
      const applied = await this.replayToHead(onBatch);
      if (options.fromScratch) await this.options.checkpoints.finishRebuild(this.name, this.owner);
      return { applied, resumed };
    } finally {
      await this.options.checkpoints.release(this.name, this.owner).catch(() => undefined);
    }
  }

  /** Applies the log from the checkpoint to its head in batches of `batchSize` events; stops early when asked to. */
  private async replayToHead(onBatch?: (applied: number, position: GlobalPosition) => void, batchSize = this.batchSize): Promise<number> {
    let applied = 0;
    let cursor = this.position;
    // The log is read in small pages and only decoded events are kept until a batch is full: a large
    // batch (fewer, fuller writes to MongoDB) then costs the decoded events, not every page's raw rows.
    const pageSize = Math.min(batchSize, REPLAY_PAGE_SIZE);
    let batch: PositionedEvent[] = [];
    let batchEvents = 0;
    let last: RecordedEvent | null = null;
    for (;;) {
      const page = await this.options.store.readAll({ fromPosition: cursor ?? undefined, maxCount: pageSize });
      if (page.length > 0) {
        for (const recorded of page) {
          const event = decodeEvent(recorded);
          if (event) batch.push({ event, position: Number(recorded.position), eventId: recorded.eventId });
        }
        batchEvents += page.length;
        last = page[page.length - 1];
        cursor = last.position;
      }
      if (last && (batchEvents >= batchSize || (page.length === 0 && batchEvents > 0))) {
        await this.applyBatch(batch, last, batchEvents);
        applied += batchEvents;
        onBatch?.(applied, last.position);
        batch = [];
        batchEvents = 0;
        if (this.stopping) return applied;
      }
      if (page.length === 0) break;
    }
    await this.markCaughtUp(true);
    return applied;
  }

  async lag(): Promise<ProjectorLag> {
    const head = await this.options.store.headPosition();
    const behind = head === null ? 0n : head - (this.position ?? 0n);
    return {
      position: this.position?.toString() ?? null,
      headPosition: head?.toString() ?? null,
      eventsBehind: Number(behind > 0n ? behind : 0n),
      millisecondsBehind: behind > 0n && this.lastAppliedRecordedAt ? Math.max(0, this.options.clock.now().getTime() - this.lastAppliedRecordedAt.getTime()) : 0,
    };
  }

  /** Takes the checkpoint's lease; null when another instance holds it. */
  private async start(): Promise<Checkpoint | null> {
    await this.options.projection.ensureIndexes();
    const checkpoint = await this.options.checkpoints.acquire(this.name, this.owner);
    if (!checkpoint) return null;
    this.position = checkpoint.position;
    this.version = checkpoint.version;
    return checkpoint;
  }

  private async flush(batch: RecordedEvent[]): Promise<RecordedEvent[]> {
    const positioned: PositionedEvent[] = [];
    for (const recorded of batch) {
      const event = decodeEvent(recorded);
      if (event) positioned.push({ event, position: Number(recorded.position), eventId: recorded.eventId });
    }
    await this.applyBatch(positioned, batch[batch.length - 1], batch.length);
    return [];
  }

  /** Applies decoded events and stores the checkpoint at `last` (which may be an event no projection reads). */
  private async applyBatch(positioned: readonly PositionedEvent[], last: RecordedEvent, eventCount: number): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        if (positioned.length > 0) await this.options.projection.apply(positioned);
        this.version = await this.options.checkpoints.save(this.name, this.owner, last.position, this.version);
        break;
      } catch (error) {
        // Another instance owns this checkpoint now; going on would only fight it.
        if (error instanceof CheckpointConflictError) throw error;
        // Shutting down: leave the batch unapplied; the checkpoint still points before it.
        if (this.stopping) throw error;
        const delay = RETRY_BACKOFF_MS[Math.min(attempt, RETRY_BACKOFF_MS.length - 1)];
        this.logger.warn('projection batch failed; retrying', { projection: this.name, attempt, delayMs: delay, error: String(error) });
        await sleep(delay);
      }
    }
    this.position = last.position;
    this.lastAppliedRecordedAt = last.recordedAt;
    this.appliedEvents += eventCount;
  }

  /** Renews the lease (real time) and records when the projection was last at the head (the clock's time). */
  private async markCaughtUp(force = false): Promise<void> {
    if (!force && Date.now() - this.lastCaughtUpMark < CAUGHT_UP_MARK_INTERVAL_MS) return;
    this.lastCaughtUpMark = Date.now();
    try {
      if (!(await this.options.checkpoints.renew(this.name, this.owner, this.options.clock.now()))) {
        throw new CheckpointConflictError(`projection ${this.name} lost its lease to another projector`);
      }
    } catch (error) {
      if (error instanceof CheckpointConflictError) throw error;
      this.logger.warn('could not record that the projection is caught up', { projection: this.name, error: String(error) });
    }
  }
}
