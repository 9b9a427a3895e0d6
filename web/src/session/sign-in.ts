// Signing in checks the pasted key against the API before anything is stored:
// an organization key must open its organization, and the admin key must be
// accepted. The API has no "who am I" route, so the admin key is checked with a
// read of an organization: any answer but 401 means the key was accepted.
import { ApiProblem } from '../api/api-problem';
import type { Organization } from '../api/tally-api';
import { answerOf, tallyClient } from '../api/tally-client';
import type { ConsoleSession } from './console-session';
import { isOrganizationKey } from './key-shape';

export class SignInError extends Error {
  constructor(
    readonly field: 'apiKey' | 'organizationId' | null,
    message: string,
  ) {
    super(message);
    this.name = 'SignInError';
  }
}

// Any id of the valid shape serves: the API authenticates before it looks the organization up.
const ADMIN_CHECK_ORGANIZATION = 'tally-console-sign-in';

export interface SignedIn {
  readonly session: ConsoleSession;
  /** The organization named at sign-in, as the API answered it. */
  readonly organization: Organization | null;
}

async function readOrganization(apiKey: string, organizationId: string): Promise<Organization | null> {
  try {
    return await answerOf(tallyClient(apiKey).GET('/api/organizations/{orgId}', { params: { path: { orgId: organizationId } } }));
  } catch (error) {
    if (!(error instanceof ApiProblem)) throw error;
    if (error.status === 401) throw new SignInError('apiKey', 'Tally does not accept this key: it is unknown, revoked or mistyped.');
    if (error.status === 404) return null;
    if (error.status === 400) throw new SignInError('organizationId', error.fieldMessage('orgId') ?? error.message);
    throw new SignInError(null, error.message);
  }
}

export async function signIn(apiKey: string, organizationId: string): Promise<SignedIn> {
  const key = apiKey.trim();
  const wanted = organizationId.trim();
  if (key === '') throw new SignInError('apiKey', 'Paste an organization API key or the admin key.');
  if (isOrganizationKey(key)) {
    if (wanted === '') throw new SignInError('organizationId', 'An organization key needs the id of its organization.');
    const organization = await readOrganization(key, wanted);
    if (organization === null) throw new SignInError('organizationId', `This key does not belong to an organization called "${wanted}".`);
    return { session: { apiKey: key, role: 'organization', organizationId: wanted }, organization };
  }
  if (wanted === '') {
    await readOrganization(key, ADMIN_CHECK_ORGANIZATION);
    return { session: { apiKey: key, role: 'admin', organizationId: null }, organization: null };
  }
  const organization = await readOrganization(key, wanted);
  if (organization === null) throw new SignInError('organizationId', `There is no organization called "${wanted}".`);
  return { session: { apiKey: key, role: 'admin', organizationId: null }, organization };
}
