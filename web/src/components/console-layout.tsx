// The frame around every page after sign-in: a skip link, the header with who
// is signed in and a sign-out button, the organization's page links, and the
// main landmark the pages render into.
import type { ComponentChildren } from 'preact';
import { Link, useRoute } from 'wouter-preact';
import { ORGANIZATION_PAGES, ORGANIZATIONS_PATH, organizationPath } from '../console-routes';
import { useConsole } from '../session/console-context';

// The console routes by the URL's hash, so the skip link moves the focus itself instead of changing the hash.
function skipToContent(event: MouseEvent): void {
  event.preventDefault();
  document.getElementById('content')?.focus();
}

function PageLink({ href, children }: { href: string; children: ComponentChildren }) {
  const [active] = useRoute(href);
  return (
    <Link href={href} aria-current={active ? 'page' : undefined}>
      {children}
    </Link>
  );
}

export function ConsoleLayout({ organizationId, children }: { organizationId?: string; children: ComponentChildren }) {
  const { session, signOut } = useConsole();
  const isAdmin = session.role === 'admin';
  return (
    <>
      <a class="skip-link" href="#content" onClick={skipToContent}>
        Skip to content
      </a>
      <header class="container">
        <nav aria-label="Console">
          <ul>
            <li>
              <strong class="brand">Tally</strong>
            </li>
            {isAdmin && (
              <li>
                <PageLink href={ORGANIZATIONS_PATH}>Organizations</PageLink>
              </li>
            )}
          </ul>
          <ul>
            <li class="signed-in-as">{isAdmin ? 'Admin' : `Organization ${session.organizationId ?? ''}`}</li>
            <li>
              <button type="button" class="secondary outline" onClick={signOut}>
                Sign out
              </button>
            </li>
          </ul>
        </nav>
        {organizationId !== undefined && (
          <nav aria-label={`Organization ${organizationId}`} class="organization-nav">
            <ul>
              {ORGANIZATION_PAGES.filter((link) => isAdmin || !link.adminOnly).map((link) => (
                <li key={link.page}>
                  <PageLink href={organizationPath(organizationId, link.page)}>{link.label}</PageLink>
                </li>
              ))}
            </ul>
          </nav>
        )}
      </header>
      <main id="content" class="container" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
