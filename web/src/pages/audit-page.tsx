// The audit of a billing period: Tally recomputes it from the event log with
// the code that bills, and compares with the read models, the period close
// and what Stripe was told. Every difference is marked in the table, in the
// cell it concerns, and listed below it.
import { useState } from 'preact/hooks';
import { ApiProblem } from '../api/api-problem';
import type { AuditDifference, AuditedFeature, PeriodAudit } from '../api/tally-api';
import { answerOf } from '../api/tally-client';
import { periodKeyOf } from '../calendar/period-key';
import { FieldError, invalidWhen } from '../components/field-error';
import { PageHeading } from '../components/page-heading';
import { ProblemAlert } from '../components/problem-alert';
import { formatDateTime, formatPeriod } from '../format/dates';
import { formatAmount, formatQuantity } from '../format/quantities';
import { useConsole } from '../session/console-context';
import type { OrganizationPageProps } from './organization-pages';
import { TableRegion } from '../components/table-region';

type Column = 'eventsCounted' | 'duplicatesIgnored' | 'corrections' | 'quantity' | 'includedQuantity' | 'overageQuantity' | 'overageAmount' | 'reportedToStripe' | 'invoiced';

// Which column a difference's field belongs to; a field not listed is still listed below the table.
const COLUMN_OF_FIELD: Record<string, Column> = {
  events: 'eventsCounted',
  'idempotency keys recorded twice': 'duplicatesIgnored',
  quantity: 'quantity',
  overageQuantity: 'overageQuantity',
  overageAmount: 'overageAmount',
  currency: 'overageAmount',
  'reported quantity': 'reportedToStripe',
  'reported quantity (at most)': 'reportedToStripe',
  'invoiced amount': 'invoiced',
};

const SOURCE_WORDS: Record<AuditDifference['source'], string> = {
  'read-model': 'read model',
  'period-close': 'period close',
  'stripe-meter': 'Stripe meter',
  'stripe-invoice': 'Stripe invoice',
  'event-log': 'event log',
};

function cellValue(feature: AuditedFeature, column: Column): string {
  switch (column) {
    case 'overageAmount':
      return formatAmount(feature.overageAmount, feature.currency);
    case 'reportedToStripe':
      return feature.reportedToStripe ? `${formatQuantity(feature.reportedToStripe.quantity)} in ${feature.reportedToStripe.reports} report(s)` : '—';
    case 'invoiced':
      return feature.invoiced ? formatAmount(feature.invoiced.amount, feature.invoiced.currency) : '—';
    default:
      return formatQuantity(feature[column]);
  }
}

const COLUMNS: readonly [Column, string][] = [
  ['eventsCounted', 'Events'],
  ['duplicatesIgnored', 'Duplicates ignored'],
  ['corrections', 'Corrections'],
  ['quantity', 'Quantity'],
  ['includedQuantity', 'Included'],
  ['overageQuantity', 'Overage'],
  ['overageAmount', 'Amount'],
  ['reportedToStripe', 'Stripe meter'],
  ['invoiced', 'Invoiced'],
];

function AuditTable({ audit }: { audit: PeriodAudit }) {
  const differencesAt = (feature: string, column: Column) => audit.differences.filter((difference) => difference.feature === feature && COLUMN_OF_FIELD[difference.field] === column);
  return (
    <TableRegion label="Audit by feature">
      <table class="audit">
        <caption>Recomputed from the event log</caption>
        <thead>
          <tr>
            <th scope="col">Feature</th>
            {COLUMNS.map(([column, label]) => (
              <th scope="col" key={column}>
                {label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {audit.features.map((feature) => (
            <tr key={feature.feature} data-feature={feature.feature}>
              <th scope="row">{feature.feature}</th>
              {COLUMNS.map(([column]) => {
                const found = differencesAt(feature.feature, column);
                return (
                  <td key={column} data-column={column} class={found.length > 0 ? 'differs' : undefined}>
                    {cellValue(feature, column)}
                    {found.map((difference, index) => (
                      <mark key={index}>
                        {' '}
                        {SOURCE_WORDS[difference.source]} has {difference.actual}
                      </mark>
                    ))}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </TableRegion>
  );
}

function AuditResult({ audit, timeZone }: { audit: PeriodAudit; timeZone: string }) {
  return (
    <section aria-labelledby="audit-result-heading">
      <h2 id="audit-result-heading">
        {audit.period}
        {audit.billingPeriod && `: ${formatPeriod(audit.billingPeriod.start, audit.billingPeriod.end, timeZone)}`}
      </h2>
      <p>
        {audit.closedAt ? `Closed ${formatDateTime(audit.closedAt, timeZone)}.` : 'Still open.'} The audit read the organization's events up to position {audit.logPosition}
        {audit.readModels.includesRequestedPosition ? '.' : '; the read models had not caught up with them when it compared.'}
      </p>
      <p class={audit.agrees ? 'verdict verdict--agrees' : 'verdict verdict--differs'} role="status">
        {audit.agrees ? 'Everything agrees: the event log, the period close, the read models and Stripe.' : `${audit.differences.length} difference(s) from the event log.`}
      </p>
      {audit.features.length === 0 ? <p>No usage in this period.</p> : <AuditTable audit={audit} />}
      {audit.differences.length > 0 && (
        <>
          <h3>Differences</h3>
          <ul class="differences">
            {audit.differences.map((difference, index) => (
              <li key={index}>
                <strong>{SOURCE_WORDS[difference.source]}</strong> {difference.feature} {difference.field}: the event log says {difference.expected}, found {difference.actual}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

export function AuditPage({ organization }: OrganizationPageProps) {
  const { client } = useConsole();
  const orgId = organization.organizationId;
  const [period, setPeriod] = useState(() => periodKeyOf(new Date().toISOString(), organization.timeZone));
  const [audit, setAudit] = useState<PeriodAudit | null>(null);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [busy, setBusy] = useState(false);

  async function run(event: Event) {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      setAudit(await answerOf(client.GET('/api/usage/{orgId}/audit', { params: { path: { orgId }, query: { period } } })));
    } catch (error) {
      setAudit(null);
      setProblem(error instanceof ApiProblem ? error : new ApiProblem(0, null));
    } finally {
      setBusy(false);
    }
  }

  const periodMessage = problem?.fieldMessage('period');
  return (
    <>
      <PageHeading title={`Audit of ${organization.name}`}>Prove a period's bill from the event log alone.</PageHeading>
      <form onSubmit={run} noValidate class="audit-form">
        <label>
          Billing period (the month it starts in, {organization.timeZone})
          <input type="month" name="period" value={period} onInput={(event) => setPeriod(event.currentTarget.value)} {...invalidWhen('period', periodMessage)} />
        </label>
        <FieldError field="period" message={periodMessage} />
        <button type="submit" aria-busy={busy} disabled={busy}>
          Run audit
        </button>
      </form>
      {problem && periodMessage === undefined && <ProblemAlert problem={problem} context="Audit" />}
      {audit && <AuditResult audit={audit} timeZone={organization.timeZone} />}
    </>
  );
}
