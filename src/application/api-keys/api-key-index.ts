// The in-memory view of the API-key stream that every API process keeps. It is
// caught up by reading the stream from where it left off, at most once per
// `maxStalenessMs` for keys it knows and at once for a key it does not know, so
// a key issued or revoked through any instance is honoured by all of them
// within that bound. Concurrent callers share one read.
import { API_KEY_STREAM, decodeApiKeyEvent, type ApiKeyEvent } from './api-key-events';
import { revisionAfter, streamPages } from '../event-log/stream-pages';
import type { EventStore, StreamRevision } from '../ports/event-store';

export interface IndexedApiKey {
  readonly keyId: string;
  readonly organizationId: string;
  readonly keyHash: Buffer;
  readonly label: string | null;
  readonly issuedAt: string;
  readonly revokedAt: string | null;
}

export class ApiKeyIndex {
  private readonly keys = new Map<string, IndexedApiKey>();
  private revision: StreamRevision | 'no_stream' = 'no_stream';
  /** `now()` at which the last completed catch-up started: the index holds everything appended before then. */
  private freshAt = Number.NEGATIVE_INFINITY;
  private inflight: Promise<void> | null = null;
  /** Catch-ups started and completed, numbered, so a caller can wait for one that began after it asked. */
  private started = 0;
  private completed = 0;

  constructor(
    private readonly eventStore: EventStore,
    private readonly maxStalenessMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** The stream revision the index has read up to (for appends that must not race). */
  get streamRevision(): StreamRevision | 'no_stream' {
    return this.revision;
  }

  /** The key as last read, catching up first if the index is older than the staleness bound. */
  async lookup(keyId: string): Promise<IndexedApiKey | undefined> {
    // Stale: any read under way will do, it began after the last completed one.
    if (this.now() - this.freshAt > this.maxStalenessMs) await (this.inflight ?? this.startCatchUp());
    const found = this.keys.get(keyId);
    if (found) return found;
    // A miss may be a key just issued through another instance: read the stream now.
    await this.refresh();
    return this.keys.get(keyId);
  }

  /** Reads everything appended to the stream before this call (joining a read that starts later, not one already under way). */
  async refresh(): Promise<void> {
    const wanted = this.started + 1;
    while (this.completed < wanted) {
      await (this.inflight ?? this.startCatchUp());
    }
  }

  private startCatchUp(): Promise<void> {
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
    for await (const page of streamPages(this.eventStore, API_KEY_STREAM, { fromRevision: revisionAfter(this.revision) })) {
      for (const recorded of page) {
        const event = decodeApiKeyEvent(recorded);
        if (event) this.apply(event);
        this.revision = recorded.revision;
      }
    }
  }

  private apply(event: ApiKeyEvent): void {
    if (event.type === 'ApiKeyIssued') {
      const { keyId, organizationId, keyHash, label, issuedAt } = event.data;
      this.keys.set(keyId, { keyId, organizationId, keyHash: Buffer.from(keyHash, 'hex'), label, issuedAt, revokedAt: null });
      return;
    }
    const existing = this.keys.get(event.data.keyId);
    if (existing && existing.revokedAt === null) this.keys.set(existing.keyId, { ...existing, revokedAt: event.data.revokedAt });
  }
}
