// Organizations, for the admin: find one by id, see the ones this tab has
// opened or created, and create a new one with its billing calendar.
import { useMemo, useState } from 'preact/hooks';
import { Link, useLocation } from 'wouter-preact';
import { ApiProblem } from '../api/api-problem';
import { answerOf } from '../api/tally-client';
import { ConsoleLayout } from '../components/console-layout';
import { FieldError, invalidWhen } from '../components/field-error';
import { PageHeading } from '../components/page-heading';
import { ProblemAlert } from '../components/problem-alert';
import { organizationPath } from '../console-routes';
import { useConsole } from '../session/console-context';
import { knownOrganizations, rememberOrganization } from '../session/known-organizations';
import { CreateOrganizationForm } from './create-organization-form';
import { TableRegion } from '../components/table-region';

function FindOrganization() {
  const { client } = useConsole();
  const [, navigate] = useLocation();
  const [search, setSearch] = useState('');
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const known = useMemo(() => knownOrganizations(), []);
  const term = search.trim().toLowerCase();
  const matches = known.filter((organization) => term === '' || organization.organizationId.toLowerCase().includes(term) || organization.name.toLowerCase().includes(term));

  async function open(event: Event) {
    event.preventDefault();
    setProblem(null);
    const organizationId = search.trim();
    try {
      const organization = await answerOf(client.GET('/api/organizations/{orgId}', { params: { path: { orgId: organizationId } } }));
      rememberOrganization({ organizationId, name: organization.name });
      navigate(organizationPath(organizationId));
    } catch (error) {
      setProblem(error instanceof ApiProblem ? error : new ApiProblem(0, null));
    }
  }

  const searchMessage = problem?.status === 404 ? `There is no organization with the id "${search.trim()}".` : (problem?.fieldMessage('orgId') ?? undefined);
  return (
    <section aria-labelledby="find-heading">
      <h2 id="find-heading">Find an organization</h2>
      <form role="search" onSubmit={open}>
        <label>
          Organization id or name
          <fieldset role="group">
            <input
              type="search"
              name="search"
              value={search}
              onInput={(event) => setSearch(event.currentTarget.value)}
              placeholder="org_123"
              autoComplete="off"
              {...invalidWhen('search', searchMessage)}
            />
            <button type="submit" disabled={search.trim() === ''}>
              Open
            </button>
          </fieldset>
        </label>
        <FieldError field="search" message={searchMessage} />
        {problem && searchMessage === undefined && <ProblemAlert problem={problem} />}
      </form>
      <p>
        <small>The list shows the organizations opened or created in this tab; Open looks up any organization by its exact id.</small>
      </p>
      {matches.length === 0 ? (
        <p>{known.length === 0 ? 'No organizations opened in this tab yet.' : 'No opened organization matches.'}</p>
      ) : (
        <TableRegion label="Organizations opened in this tab">
          <table>
            <caption class="visually-hidden">Organizations opened in this tab</caption>
            <thead>
              <tr>
                <th scope="col">Id</th>
                <th scope="col">Name</th>
              </tr>
            </thead>
            <tbody>
              {matches.map((organization) => (
                <tr key={organization.organizationId}>
                  <td>
                    <Link href={organizationPath(organization.organizationId)}>{organization.organizationId}</Link>
                  </td>
                  <td>{organization.name}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableRegion>
      )}
    </section>
  );
}

export function OrganizationsPage() {
  const { session } = useConsole();
  if (session.role !== 'admin') {
    return (
      <ConsoleLayout>
        <PageHeading title="Organizations" />
        <p>Only the admin key lists and creates organizations.</p>
        {session.organizationId && <Link href={organizationPath(session.organizationId)}>Back to {session.organizationId}</Link>}
      </ConsoleLayout>
    );
  }
  return (
    <ConsoleLayout>
      <PageHeading title="Organizations" />
      <div class="grid">
        <FindOrganization />
        <CreateOrganizationForm />
      </div>
    </ConsoleLayout>
  );
}
