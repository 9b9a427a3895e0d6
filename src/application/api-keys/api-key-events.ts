// The events of the API-key log: a key issued to an organization (only its
// hash is recorded) and a key revoked. They live on one stream of their own,
// apart from the organizations' billing streams, so every API process can
// follow all keys by reading a single stream.
import type { NewEvent, RecordedEvent } from '../ports/event-store';

export const API_KEY_STREAM = 'tally-api-keys';

const SCHEMA_VERSION = 1;

export interface ApiKeyIssued {
  readonly type: 'ApiKeyIssued';
  readonly data: {
    readonly keyId: string;
    readonly organizationId: string;
    /** Hex digest of the whole key; the key itself is shown once and never stored. */
    readonly keyHash: string;
    readonly hashAlgorithm: 'sha256';
    readonly label: string | null;
    readonly issuedAt: string;
  };
}

export interface ApiKeyRevoked {
  readonly type: 'ApiKeyRevoked';
  readonly data: {
    readonly keyId: string;
    readonly organizationId: string;
    readonly revokedAt: string;
  };
}

export type ApiKeyEvent = ApiKeyIssued | ApiKeyRevoked;

export function encodeApiKeyEvent(event: ApiKeyEvent): NewEvent {
  return { type: event.type, data: { ...event.data }, metadata: { schemaVersion: SCHEMA_VERSION } };
}

/** The event as this build knows it, or null for a type the stream never had. */
export function decodeApiKeyEvent(recorded: Pick<RecordedEvent, 'type' | 'data'>): ApiKeyEvent | null {
  if (recorded.type !== 'ApiKeyIssued' && recorded.type !== 'ApiKeyRevoked') return null;
  return { type: recorded.type, data: recorded.data } as ApiKeyEvent;
}
