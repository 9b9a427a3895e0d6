// An organization at a glance, refreshed live: per feature, the current quota
// window against its included quantity, the period's usage, overage and
// amount and where it is heading; the period's total and its projection; and
// how fresh all of it is.
import type { CostEstimate, CurrentUsage, FeatureUsage, QuotaCheck } from '../api/tally-api';
import { answerOf } from '../api/tally-client';
import { useApiData } from '../api/use-api-data';
import { FreshnessNote } from '../components/freshness-note';
import { PageHeading } from '../components/page-heading';
import { ProblemAlert } from '../components/problem-alert';
import { UsageBar } from '../components/usage-bar';
import { formatPeriod } from '../format/dates';
import { formatAmount, formatQuantity, formatTotals } from '../format/quantities';
import { useConsole } from '../session/console-context';
import type { OrganizationPageProps } from './organization-pages';

export const LIVE_REFRESH_MS = 5_000;

interface Overview {
  readonly usage: CurrentUsage;
  readonly estimate: CostEstimate;
  readonly checks: readonly QuotaCheck[];
}

function FeatureCard({ feature, check, estimate }: { feature: FeatureUsage; check: QuotaCheck | undefined; estimate: CostEstimate['features'][number] | undefined }) {
  const headingId = `feature-${feature.feature}`;
  return (
    <article class="feature" aria-labelledby={headingId} data-feature={feature.feature}>
      <header>
        <h3 id={headingId}>{feature.displayName}</h3>
        <small>
          {feature.feature} · unit: {feature.unit} · {feature.resetPeriod.toLowerCase()} quota{check ? `, ${check.enforcement} limit` : ''}
        </small>
      </header>
      {check && <UsageBar check={check} unit={feature.unit} featureName={feature.displayName} />}
      <dl class="figures">
        <div>
          <dt>Used this period</dt>
          <dd data-figure="totalQuantity">{formatQuantity(feature.totalQuantity)}</dd>
        </div>
        <div>
          <dt>Included per {feature.resetPeriod === 'MONTHLY' ? 'period' : 'window'}</dt>
          <dd data-figure="includedQuantity">{formatQuantity(feature.includedQuantity)}</dd>
        </div>
        <div>
          <dt>Overage</dt>
          <dd data-figure="overageQuantity">{formatQuantity(feature.overageQuantity)}</dd>
        </div>
        <div>
          <dt>Amount</dt>
          <dd data-figure="overageAmount">{formatAmount(feature.overageAmountDecimal, feature.currency)}</dd>
        </div>
        {estimate && (
          <div>
            <dt>Projected by period end</dt>
            <dd data-figure="projected">
              {formatQuantity(estimate.projectedQuantity)} → {formatAmount(estimate.estimatedAmountDecimal, estimate.currency)}
            </dd>
          </div>
        )}
      </dl>
    </article>
  );
}

export function OverviewPage({ organization }: OrganizationPageProps) {
  const { client } = useConsole();
  const orgId = organization.organizationId;
  const overview = useApiData<Overview>(
    async () => {
      const path = { orgId };
      const [usage, estimate] = await Promise.all([
        answerOf(client.GET('/api/usage/{orgId}', { params: { path } })),
        answerOf(client.GET('/api/usage/{orgId}/estimate', { params: { path } })),
      ]);
      const checks = await Promise.all(
        usage.features.map((feature) => answerOf(client.GET('/api/usage/{orgId}/quota/{feature}', { params: { path: { orgId, feature: feature.feature } } }))),
      );
      return { usage, estimate, checks };
    },
    [client, orgId],
    { refreshMs: LIVE_REFRESH_MS },
  );
  const zone = organization.timeZone;
  const data = overview.data;
  return (
    <>
      <PageHeading title={organization.name}>
        {orgId} · {zone}
        {data && ` · billing period ${formatPeriod(data.usage.periodStart, data.usage.periodEnd, zone)}`}
      </PageHeading>
      {overview.problem && <ProblemAlert problem={overview.problem} context={data ? 'Refreshing failed; showing the last answer' : 'Reading usage'} />}
      {data === undefined ? (
        !overview.problem && <p aria-busy="true">Reading usage…</p>
      ) : (
        <>
          <section class="grid totals" aria-label="Period totals">
            <article>
              <h2>Overage so far</h2>
              <p class="total" data-figure="periodTotal">
                {formatTotals(data.usage.totals, organization.currency)}
              </p>
            </article>
            <article>
              <h2>Projected by period end</h2>
              <p class="total" data-figure="projectedTotal">
                {formatTotals(data.estimate.totals, organization.currency)}
              </p>
              <small>{data.estimate.method}</small>
            </article>
          </section>
          <FreshnessNote freshness={data.usage.freshness} loadedAt={overview.loadedAt} timeZone={zone} />
          <section aria-labelledby="features-heading">
            <h2 id="features-heading">Features</h2>
            {data.usage.features.length === 0 ? (
              <p>No usage and no quotas in this period yet.</p>
            ) : (
              <div class="features">
                {data.usage.features.map((feature) => (
                  <FeatureCard
                    key={feature.feature}
                    feature={feature}
                    check={data.checks.find((check) => check.feature === feature.feature)}
                    estimate={data.estimate.features.find((estimate) => estimate.feature === feature.feature)}
                  />
                ))}
              </div>
            )}
          </section>
        </>
      )}
    </>
  );
}
