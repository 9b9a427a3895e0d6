// Ledger storage on EventStoreDB, in streams of its own beside the log (hidden
// from the port's reads of $all, like system streams):
//   ledger-snapshot-<stream>        the latest snapshot (the stream keeps one event)
//   ledger-key-<stream>-<sha256>    one event per accepted idempotency key
// A key's stream is written with "no stream expected", so recording a key twice
// changes nothing, and a lookup is one read of a one-event stream.
import { createHash } from 'node:crypto';
import { BACKWARDS, END, NO_STREAM, StreamNotFoundError, WrongExpectedVersionError, jsonEvent, type EventStoreDBClient } from '@eventstore/db-client';
import type { AcceptedKey, LedgerSnapshotRecord, LedgerStorage } from '../../application/ports/ledger-storage';
import { inParallel } from '../../application/in-parallel';
import { LEDGER_STREAM_PREFIX, toPortError } from './esdb-mapping';

const snapshotStream = (streamId: string) => `${LEDGER_STREAM_PREFIX}snapshot-${streamId}`;
const keyStream = (streamId: string, idempotencyKey: string) =>
  `${LEDGER_STREAM_PREFIX}key-${streamId}-${createHash('sha256').update(idempotencyKey).digest('hex')}`;

// Lookups and records run this many reads or appends at once.
const CONCURRENCY = 32;

export class EsdbLedgerStorage implements LedgerStorage {
  private readonly snapshotStreamsLimited = new Set<string>();

  constructor(private readonly client: EventStoreDBClient) {}

  async loadSnapshot(streamId: string): Promise<LedgerSnapshotRecord | null> {
    try {
      for await (const resolved of this.client.readStream(snapshotStream(streamId), { direction: BACKWARDS, fromRevision: END, maxCount: 1 })) {
        const data = resolved.event?.data as { revision: string; position: string; schemaVersion: number; body: Record<string, unknown> } | undefined;
        if (data) return { revision: BigInt(data.revision), position: BigInt(data.position), schemaVersion: data.schemaVersion, body: data.body };
      }
      return null;
    } catch (error) {
      if (error instanceof StreamNotFoundError) return null;
      throw toPortError(error);
    }
  }

  async saveSnapshot(streamId: string, snapshot: LedgerSnapshotRecord): Promise<void> {
    const stream = snapshotStream(streamId);
    try {
      const current = await this.loadSnapshot(streamId);
      if (current && current.revision > snapshot.revision) return;
      // Only the latest snapshot matters; older ones may be scavenged.
      if (!this.snapshotStreamsLimited.has(stream)) {
        await this.client.setStreamMetadata(stream, { maxCount: 1 });
        this.snapshotStreamsLimited.add(stream);
      }
      await this.client.appendToStream(
        stream,
        jsonEvent({
          type: 'LedgerSnapshot',
          data: { revision: snapshot.revision.toString(), position: snapshot.position.toString(), schemaVersion: snapshot.schemaVersion, body: snapshot.body },
        }),
      );
    } catch (error) {
      throw toPortError(error);
    }
  }

  async findAcceptedKeys(streamId: string, idempotencyKeys: readonly string[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    try {
      await inParallel(idempotencyKeys, CONCURRENCY, async (idempotencyKey) => {
        try {
          for await (const resolved of this.client.readStream(keyStream(streamId, idempotencyKey), { maxCount: 1 })) {
            const data = resolved.event?.data as { idempotencyKey: string; fingerprint: string } | undefined;
            if (data?.idempotencyKey === idempotencyKey) found.set(idempotencyKey, data.fingerprint);
          }
        } catch (error) {
          if (!(error instanceof StreamNotFoundError)) throw error;
        }
      });
      return found;
    } catch (error) {
      throw toPortError(error);
    }
  }

  async recordAcceptedKeys(streamId: string, keys: readonly AcceptedKey[]): Promise<void> {
    try {
      await inParallel(keys, CONCURRENCY, async ({ idempotencyKey, fingerprint }) => {
        try {
          await this.client.appendToStream(keyStream(streamId, idempotencyKey), jsonEvent({ type: 'UsageKeyAccepted', data: { idempotencyKey, fingerprint } }), {
            expectedRevision: NO_STREAM,
          });
        } catch (error) {
          // Recorded before (a retry, or another instance): the first record stands.
          if (!(error instanceof WrongExpectedVersionError)) throw error;
        }
      });
    } catch (error) {
      throw toPortError(error);
    }
  }
}
