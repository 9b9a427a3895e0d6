// Organization API keys on the embedded event store: shown once, stored only
// as hashes, revocable, and a revocation through one API instance reaches the
// others within the staleness bound.
import { ApiKeys } from '../../src/application/api-keys/api-keys';
import { API_KEY_STREAM } from '../../src/application/api-keys/api-key-events';
import { OrganizationDirectory } from '../../src/application/organization/organization-directory';
import { SqliteEventStore } from '../../src/infrastructure/eventstore/sqlite-event-store';
import { FixedClock, SequentialIds } from '../support/fixed-clock';
import { composeWriteSide } from '../../src/composition/write-side';

describe('API keys', () => {
  let store: SqliteEventStore;
  let clock: FixedClock;
  let monotonicMs: number;
  const keysFor = () => new ApiKeys(store, new OrganizationDirectory(store), clock, { monotonicNow: () => monotonicMs });

  beforeEach(async () => {
    store = SqliteEventStore.open(':memory:');
    clock = new FixedClock();
    monotonicMs = 0;
    await composeWriteSide({ eventStore: store, clock, ids: new SequentialIds() }).commands.configureOrganization({ organizationId: 'org_123', name: 'Acme' });
  });

  afterEach(() => store.close());

  it('issues a random key that authenticates as its organization', async () => {
    const keys = keysFor();
    const issued = await keys.issue('org_123', 'backend');
    const other = await keys.issue('org_123');
    expect(issued.apiKey).toMatch(/^tally_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    expect(other.apiKey).not.toBe(issued.apiKey);
    await expect(keys.authenticate(issued.apiKey)).resolves.toEqual({ keyId: issued.keyId, organizationId: 'org_123' });
  });

  it('stores the hash of the key, never the key', async () => {
    const issued = await keysFor().issue('org_123');
    const [event] = await store.readStream(API_KEY_STREAM);
    expect(JSON.stringify([event.data, event.metadata])).not.toContain(issued.apiKey.split('_').pop());
    expect(event.data).toMatchObject({ keyId: issued.keyId, organizationId: 'org_123', hashAlgorithm: 'sha256', keyHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });

  it('refuses a key with a wrong secret, a malformed key and an unknown key', async () => {
    const keys = keysFor();
    const issued = await keys.issue('org_123');
    const wrongSecret = `${issued.apiKey.slice(0, -1)}${issued.apiKey.endsWith('A') ? 'B' : 'A'}`;
    await expect(keys.authenticate(wrongSecret)).resolves.toBeNull();
    await expect(keys.authenticate('not a key')).resolves.toBeNull();
    await expect(keys.authenticate(`tally_0000000000000000_${'a'.repeat(43)}`)).resolves.toBeNull();
  });

  it('will not issue a key for an organization that does not exist', async () => {
    await expect(keysFor().issue('org_missing')).rejects.toMatchObject({ code: 'not_found', field: 'organizationId' });
    await expect(store.readStream(API_KEY_STREAM)).resolves.toEqual([]);
  });

  it('revokes a key once; revoking again changes nothing', async () => {
    const keys = keysFor();
    const issued = await keys.issue('org_123');
    await expect(keys.revoke('org_123', issued.keyId)).resolves.toMatchObject({ changed: true });
    await expect(keys.revoke('org_123', issued.keyId)).resolves.toMatchObject({ changed: false });
    await expect(keys.authenticate(issued.apiKey)).resolves.toBeNull();
    expect((await store.readStream(API_KEY_STREAM)).map((e) => e.type)).toEqual(['ApiKeyIssued', 'ApiKeyRevoked']);
  });

  it("treats another organization's key as unknown when revoking", async () => {
    const keys = keysFor();
    const issued = await keys.issue('org_123');
    await expect(keys.revoke('org_other', issued.keyId)).rejects.toMatchObject({ code: 'not_found', field: 'keyId' });
  });

  describe('across API instances', () => {
    it('accepts a key issued through another instance at its first use', async () => {
      const issued = await keysFor().issue('org_123');
      await expect(keysFor().authenticate(issued.apiKey)).resolves.toMatchObject({ organizationId: 'org_123' });
    });

    it('stops accepting a key revoked through another instance within the staleness bound (1 s)', async () => {
      const first = keysFor();
      const second = keysFor();
      const issued = await first.issue('org_123');
      await expect(second.authenticate(issued.apiKey)).resolves.not.toBeNull();

      await first.revoke('org_123', issued.keyId);
      monotonicMs += 999;
      await expect(second.authenticate(issued.apiKey)).resolves.not.toBeNull();
      monotonicMs += 2;
      await expect(second.authenticate(issued.apiKey)).resolves.toBeNull();
    });

    it('reads the stream once for many concurrent requests', async () => {
      const issued = await keysFor().issue('org_123');
      const keys = keysFor();
      const reads = jest.spyOn(store, 'readStream');
      const answers = await Promise.all(Array.from({ length: 50 }, () => keys.authenticate(issued.apiKey)));
      expect(answers.every((a) => a?.organizationId === 'org_123')).toBe(true);
      expect(reads).toHaveBeenCalledTimes(1);
    });
  });
});
