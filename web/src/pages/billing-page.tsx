// Billing: the state of the organization's period workflow (last aggregation,
// last Stripe report, failures, what it does next), refreshed live, and for
// the admin the billing jobs as buttons, sent to this organization's workflow.
import { useState } from 'preact/hooks';
import { ApiProblem } from '../api/api-problem';
import type { BillingJob, BillingStatus } from '../api/tally-api';
import { answerOf } from '../api/tally-client';
import { useApiData } from '../api/use-api-data';
import { PageHeading } from '../components/page-heading';
import { ProblemAlert } from '../components/problem-alert';
import { formatDateTime, formatPeriod } from '../format/dates';
import { useConsole } from '../session/console-context';
import type { OrganizationPageProps } from './organization-pages';
import { TableRegion } from '../components/table-region';

const BILLING_REFRESH_MS = 5_000;

// Keyed by the API's job union: a job the API adds is a compile error here until it has a button.
const JOBS: Record<BillingJob, { label: string; explains: string }> = {
  'aggregate-all': { label: 'Aggregate now', explains: 'record the running totals' },
  'report-all': { label: 'Report to Stripe now', explains: 'send usage deltas to the Stripe meter' },
  'retry-failed': { label: 'Retry failed reports', explains: 'retry what Stripe refused' },
  'generate-invoice-items': { label: 'Generate invoice items', explains: 'create the period’s invoice items' },
};

const STRIPE_WORDS: Record<BillingStatus['stripeBilling'], string> = {
  meter: 'reported to a Stripe meter',
  invoice: 'billed through Stripe invoice items',
  none: 'not sent to Stripe (no Stripe customer)',
};

function StatusTable({ status, timeZone }: { status: BillingStatus; timeZone: string }) {
  const when = (iso: string | null) => (iso === null ? 'not yet' : formatDateTime(iso, timeZone));
  return (
    <dl class="billing-status">
      <div>
        <dt>Billing period</dt>
        <dd>
          {status.billingPeriod ? formatPeriod(status.billingPeriod.start, status.billingPeriod.end, timeZone) : 'unknown'} {status.closed ? '(closed)' : '(open)'}
        </dd>
      </div>
      <div>
        <dt>Workflow</dt>
        <dd>
          <code>{status.workflowId}</code>
        </dd>
      </div>
      <div>
        <dt>Last aggregation</dt>
        <dd data-figure="lastAggregationAt">{when(status.lastAggregationAt)}</dd>
      </div>
      <div>
        <dt>Last Stripe report</dt>
        <dd data-figure="lastReportAt">{when(status.lastReportAt)}</dd>
      </div>
      <div>
        <dt>Stripe</dt>
        <dd>{STRIPE_WORDS[status.stripeBilling]}</dd>
      </div>
      <div>
        <dt>Next</dt>
        <dd>{status.nextAction ? `${status.nextAction.kind} at ${formatDateTime(status.nextAction.at, timeZone)}` : 'nothing scheduled'}</dd>
      </div>
    </dl>
  );
}

export function BillingPage({ organization }: OrganizationPageProps) {
  const { client, session } = useConsole();
  const orgId = organization.organizationId;
  const status = useApiData(() => answerOf(client.GET('/api/usage/{orgId}/billing-status', { params: { path: { orgId } } })), [client, orgId], { refreshMs: BILLING_REFRESH_MS });
  const [jobMessage, setJobMessage] = useState('');
  const [jobProblem, setJobProblem] = useState<ApiProblem | null>(null);
  const [running, setRunning] = useState<BillingJob | null>(null);
  const zone = organization.timeZone;

  async function runJob(job: BillingJob) {
    setRunning(job);
    setJobProblem(null);
    setJobMessage('');
    try {
      const result = await answerOf(client.POST('/api/admin/jobs/{job}', { params: { path: { job } }, body: { organizationId: orgId } }));
      setJobMessage(result.signalled === 0 ? `${job}: no running period workflow to signal.` : `${job}: signalled the period workflow.`);
      void status.reload();
    } catch (error) {
      setJobProblem(error instanceof ApiProblem ? error : new ApiProblem(0, null));
    } finally {
      setRunning(null);
    }
  }

  const data = status.data;
  return (
    <>
      <PageHeading title={`Billing of ${organization.name}`}>One workflow per billing period aggregates, reports to Stripe with retries, invoices and closes the period.</PageHeading>
      {status.problem?.status === 404 ? (
        <p>No billing-period workflow is running for this organization yet: the worker starts one when the organization is configured or its usage arrives.</p>
      ) : (
        status.problem && <ProblemAlert problem={status.problem} context="Billing status" />
      )}
      {data === undefined && !status.problem && <p aria-busy="true">Asking the period workflow…</p>}
      {data && (
        <>
          <StatusTable status={data} timeZone={zone} />
          <section aria-labelledby="failures-heading">
            <h2 id="failures-heading">Failures</h2>
            {data.failures.length === 0 ? (
              <p>None.</p>
            ) : (
              <TableRegion label="Billing failures">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">Feature</th>
                      <th scope="col">Error</th>
                      <th scope="col">Retried</th>
                      <th scope="col">At</th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.failures.map((failure, index) => (
                      <tr key={index}>
                        <th scope="row">{failure.feature}</th>
                        <td>{failure.error}</td>
                        <td>{failure.retryable ? 'yes, automatically' : 'no: needs attention'}</td>
                        <td>{formatDateTime(failure.at, zone)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableRegion>
            )}
          </section>
        </>
      )}
      {session.role === 'admin' && (
        <section aria-labelledby="jobs-heading">
          <h2 id="jobs-heading">Jobs</h2>
          <p>Each button signals this organization's running period workflow, which does the work in order with its retries.</p>
          <div class="jobs">
            {(Object.keys(JOBS) as BillingJob[]).map((job) => (
              <button key={job} type="button" class="secondary" aria-busy={running === job} disabled={running !== null} onClick={() => void runJob(job)}>
                {JOBS[job].label}
                <span class="visually-hidden">
                  : {JOBS[job].explains}
                </span>
              </button>
            ))}
          </div>
          <p role="status" class="status">
            {jobMessage}
          </p>
          {jobProblem && <ProblemAlert problem={jobProblem} context="Job" />}
        </section>
      )}
    </>
  );
}
