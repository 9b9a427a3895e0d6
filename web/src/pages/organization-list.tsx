// The admin's list of organizations, from the API a page at a time, by id: a
// search that narrows it as you type (after a short pause, so typing a name
// does not send a request per letter; Enter searches at once) and "More" for
// the next page. The API matches the text against id and name, in any case.
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { Link } from 'wouter-preact';
import { ApiProblem } from '../api/api-problem';
import type { ListedOrganization } from '../api/tally-api';
import { answerOf } from '../api/tally-client';
import { FieldError, invalidWhen } from '../components/field-error';
import { ProblemAlert } from '../components/problem-alert';
import { TableRegion } from '../components/table-region';
import { organizationPath } from '../console-routes';
import { useConsole } from '../session/console-context';

const SEARCH_PAUSE_MS = 250;
const PAGE_SIZE = 25;
/** The longest search the API accepts. */
const SEARCH_MAX = 64;

interface Listed {
  readonly term: string;
  readonly organizations: readonly ListedOrganization[];
  readonly next: string | null;
}

export function OrganizationList() {
  const { client } = useConsole();
  const [search, setSearch] = useState('');
  const [term, setTerm] = useState('');
  const [listed, setListed] = useState<Listed | null>(null);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [busy, setBusy] = useState(false);
  // Answers to a search the admin has typed past are dropped.
  const generation = useRef(0);
  // After "More", the focus goes to the first organization it added, since the button may be gone.
  const focusFrom = useRef<string | null>(null);

  const load = useCallback(
    async (searched: string, after: string | null) => {
      generation.current += 1;
      const mine = generation.current;
      setBusy(true);
      setProblem(null);
      try {
        const page = await answerOf(client.GET('/api/organizations', { params: { query: { search: searched === '' ? undefined : searched, after: after ?? undefined, limit: PAGE_SIZE } } }));
        if (mine !== generation.current) return;
        focusFrom.current = after === null ? null : (page.organizations[0]?.organizationId ?? null);
        setListed((previous) => ({ term: searched, organizations: after !== null && previous ? [...previous.organizations, ...page.organizations] : page.organizations, next: page.next }));
      } catch (error) {
        if (mine === generation.current) setProblem(error instanceof ApiProblem ? error : new ApiProblem(0, null));
      } finally {
        if (mine === generation.current) setBusy(false);
      }
    },
    [client],
  );

  useEffect(() => {
    const timer = setTimeout(() => setTerm(search.trim()), SEARCH_PAUSE_MS);
    return () => clearTimeout(timer);
  }, [search]);
  useEffect(() => {
    void load(term, null);
  }, [load, term]);
  // Before the frame is painted, so the focus is on the first new row as soon as it shows.
  useLayoutEffect(() => {
    if (focusFrom.current === null) return;
    document.querySelector<HTMLElement>(`tr[data-organization-id="${CSS.escape(focusFrom.current)}"] a`)?.focus();
    focusFrom.current = null;
  }, [listed]);

  const searchMessage = problem?.fieldMessage('search') ?? undefined;
  const organizations = listed?.organizations ?? [];
  const found = listed === null ? '' : `${organizations.length}${listed.next ? '+' : ''} organization${organizations.length === 1 && !listed.next ? '' : 's'}${listed.term ? ` matching "${listed.term}"` : ''}.`;
  return (
    <section aria-labelledby="find-heading">
      <h2 id="find-heading">Find an organization</h2>
      <form
        role="search"
        onSubmit={(event) => {
          event.preventDefault();
          // Enter searches now rather than after the pause.
          if (search.trim() === term) void load(term, null);
          else setTerm(search.trim());
        }}
      >
        <label>
          Organization id or name
          <input
            type="search"
            name="search"
            value={search}
            maxLength={SEARCH_MAX}
            onInput={(event) => setSearch(event.currentTarget.value)}
            placeholder="org_123 or Acme"
            autoComplete="off"
            {...invalidWhen('search', searchMessage)}
          />
        </label>
        <FieldError field="search" message={searchMessage} />
        {problem && searchMessage === undefined && <ProblemAlert problem={problem} context="Listing organizations" />}
      </form>
      <p role="status" class="status" aria-busy={busy}>
        {found}
      </p>
      {listed !== null &&
        (organizations.length === 0 ? (
          <p>{listed.term === '' ? 'No organizations yet: create the first one.' : `No organization's id or name contains "${listed.term}".`}</p>
        ) : (
          <TableRegion label="Organizations">
            <table>
              <caption class="visually-hidden">Organizations</caption>
              <thead>
                <tr>
                  <th scope="col">Id</th>
                  <th scope="col">Name</th>
                </tr>
              </thead>
              <tbody>
                {organizations.map((organization) => (
                  <tr key={organization.organizationId} data-organization-id={organization.organizationId}>
                    <td>
                      <Link href={organizationPath(organization.organizationId)}>{organization.organizationId}</Link>
                    </td>
                    <td>{organization.name}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableRegion>
        ))}
      {listed?.next && (
        <button type="button" class="secondary" aria-busy={busy} disabled={busy} onClick={() => void load(listed.term, listed.next)}>
          More
        </button>
      )}
    </section>
  );
}
