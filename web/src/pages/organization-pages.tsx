// The pages of one organization. The organization is read once here (its name,
// time zone, currency and quotas) and handed to the page; an organization the
// key may not see is answered by the API exactly like one that does not exist,
// and the console shows the same for both.
import type { Organization } from '../api/tally-api';
import { answerOf } from '../api/tally-client';
import { useApiData } from '../api/use-api-data';
import { ConsoleLayout } from '../components/console-layout';
import { PageHeading } from '../components/page-heading';
import { ProblemAlert } from '../components/problem-alert';
import { pageNamed, type OrganizationPageName } from '../console-routes';
import { useConsole } from '../session/console-context';
import { AlertsPage } from './alerts-page';
import { ApiKeysPage } from './api-keys-page';
import { AuditPage } from './audit-page';
import { BillingPage } from './billing-page';
import { CurrentPeriodPage } from './current-period-page';
import { HistoryPage } from './history-page';
import { OverviewPage } from './overview-page';
import { QuotasPage } from './quotas-page';

export interface OrganizationPageProps {
  readonly organization: Organization;
  /** Read the organization again, e.g. after its quotas changed; resolves once it is shown. */
  readonly reloadOrganization: () => Promise<void>;
}

const PAGES: Record<OrganizationPageName, (props: OrganizationPageProps) => preact.JSX.Element> = {
  overview: OverviewPage,
  'current-period': CurrentPeriodPage,
  history: HistoryPage,
  quotas: QuotasPage,
  alerts: AlertsPage,
  'api-keys': ApiKeysPage,
  audit: AuditPage,
  billing: BillingPage,
};

export function OrganizationPages({ organizationId, page }: { organizationId: string; page: string }) {
  const { client, session } = useConsole();
  const organization = useApiData(
    () => answerOf(client.GET('/api/organizations/{orgId}', { params: { path: { orgId: organizationId } } })),
    [client, organizationId],
  );

  const name = pageNamed(page);
  let content: preact.JSX.Element;
  if (name === null) {
    content = (
      <>
        <PageHeading title="No such page" />
        <p>The console has no page called “{page}”.</p>
      </>
    );
  } else if (organization.problem?.status === 404) {
    content = (
      <>
        <PageHeading title="Organization not found" />
        <p>
          There is no organization “{organizationId}”{session.role === 'organization' ? ' that this key may see' : ''}.
        </p>
      </>
    );
  } else if (organization.data === undefined || organization.data.organizationId !== organizationId) {
    content = organization.problem ? (
      <>
        <PageHeading title={organizationId} />
        <ProblemAlert problem={organization.problem} context="Reading the organization" />
      </>
    ) : (
      <p aria-busy="true">Loading {organizationId}…</p>
    );
  } else {
    const Page = PAGES[name];
    content = <Page organization={organization.data} reloadOrganization={organization.reload} />;
  }
  return <ConsoleLayout organizationId={organizationId}>{content}</ConsoleLayout>;
}
