// The in-memory view of the API-key stream that every API process keeps. It is
// caught up at most once per `maxStalenessMs` for keys it knows and at once
// for a key it does not know, so a key issued or revoked through any instance
// is honoured by all of them within that bound.
import { API_KEY_STREAM, decodeApiKeyEvent, type ApiKeyEvent } from './api-key-events';
import { CaughtUpStream } from '../event-log/caught-up-stream';
import type { EventStore, RecordedEvent, StreamRevision } from '../ports/event-store';

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
  private readonly stream: CaughtUpStream;

  constructor(eventStore: EventStore, maxStalenessMs: number, now?: () => number) {
    const fold = (recorded: RecordedEvent) => {
      const event = decodeApiKeyEvent(recorded);
      if (event) this.apply(event);
    };
    this.stream = new CaughtUpStream(eventStore, API_KEY_STREAM, fold, maxStalenessMs, now);
  }

  /** The stream revision the index has read up to (for appends that must not race). */
  get streamRevision(): StreamRevision | 'no_stream' {
    return this.stream.streamRevision;
  }

  /** The key as last read, catching up first if the index is older than the staleness bound. */
  async lookup(keyId: string): Promise<IndexedApiKey | undefined> {
    await this.stream.freshen();
    const found = this.keys.get(keyId);
    if (found) return found;
    // A miss may be a key just issued through another instance: read the stream now.
    await this.refresh();
    return this.keys.get(keyId);
  }

  /** The keys of one organization as last read, in the order they were issued. */
  ofOrganization(organizationId: string): IndexedApiKey[] {
    return [...this.keys.values()].filter((key) => key.organizationId === organizationId);
  }

  /** Reads everything appended to the stream before this call (joining a read that starts later, not one already under way). */
  refresh(): Promise<void> {
    return this.stream.refresh();
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
