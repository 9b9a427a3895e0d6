// History: the closed billing periods with what each one billed, as a chart
// and as the table behind it (the exact amounts).
import { useCallback } from 'preact/hooks';
import type { HistoryPeriod } from '../api/tally-api';
import { answerOf } from '../api/tally-client';
import { useApiData } from '../api/use-api-data';
import { periodKeyOf } from '../calendar/period-key';
import { ChartCanvas } from '../charts/chart-canvas';
import { FreshnessNote } from '../components/freshness-note';
import { PageHeading } from '../components/page-heading';
import { ProblemAlert } from '../components/problem-alert';
import { formatDateTime, formatPeriod } from '../format/dates';
import { formatAmount, formatQuantity, formatTotals } from '../format/quantities';
import { useConsole } from '../session/console-context';
import type { OrganizationPageProps } from './organization-pages';
import { TableRegion } from '../components/table-region';

const PERIODS_SHOWN = 12;
const NO_PERIODS: readonly HistoryPeriod[] = [];

function PeriodRows({ period, timeZone, currency }: { period: HistoryPeriod; timeZone: string; currency: string }) {
  const key = periodKeyOf(period.periodStart, timeZone);
  const rows = period.features.length;
  return (
    <tbody data-period={key}>
      {period.features.length === 0 ? (
        <tr>
          <th scope="row">{key}</th>
          <td colSpan={6}>No usage</td>
          <td data-figure="periodTotal">{formatTotals(period.totals, currency)}</td>
        </tr>
      ) : (
        period.features.map((line, index) => (
          <tr key={line.feature} data-feature={line.feature}>
            {index === 0 && (
              <th scope="rowgroup" rowSpan={rows}>
                {key}
                <br />
                <small>
                  {formatPeriod(period.periodStart, period.periodEnd, timeZone)}, closed {formatDateTime(period.closedAt, timeZone)}
                </small>
              </th>
            )}
            <td>{line.feature}</td>
            <td>{formatQuantity(line.totalQuantity)}</td>
            <td>{formatQuantity(line.includedQuantity)}</td>
            <td>{formatQuantity(line.overageQuantity)}</td>
            <td data-figure="overageAmount">{formatAmount(line.overageAmountDecimal, line.currency)}</td>
            <td>{formatQuantity(line.events)}</td>
            {index === 0 && (
              <td rowSpan={rows} data-figure="periodTotal">
                {formatTotals(period.totals, currency)}
              </td>
            )}
          </tr>
        ))
      )}
    </tbody>
  );
}

export function HistoryPage({ organization }: OrganizationPageProps) {
  const { client } = useConsole();
  const orgId = organization.organizationId;
  const history = useApiData(() => answerOf(client.GET('/api/usage/{orgId}/history', { params: { path: { orgId }, query: { limit: PERIODS_SHOWN } } })), [client, orgId]);
  const zone = organization.timeZone;
  const periods = history.data?.periods ?? NO_PERIODS;
  const loadChart = useCallback(() => import('../charts/history-chart').then(({ historyChart }) => historyChart(periods, organization.currency, zone)), [periods, organization.currency, zone]);
  return (
    <>
      <PageHeading title={`History of ${organization.name}`}>The last {PERIODS_SHOWN} closed billing periods, as they were billed.</PageHeading>
      {history.problem && <ProblemAlert problem={history.problem} context="Reading the history" />}
      {history.data === undefined && !history.problem && <p aria-busy="true">Reading closed periods…</p>}
      {history.data && (
        <>
          <FreshnessNote freshness={history.data.freshness} loadedAt={history.loadedAt} timeZone={zone} />
          {periods.length === 0 ? (
            <p>No billing period has closed yet.</p>
          ) : (
            <>
              <ChartCanvas load={loadChart} summary={`Amount billed per closed period in ${organization.currency}, by feature: ${periods.map((period) => `${periodKeyOf(period.periodStart, zone)} ${formatTotals(period.totals, organization.currency)}`).join(', ')}`} />
              <TableRegion label="Closed periods">
                <table class="history">
                  <caption>Closed periods, newest first</caption>
                  <thead>
                    <tr>
                      <th scope="col">Period</th>
                      <th scope="col">Feature</th>
                      <th scope="col">Quantity</th>
                      <th scope="col">Included</th>
                      <th scope="col">Overage</th>
                      <th scope="col">Amount</th>
                      <th scope="col">Events</th>
                      <th scope="col">Period total</th>
                    </tr>
                  </thead>
                  {periods.map((period) => (
                    <PeriodRows key={period.periodStart} period={period} timeZone={zone} currency={organization.currency} />
                  ))}
                </table>
              </TableRegion>
            </>
          )}
        </>
      )}
    </>
  );
}
