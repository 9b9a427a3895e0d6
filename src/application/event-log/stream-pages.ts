// Reads a stream from a revision to its end in pages, so no reader holds more
// than a page of raw records at a time: loading an organization, its history,
// the API-key stream. Each page is handed over before the next is read, and the
// event loop gets a turn between pages: the embedded store reads synchronously,
// so a long stream read in one go would hold every other request back.
import type { EventStore, RecordedEvent, StreamRevision } from '../ports/event-store';

export interface StreamPageOptions {
  /** Inclusive; 0 by default. */
  readonly fromRevision?: StreamRevision;
  readonly pageSize?: number;
}

export const DEFAULT_PAGE_SIZE = 1_000;

/** The revision after the last one read: where a reader that has read up to `revision` goes on from. */
export const revisionAfter = (revision: StreamRevision | 'no_stream'): StreamRevision => (revision === 'no_stream' ? 0n : revision + 1n);

export async function* streamPages(store: EventStore, streamId: string, options: StreamPageOptions = {}): AsyncGenerator<readonly RecordedEvent[]> {
  const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
  let fromRevision = options.fromRevision ?? 0n;
  for (;;) {
    const page = await store.readStream(streamId, { fromRevision, maxCount: pageSize });
    if (page.length > 0) yield page;
    if (page.length < pageSize) return;
    fromRevision = page[page.length - 1].revision + 1n;
    await new Promise((resolve) => setImmediate(resolve));
  }
}
