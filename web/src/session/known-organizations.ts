// The organizations the admin created or opened in this tab. The API can look
// an organization up by id but cannot list them, so the console's list is the
// ones this tab has seen; ids only, in session storage like the key.
export interface KnownOrganization {
  readonly organizationId: string;
  readonly name: string;
}

const STORAGE_KEY = 'tally.console.organizations';

export function knownOrganizations(): KnownOrganization[] {
  try {
    const stored = JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? '[]') as unknown;
    return Array.isArray(stored) ? stored.filter((entry): entry is KnownOrganization => typeof entry?.organizationId === 'string' && typeof entry?.name === 'string') : [];
  } catch {
    return [];
  }
}

export function rememberOrganization(organization: KnownOrganization): void {
  const others = knownOrganizations().filter((known) => known.organizationId !== organization.organizationId);
  const sorted = [...others, organization].sort((a, b) => a.organizationId.localeCompare(b.organizationId));
  sessionStorage.setItem(STORAGE_KEY, JSON.stringify(sorted));
}

export function forgetOrganizations(): void {
  sessionStorage.removeItem(STORAGE_KEY);
}
