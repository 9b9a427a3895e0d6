// Sign-in with an organization's API key (that organization only) or the admin
// key (every organization). The key is checked with the API before it is kept
// in this tab's session storage; the form never submits it anywhere else.
import { useState } from 'preact/hooks';
import { useLocation } from 'wouter-preact';
import { organizationPath } from '../console-routes';
import { FieldError, invalidWhen } from '../components/field-error';
import { PageHeading } from '../components/page-heading';
import type { ConsoleSession } from '../session/console-session';
import { isOrganizationKey } from '../session/key-shape';
import { signIn, SignInError } from '../session/sign-in';

export function SignInPage({ onSignedIn }: { onSignedIn: (session: ConsoleSession) => void }) {
  const [apiKey, setApiKey] = useState('');
  const [organizationId, setOrganizationId] = useState('');
  const [failure, setFailure] = useState<SignInError | null>(null);
  const [busy, setBusy] = useState(false);
  const keyMessage = failure?.field === 'apiKey' ? failure.message : undefined;
  const organizationMessage = failure?.field === 'organizationId' ? failure.message : undefined;
  const needsOrganization = isOrganizationKey(apiKey.trim());
  const [, navigate] = useLocation();

  async function submit(event: Event) {
    event.preventDefault();
    setBusy(true);
    setFailure(null);
    try {
      const { session, organization } = await signIn(apiKey, organizationId);
      if (organization !== null) {
        navigate(organizationPath(organization.organizationId), { replace: true });
      }
      onSignedIn(session);
    } catch (error) {
      setFailure(error instanceof SignInError ? error : new SignInError(null, 'The Tally API cannot be reached.'));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main id="content" class="container sign-in">
      <article>
        <PageHeading title="Sign in to Tally">Usage, quotas, bills and audits of your organizations.</PageHeading>
        {/* POST and no action: even without the script the key would never land in a URL. */}
        <form method="post" onSubmit={submit} noValidate>
          <label>
            API key
            <input
              type="password"
              name="apiKey"
              autoComplete="off"
              spellcheck={false}
              value={apiKey}
              onInput={(event) => setApiKey(event.currentTarget.value)}
              {...invalidWhen('apiKey', keyMessage)}
            />
          </label>
          <FieldError field="apiKey" message={keyMessage} />
          <small>
            An organization's key (<code>tally_…</code>) or the admin key. It stays in this browser tab until you sign out or close the tab.
          </small>
          <label>
            Organization {needsOrganization ? '(required with an organization key)' : '(optional with the admin key)'}
            <input
              type="text"
              name="organizationId"
              autoComplete="off"
              placeholder="org_123"
              value={organizationId}
              onInput={(event) => setOrganizationId(event.currentTarget.value)}
              {...invalidWhen('organizationId', organizationMessage)}
            />
          </label>
          <FieldError field="organizationId" message={organizationMessage} />
          {failure?.field === null && (
            <p class="problem" role="alert">
              {failure.message}
            </p>
          )}
          <button type="submit" aria-busy={busy} disabled={busy}>
            Sign in
          </button>
        </form>
      </article>
    </main>
  );
}
