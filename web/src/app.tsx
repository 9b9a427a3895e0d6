// The console: sign-in until a key is accepted, then the pages, routed by the
// URL's hash (so `tally serve` needs no route of its own per page, and a key
// never appears in a URL: the hash holds only page and organization).
import { useMemo, useState } from 'preact/hooks';
import { Redirect, Route, Router, Switch } from 'wouter-preact';
import { useHashLocation } from 'wouter-preact/use-hash-location';
import { tallyClient } from './api/tally-client';
import { ORGANIZATIONS_PATH, organizationPath } from './console-routes';
import { OrganizationPages } from './pages/organization-pages';
import { OrganizationsPage } from './pages/organizations-page';
import { SignInPage } from './pages/sign-in-page';
import { ConsoleContext, type ConsoleContextValue } from './session/console-context';
import { clearSession, loadSession, saveSession, type ConsoleSession } from './session/console-session';

function homeOf(session: ConsoleSession): string {
  return session.role === 'admin' || session.organizationId === null ? ORGANIZATIONS_PATH : organizationPath(session.organizationId);
}

export function App() {
  const [session, setSession] = useState<ConsoleSession | null>(loadSession);
  const context = useMemo<ConsoleContextValue | null>(
    () =>
      session && {
        session,
        client: tallyClient(session.apiKey),
        signOut: () => {
          clearSession();
          setSession(null);
        },
      },
    [session],
  );

  if (context === null) {
    return (
      <Router hook={useHashLocation}>
        <SignInPage
          onSignedIn={(signedIn) => {
            saveSession(signedIn);
            setSession(signedIn);
          }}
        />
      </Router>
    );
  }

  return (
    <ConsoleContext.Provider value={context}>
      <Router hook={useHashLocation}>
        <Switch>
          <Route path={ORGANIZATIONS_PATH}>
            <OrganizationsPage />
          </Route>
          <Route path="/organizations/:organizationId/:page?">
            {(params: { organizationId: string; page?: string }) => (
              <OrganizationPages organizationId={decodeURIComponent(params.organizationId)} page={params.page ?? ''} />
            )}
          </Route>
          <Route>
            <Redirect to={homeOf(context.session)} replace />
          </Route>
        </Switch>
      </Router>
    </ConsoleContext.Provider>
  );
}
