// Who is signed in to this tab: the key, whether it is the admin key or an
// organization's, and that organization. Kept in the tab's session storage
// only: it is gone when the tab closes, never shared with other tabs, and
// never put in a URL or a log.
export type Role = 'admin' | 'organization';

export interface ConsoleSession {
  readonly apiKey: string;
  readonly role: Role;
  /** The organization an organization key acts on; null for the admin. */
  readonly organizationId: string | null;
}

const STORAGE_KEY = 'tally.console.session';

export function loadSession(): ConsoleSession | null {
  const stored = sessionStorage.getItem(STORAGE_KEY);
  if (stored === null) return null;
  try {
    const session = JSON.parse(stored) as Partial<ConsoleSession>;
    if (typeof session.apiKey !== 'string' || (session.role !== 'admin' && session.role !== 'organization')) return null;
    return { apiKey: session.apiKey, role: session.role, organizationId: typeof session.organizationId === 'string' ? session.organizationId : null };
  } catch {
    return null;
  }
}

export function saveSession(session: ConsoleSession): void {
  sessionStorage.setItem(STORAGE_KEY, JSON.stringify(session));
}

export function clearSession(): void {
  sessionStorage.removeItem(STORAGE_KEY);
}
