// The production event store: the EventStore port on EventStoreDB / KurrentDB
// through @eventstore/db-client (gRPC). The server does the concurrency
// checks and ordering; this adapter maps types and errors (esdb-mapping.ts)
// and hides EventStoreDB's system streams and events from the port.
import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  START,
  StreamNotFoundError,
  excludeSystemEvents,
  type AllStreamResolvedEvent,
  type Position,
  type ReadPosition,
} from '@eventstore/db-client';
import {
  DEFAULT_READ_ALL_MAX_COUNT,
  EventStoreUnavailableError,
  type AppendOptions,
  type AppendResult,
  type EventStore,
  type EventSubscription,
  type GlobalPosition,
  type NewEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type StreamRevision,
  type SubscribeToAllOptions,
} from '../../application/ports/event-store';
import type { EventStoreWithLedgers, LedgerStorage } from '../../application/ports/ledger-storage';
import { assertValidAppend, assertValidMaxCount, assertValidStreamId } from './append-validation';
import { EsdbLedgerStorage } from './esdb-ledger-storage';
import {
  positionOf,
  toEsdbExpectedRevision,
  toEsdbPosition,
  toEventData,
  toPortError,
  toRecordedEvent,
} from './esdb-mapping';
import { EsdbSubscription } from './esdb-subscription';

// $all holds system events the port hides, so one readAll may need several
// server pages to fill a batch; pages are at least this long to keep the
// number of round trips low when most of the log is system events.
const MIN_READ_ALL_PAGE = 256;

export class EsdbEventStore implements EventStore, EventStoreWithLedgers {
  private readonly subscriptions = new Set<EsdbSubscription>();
  private closed = false;
  private ledgers: EsdbLedgerStorage | null = null;

  private constructor(private readonly client: EventStoreDBClient) {}

  /**
   * Creates the client; it connects lazily, so an unreachable server shows up
   * as EventStoreUnavailableError on the first call, not here.
   */
  static connect(connectionString: string): EsdbEventStore {
    return new EsdbEventStore(EventStoreDBClient.connectionString(connectionString));
  }

  async appendToStream(
    streamId: string,
    events: readonly NewEvent[],
    options: AppendOptions = {},
  ): Promise<AppendResult> {
    assertValidAppend(streamId, events);
    this.assertOpen();
    const expected = options.expectedRevision ?? 'any';
    try {
      const result = await this.client.appendToStream(streamId, events.map(toEventData), {
        expectedRevision: toEsdbExpectedRevision(expected),
      });
      if (result.position === undefined) {
        throw new Error(`EventStoreDB did not report the position of the append to "${streamId}"`);
      }
      // The commit position of the last event written (see esdb-mapping.ts).
      return { nextExpectedRevision: result.nextExpectedRevision, position: result.position.commit };
    } catch (error) {
      throw toPortError(error, { streamId, expected });
    }
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    assertValidStreamId(streamId);
    assertValidMaxCount(options.maxCount);
    this.assertOpen();
    const events: RecordedEvent[] = [];
    try {
      const read = this.client.readStream(streamId, {
        fromRevision: options.fromRevision ?? START,
        ...(options.maxCount === undefined ? {} : { maxCount: options.maxCount }),
      });
      for await (const resolved of read) {
        const event = toRecordedEvent(resolved);
        if (event !== null) events.push(event);
      }
      return events;
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw toPortError(error);
    }
  }

  async streamRevision(streamId: string): Promise<StreamRevision | 'no_stream'> {
    assertValidStreamId(streamId);
    this.assertOpen();
    try {
      const read = this.client.readStream(streamId, { direction: BACKWARDS, fromRevision: END, maxCount: 1 });
      for await (const resolved of read) {
        if (resolved.event !== undefined) return resolved.event.revision;
      }
      return 'no_stream';
    } catch (error) {
      if (error instanceof StreamNotFoundError) return 'no_stream';
      throw toPortError(error);
    }
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    assertValidMaxCount(options.maxCount);
    this.assertOpen();
    const maxCount = options.maxCount ?? DEFAULT_READ_ALL_MAX_COUNT;
    const batch: RecordedEvent[] = [];
    // $all reads start AT a position; the port's fromPosition is exclusive, so
    // start there and skip anything at or before it.
    let after = options.fromPosition;
    let from: ReadPosition = after === undefined ? START : toEsdbPosition(after);
    try {
      while (batch.length < maxCount) {
        const pageSize = Math.max(maxCount - batch.length + 1, MIN_READ_ALL_PAGE);
        const page = await this.readAllPage(from, pageSize);
        for (const resolved of page) {
          const position = positionOf(resolved);
          if (position !== undefined && after !== undefined && position <= after) continue;
          const event = toRecordedEvent(resolved);
          if (event !== null) batch.push(event);
          if (batch.length === maxCount) return batch;
        }
        const lastPosition = lastPositionOf(page);
        // A short page is the end of the log.
        if (page.length < pageSize || lastPosition === undefined) return batch;
        from = lastPosition;
        after = lastPosition.commit;
      }
      return batch;
    } catch (error) {
      throw toPortError(error);
    }
  }

  async headPosition(): Promise<GlobalPosition | null> {
    this.assertOpen();
    let from: ReadPosition = END;
    let before: GlobalPosition | undefined;
    try {
      // Newest first, skipping the system events the port hides.
      for (;;) {
        const page = await this.readAllPage(from, MIN_READ_ALL_PAGE, BACKWARDS);
        let oldest: Position | undefined;
        for (const resolved of page) {
          const position = positionOf(resolved);
          if (position === undefined || (before !== undefined && position >= before)) continue;
          if (toRecordedEvent(resolved) !== null) return position;
          oldest = resolved.event?.position ?? oldest;
        }
        if (page.length < MIN_READ_ALL_PAGE || oldest === undefined) return null;
        from = oldest;
        before = oldest.commit;
      }
    } catch (error) {
      throw toPortError(error);
    }
  }

  subscribeToAll(options: SubscribeToAllOptions = {}): EventSubscription {
    this.assertOpen();
    const source = this.client.subscribeToAll({
      // Subscriptions, unlike reads, start AFTER the given position.
      fromPosition: options.fromPosition === undefined ? START : toEsdbPosition(options.fromPosition),
      filter: excludeSystemEvents(),
    });
    const subscription = new EsdbSubscription(source, options.fromPosition, (ended) =>
      this.subscriptions.delete(ended),
    );
    this.subscriptions.add(subscription);
    return subscription;
  }

  /** Snapshots and accepted keys, in streams beside the log. */
  ledgerStorage(): LedgerStorage {
    this.ledgers ??= new EsdbLedgerStorage(this.client);
    return this.ledgers;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscriptions].map((subscription) => subscription.unsubscribe()));
    await this.client.dispose();
  }

  private async readAllPage(
    from: ReadPosition,
    maxCount: number,
    direction: typeof BACKWARDS | undefined = undefined,
  ): Promise<AllStreamResolvedEvent[]> {
    const page: AllStreamResolvedEvent[] = [];
    const read = this.client.readAll({ fromPosition: from, maxCount, ...(direction ? { direction } : {}) });
    for await (const resolved of read) page.push(resolved);
    return page;
  }

  private assertOpen(): void {
    if (this.closed) throw new EventStoreUnavailableError('EventStoreDB event store is closed');
  }
}

function lastPositionOf(page: readonly AllStreamResolvedEvent[]): Position | undefined {
  for (let index = page.length - 1; index >= 0; index--) {
    const position = page[index].event?.position ?? page[index].link?.position;
    if (position !== undefined) return position;
  }
  return undefined;
}
