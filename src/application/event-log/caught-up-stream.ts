// A small stream (API keys, webhook endpoints) that each process reads into
// memory and keeps caught up by reading on from where it left off. Concurrent
// callers share one read; a caller that must see everything appended before it
// asked waits for a read that started after it asked, never one already under
// way, which may have missed that append.
import { revisionAfter, streamPages } from './stream-pages';
import type { EventStore, RecordedEvent, StreamRevision } from '../ports/event-store';

export class CaughtUpStream {
  private revision: StreamRevision | 'no_stream' = 'no_stream';
  /** `now()` at which the last completed read started: everything appended before then is folded. */
  private freshAt = Number.NEGATIVE_INFINITY;
  private inflight: Promise<void> | null = null;
  /** Reads started and completed, numbered, so a caller can wait for one that began after it asked. */
  private started = 0;
  private completed = 0;

  constructor(
    private readonly eventStore: EventStore,
    private readonly streamId: string,
    /** Folds one event of the stream into the caller's view, in order. */
    private readonly fold: (recorded: RecordedEvent) => void,
    private readonly maxStalenessMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** The stream revision read up to (for appends that must not race). */
  get streamRevision(): StreamRevision | 'no_stream' {
    return this.revision;
  }

  /** Reads on when the view is older than its bound; any read under way will do, it began after the last completed one. */
  async freshen(): Promise<void> {
    if (this.now() - this.freshAt > this.maxStalenessMs) await (this.inflight ?? this.startRead());
  }

  /** Reads everything appended to the stream before this call. */
  async refresh(): Promise<void> {
    const wanted = this.started + 1;
    while (this.completed < wanted) await (this.inflight ?? this.startRead());
  }

  private startRead(): Promise<void> {
    const number = ++this.started;
    const startedAt = this.now();
    this.inflight = this.readNewEvents()
      .then(() => {
        this.completed = Math.max(this.completed, number);
        this.freshAt = Math.max(this.freshAt, startedAt);
      })
      .finally(() => {
        this.inflight = null;
      });
    return this.inflight;
  }

  private async readNewEvents(): Promise<void> {
    for await (const page of streamPages(this.eventStore, this.streamId, { fromRevision: revisionAfter(this.revision) })) {
      for (const recorded of page) {
        this.fold(recorded);
        this.revision = recorded.revision;
      }
    }
  }
}
