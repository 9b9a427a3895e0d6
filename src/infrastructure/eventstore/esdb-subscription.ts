// The port's subscription over an EventStoreDB catch-up subscription to $all.
// The client's subscription is a Readable consumed with `for await`, so the
// consumer's pace is the backpressure and events are handled one at a time
// (never `.on('data')`, whose async handlers overlap and reorder checkpoints).
import type { AllStreamSubscription } from '@eventstore/db-client';
import type {
  EventSubscription,
  GlobalPosition,
  RecordedEvent,
} from '../../application/ports/event-store';
import { positionOf, toPortError, toRecordedEvent } from './esdb-mapping';

export class EsdbSubscription implements EventSubscription {
  private stopped = false;
  private iterated = false;

  constructor(
    private readonly source: AllStreamSubscription,
    private readonly fromPosition: GlobalPosition | undefined,
    private readonly onEnd: (subscription: EsdbSubscription) => void,
  ) {}

  [Symbol.asyncIterator](): AsyncIterator<RecordedEvent> {
    if (this.iterated) throw new Error('an event subscription can be iterated only once');
    this.iterated = true;
    return this.events();
  }

  async unsubscribe(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.onEnd(this);
    // Cancelling the gRPC call ends the Readable, which ends a pending `for await`.
    // A failure here (say, the call never got a channel) leaves nothing to
    // release, and must not stop close() from disposing the client.
    await this.source.unsubscribe().catch(() => undefined);
  }

  private async *events(): AsyncGenerator<RecordedEvent, void, undefined> {
    // The server already starts after fromPosition; the guard also makes
    // "each event once, in order" hold if it ever re-sent an event on reconnect.
    let lastPosition = this.fromPosition;
    try {
      for await (const resolved of this.source) {
        if (this.stopped) return;
        const position = positionOf(resolved);
        if (position !== undefined && lastPosition !== undefined && position <= lastPosition) continue;
        const event = toRecordedEvent(resolved);
        if (event === null) continue;
        lastPosition = event.position;
        yield event;
      }
    } catch (error) {
      // Errors raised by our own cancellation are the end, not a failure.
      if (this.stopped) return;
      throw toPortError(error);
    } finally {
      // Also reached when the consumer breaks out of its loop: release the call.
      await this.unsubscribe();
    }
  }
}
