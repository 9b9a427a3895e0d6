// The keys issued from this tab, per organization: id, label and dates, never
// the key itself. The API issues and revokes keys but does not list them, so
// this is what the console can offer to revoke with one click.
export interface IssuedKeyRecord {
  readonly keyId: string;
  readonly label: string | null;
  readonly issuedAt: string;
  readonly revokedAt: string | null;
}

const storageKey = (organizationId: string) => `tally.console.keys.${organizationId}`;

export function issuedKeys(organizationId: string): IssuedKeyRecord[] {
  try {
    const stored = JSON.parse(sessionStorage.getItem(storageKey(organizationId)) ?? '[]') as unknown;
    return Array.isArray(stored) ? stored.filter((entry): entry is IssuedKeyRecord => typeof entry?.keyId === 'string') : [];
  } catch {
    return [];
  }
}

export function recordKey(organizationId: string, record: IssuedKeyRecord): IssuedKeyRecord[] {
  const records = [record, ...issuedKeys(organizationId).filter((known) => known.keyId !== record.keyId)];
  sessionStorage.setItem(storageKey(organizationId), JSON.stringify(records));
  return records;
}
