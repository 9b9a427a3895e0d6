// Organizations, for the admin: the list from the API with its search, and
// a new organization with its billing calendar.
import { Link } from 'wouter-preact';
import { ConsoleLayout } from '../components/console-layout';
import { PageHeading } from '../components/page-heading';
import { organizationPath } from '../console-routes';
import { useConsole } from '../session/console-context';
import { CreateOrganizationForm } from './create-organization-form';
import { OrganizationList } from './organization-list';

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
        <OrganizationList />
        <CreateOrganizationForm />
      </div>
    </ConsoleLayout>
  );
}
