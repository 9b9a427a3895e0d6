// Organization API keys: issued at random, shown once, kept only as hashes,
// checked in constant time, revocable. Issuing and revoking are events on the
// API-key stream, so every API process (and an audit) sees the same keys.
//
// A key reads `tally_<keyId>_<secret>`: the key id is public (it names the key
// in URLs and logs) and lets a presented key be found without scanning; the
// secret is 256 random bits, so a plain SHA-256 is a sound hash for it (a slow
// password hash protects guessable secrets, which these are not).
import { hash, randomBytes, timingSafeEqual } from 'node:crypto';
import { DomainError } from '../../domain/domain-error';
import { organizationNotFound } from '../../domain/organization';
import { API_KEY_STREAM, encodeApiKeyEvent, type ApiKeyEvent } from './api-key-events';
import { ApiKeyIndex } from './api-key-index';
import type { OrganizationDirectory } from '../organization/organization-directory';
import type { Clock } from '../ports/clock';
import { WrongExpectedRevisionError, type EventStore } from '../ports/event-store';
import { MAX_CONFLICT_RETRIES, pauseBeforeRetry } from '../event-log/conflict-retry';

export interface ApiKeyPrincipal {
  readonly keyId: string;
  readonly organizationId: string;
}

export interface IssuedApiKey extends ApiKeyPrincipal {
  /** The key itself: returned this once, never stored. */
  readonly apiKey: string;
  readonly label: string | null;
  readonly issuedAt: string;
  readonly position: string;
}

export interface RevokedApiKey extends ApiKeyPrincipal {
  readonly revokedAt: string;
  /** False when the key had already been revoked. */
  readonly changed: boolean;
}

/** A key as the organization's list shows it: never the key, nor its hash. */
export interface ApiKeyView extends ApiKeyPrincipal {
  readonly label: string | null;
  readonly issuedAt: string;
  readonly revokedAt: string | null;
}

export interface ApiKeysOptions {
  /** How old the in-memory key index may be before a request re-reads the stream. Default 1 s. */
  readonly maxStalenessMs?: number;
  /** Source of the key material; tests may pass a deterministic one. */
  readonly randomBytes?: (size: number) => Buffer;
  /** Monotonic milliseconds for the staleness bound; tests may pass their own. */
  readonly monotonicNow?: () => number;
}

const KEY_FORMAT = /^tally_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

/** Whether a presented secret has the shape of an organization key (says nothing about whether it is one). */
export const looksLikeOrganizationKey = (presented: string): boolean => KEY_FORMAT.test(presented);
export const KEY_ID_FORMAT = /^[0-9a-f]{16}$/;
// The one-shot hash: it runs on every request, and a Hash object per call costs more than the digest.
const sha256 = (text: string): Buffer => hash('sha256', text, 'buffer');

export class ApiKeys {
  private readonly index: ApiKeyIndex;
  private readonly random: (size: number) => Buffer;

  constructor(
    private readonly eventStore: EventStore,
    private readonly organizations: OrganizationDirectory,
    private readonly clock: Clock,
    options: ApiKeysOptions = {},
  ) {
    this.index = new ApiKeyIndex(eventStore, options.maxStalenessMs ?? 1_000, options.monotonicNow);
    this.random = options.randomBytes ?? randomBytes;
  }

  async issue(organizationId: string, label: string | null = null): Promise<IssuedApiKey> {
    if (!(await this.organizations.exists(organizationId))) throw organizationNotFound(organizationId);
    const keyId = this.random(8).toString('hex');
    const apiKey = `tally_${keyId}_${this.random(32).toString('base64url')}`;
    const issuedAt = this.clock.now().toISOString();
    const event: ApiKeyEvent = {
      type: 'ApiKeyIssued',
      data: { keyId, organizationId, keyHash: sha256(apiKey).toString('hex'), hashAlgorithm: 'sha256', label, issuedAt },
    };
    // A fresh random id cannot collide with another key, so no revision check is needed.
    const appended = await this.eventStore.appendToStream(API_KEY_STREAM, [encodeApiKeyEvent(event)], { expectedRevision: 'any' });
    await this.index.refresh();
    return { keyId, organizationId, apiKey, label, issuedAt, position: appended.position.toString() };
  }

  /** The organization's keys, revoked ones included, oldest first, as every instance knows them now. */
  async list(organizationId: string): Promise<ApiKeyView[]> {
    if (!(await this.organizations.exists(organizationId))) throw organizationNotFound(organizationId);
    await this.index.refresh();
    return this.index.ofOrganization(organizationId).map(({ keyId, label, issuedAt, revokedAt }) => ({ keyId, organizationId, label, issuedAt, revokedAt }));
  }

  /** Revokes one of the organization's keys; a key of another organization is as unknown as a missing one. */
  async revoke(organizationId: string, keyId: string): Promise<RevokedApiKey> {
    for (let attempt = 0; ; attempt++) {
      await pauseBeforeRetry(attempt);
      await this.index.refresh();
      const key = KEY_ID_FORMAT.test(keyId) ? await this.index.lookup(keyId) : undefined;
      if (!key || key.organizationId !== organizationId) {
        throw new DomainError('not_found', `organization ${organizationId} has no API key ${JSON.stringify(keyId)}`, 'keyId');
      }
      if (key.revokedAt !== null) return { keyId, organizationId, revokedAt: key.revokedAt, changed: false };
      const revokedAt = this.clock.now().toISOString();
      const event: ApiKeyEvent = { type: 'ApiKeyRevoked', data: { keyId, organizationId, revokedAt } };
      try {
        // The revision check makes two concurrent revocations record one event, not two.
        await this.eventStore.appendToStream(API_KEY_STREAM, [encodeApiKeyEvent(event)], { expectedRevision: this.index.streamRevision });
      } catch (error) {
        if (error instanceof WrongExpectedRevisionError && attempt < MAX_CONFLICT_RETRIES) continue;
        throw error;
      }
      await this.index.refresh();
      return { keyId, organizationId, revokedAt, changed: true };
    }
  }

  /** The key's organization, or null for a key that is malformed, unknown, revoked or wrong. */
  async authenticate(presented: string): Promise<ApiKeyPrincipal | null> {
    const match = KEY_FORMAT.exec(presented);
    if (!match) return null;
    const key = await this.index.lookup(match[1]);
    if (!key || key.revokedAt !== null) return null;
    const presentedHash = sha256(presented);
    if (presentedHash.length !== key.keyHash.length || !timingSafeEqual(presentedHash, key.keyHash)) return null;
    return { keyId: key.keyId, organizationId: key.organizationId };
  }
}
