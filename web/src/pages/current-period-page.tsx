// The open billing period, feature by feature, over the organization's local
// days: quota windows (daily, weekly or the whole period), each day's usage so
// far, usage to date and the projection to the period's end, with the same
// numbers in two tables (by feature, and the chosen feature by day).
import { useCallback, useState } from 'preact/hooks';
import type { CostEstimate, CurrentUsage, DailyUsage, FeatureUsage, QuotaCheck } from '../api/tally-api';
import { answerOf } from '../api/tally-client';
import { useApiData } from '../api/use-api-data';
import { ChartCanvas } from '../charts/chart-canvas';
import { FreshnessNote } from '../components/freshness-note';
import { PageHeading } from '../components/page-heading';
import { ProblemAlert } from '../components/problem-alert';
import { formatDateTime, formatPeriod } from '../format/dates';
import { formatAmount, formatQuantity } from '../format/quantities';
import { useConsole } from '../session/console-context';
import type { OrganizationPageProps } from './organization-pages';
import { LIVE_REFRESH_MS } from './overview-page';
import { TableRegion } from '../components/table-region';
import { localDatesToDate } from '../calendar/local-dates';

interface PeriodData {
  readonly usage: CurrentUsage;
  readonly estimate: CostEstimate;
  readonly checks: readonly QuotaCheck[];
  readonly daily: DailyUsage;
}

const AGGREGATED: Record<string, string> = { sum: 'sum of the day', max: 'peak of the day', latest: 'latest reading of the day' };

/** The chosen feature day by day, from the period's first day to today; days without usage show 0. */
function DayTable({ data, feature, timeZone }: { data: PeriodData; feature: FeatureUsage; timeZone: string }) {
  const lines = new Map(data.daily.days.filter((line) => line.feature === feature.feature).map((line) => [line.day, line]));
  const dates = localDatesToDate(data.daily.periodStart, data.daily.periodEnd, Date.now(), timeZone);
  const title = `${feature.displayName} per day`;
  return (
    <TableRegion label={title}>
      <table class="day-table" data-feature={feature.feature}>
        <caption>
          {title} ({AGGREGATED[feature.aggregation] ?? feature.aggregation}, local days in {timeZone})
        </caption>
        <thead>
          <tr>
            <th scope="col">Day</th>
            <th scope="col">{feature.unit}</th>
            <th scope="col">Events</th>
            <th scope="col">Corrections</th>
          </tr>
        </thead>
        <tbody>
          {dates.map((date) => {
            const line = lines.get(date);
            return (
              <tr key={date} data-day={date}>
                <th scope="row">{date}</th>
                <td data-column="quantity">{formatQuantity(line?.quantity ?? 0)}</td>
                <td data-column="events">{formatQuantity(line?.events ?? 0)}</td>
                <td data-column="corrections">{formatQuantity(line?.corrections ?? 0)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </TableRegion>
  );
}

function PeriodTable({ data, timeZone }: { data: PeriodData; timeZone: string }) {
  return (
    <TableRegion label="The open period by feature">
      <table>
        <caption>The open period by feature</caption>
        <thead>
          <tr>
            <th scope="col">Feature</th>
            <th scope="col">Current window</th>
            <th scope="col">Used in it</th>
            <th scope="col">Included per window</th>
            <th scope="col">Period to date</th>
            <th scope="col">Overage</th>
            <th scope="col">Run-rate per day</th>
            <th scope="col">Projected at period end</th>
          </tr>
        </thead>
        <tbody>
          {data.usage.features.map((feature) => {
            const check = data.checks.find((candidate) => candidate.feature === feature.feature);
            const estimate = data.estimate.features.find((candidate) => candidate.feature === feature.feature);
            return (
              <tr key={feature.feature} data-feature={feature.feature}>
                <th scope="row">{feature.displayName}</th>
                <td>{check ? `${feature.resetPeriod.toLowerCase()}, from ${formatDateTime(check.windowStart, timeZone)}` : '—'}</td>
                <td>{check ? formatQuantity(check.used) : '—'}</td>
                <td>{formatQuantity(feature.includedQuantity)}</td>
                <td>{formatQuantity(feature.totalQuantity)}</td>
                <td>
                  {formatQuantity(feature.overageQuantity)} ({formatAmount(feature.overageAmountDecimal, feature.currency)})
                </td>
                <td>{estimate?.dailyRate == null ? 'level (a reading)' : formatQuantity(estimate.dailyRate)}</td>
                <td>{estimate ? `${formatQuantity(estimate.projectedQuantity)} (${formatAmount(estimate.estimatedAmountDecimal, estimate.currency)})` : '—'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </TableRegion>
  );
}

export function CurrentPeriodPage({ organization }: OrganizationPageProps) {
  const { client } = useConsole();
  const orgId = organization.organizationId;
  const zone = organization.timeZone;
  const period = useApiData<PeriodData>(
    async () => {
      const path = { orgId };
      const [usage, estimate, daily] = await Promise.all([
        answerOf(client.GET('/api/usage/{orgId}', { params: { path } })),
        answerOf(client.GET('/api/usage/{orgId}/estimate', { params: { path } })),
        answerOf(client.GET('/api/usage/{orgId}/daily', { params: { path } })),
      ]);
      const checks = await Promise.all(usage.features.map((feature) => answerOf(client.GET('/api/usage/{orgId}/quota/{feature}', { params: { path: { orgId, feature: feature.feature } } }))));
      return { usage, estimate, checks, daily };
    },
    [client, orgId],
    { refreshMs: LIVE_REFRESH_MS },
  );
  const [chosen, setChosen] = useState<string | null>(null);
  const data = period.data;
  const feature = data?.usage.features.find((candidate) => candidate.feature === chosen) ?? data?.usage.features[0];
  const loadChart = useCallback(async () => {
    if (!data || !feature) throw new Error('no feature to draw');
    const { currentPeriodChart } = await import('../charts/current-period-chart');
    return currentPeriodChart({
      periodStart: data.usage.periodStart,
      periodEnd: data.usage.periodEnd,
      feature,
      estimate: data.estimate.features.find((estimate) => estimate.feature === feature.feature),
      daily: data.daily.days.filter((line) => line.feature === feature.feature),
      now: new Date().toISOString(),
      timeZone: zone,
    });
  }, [data, feature, zone]);

  return (
    <>
      <PageHeading title={`Current period of ${organization.name}`}>{data ? `${formatPeriod(data.usage.periodStart, data.usage.periodEnd, zone)} in ${zone}` : zone}</PageHeading>
      {period.problem && <ProblemAlert problem={period.problem} context={data ? 'Refreshing failed; showing the last answer' : 'Reading usage'} />}
      {data === undefined && !period.problem && <p aria-busy="true">Reading usage…</p>}
      {data && feature && (
        <>
          <div class="feature-choice">
            <label for="chart-feature">Feature</label>
            <select id="chart-feature" name="feature" value={feature.feature} onChange={(event) => setChosen(event.currentTarget.value)}>
              {data.usage.features.map((candidate) => (
                <option key={candidate.feature} value={candidate.feature}>
                  {candidate.displayName}
                </option>
              ))}
            </select>
          </div>
          <ChartCanvas
            load={loadChart}
            summary={`${feature.displayName}: ${formatQuantity(feature.totalQuantity)} ${feature.unit} used so far this period, ${feature.resetPeriod.toLowerCase()} windows of ${formatQuantity(feature.includedQuantity)} included; projected ${formatQuantity(data.estimate.features.find((estimate) => estimate.feature === feature.feature)?.projectedQuantity ?? feature.totalQuantity)} by the period's end; each day's usage is in the table below.`}
          />
          <p>
            <small>Bars are each local day's usage (left scale); the dot is the period's usage to date and the dashed line its projection (right scale). Shaded bands are the feature's quota windows in the organization's local time; the current one is amber.</small>
          </p>
        </>
      )}
      {data && data.usage.features.length === 0 && <p>No usage and no quotas in this period yet.</p>}
      {data && (
        <>
          <FreshnessNote freshness={data.usage.freshness} loadedAt={period.loadedAt} timeZone={zone} />
          <PeriodTable data={data} timeZone={zone} />
          {feature && <DayTable data={data} feature={feature} timeZone={zone} />}
        </>
      )}
    </>
  );
}
