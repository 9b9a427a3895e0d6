// Quotas: every configured quota with its pricing in words, edit or remove
// one, or set a new one. Features without a quota use the catalogue's default.
import { useMemo, useState } from 'preact/hooks';
import { ApiProblem } from '../api/api-problem';
import type { ConfiguredQuota } from '../api/tally-api';
import { answerOf } from '../api/tally-client';
import { useApiData } from '../api/use-api-data';
import { PageHeading } from '../components/page-heading';
import { ProblemAlert } from '../components/problem-alert';
import { formatQuantity } from '../format/quantities';
import { draftOf, describePricing, emptyDraft, ENFORCEMENT_LABELS, type QuotaDraft } from '../quotas/quota-draft';
import { QuotaForm } from '../quotas/quota-form';
import { useConsole } from '../session/console-context';
import type { OrganizationPageProps } from './organization-pages';
import { TableRegion } from '../components/table-region';

function QuotaRow({ quota, onEdit, onRemove }: { quota: ConfiguredQuota; onEdit: () => void; onRemove: () => void }) {
  return (
    <tr data-feature={quota.feature}>
      <th scope="row">{quota.feature}</th>
      <td data-figure="includedQuantity">{formatQuantity(quota.includedQuantity)}</td>
      <td>{quota.resetPeriod.toLowerCase()}</td>
      <td>{ENFORCEMENT_LABELS[quota.enforcement]}</td>
      <td>{describePricing(quota.pricing, quota.currency)}</td>
      <td>
        <div class="actions">
          <button type="button" class="secondary" onClick={onEdit} aria-label={`Edit the ${quota.feature} quota`}>
            Edit
          </button>
          <button type="button" class="secondary outline" onClick={onRemove} aria-label={`Remove the ${quota.feature} quota`}>
            Remove
          </button>
        </div>
      </td>
    </tr>
  );
}

export function QuotasPage({ organization, reloadOrganization }: OrganizationPageProps) {
  const { client } = useConsole();
  const [draft, setDraft] = useState<QuotaDraft>(() => emptyDraft(organization.currency));
  const [editCount, setEditCount] = useState(0);
  const [status, setStatus] = useState('');
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const orgId = organization.organizationId;
  // Suggestions for the feature field: configured, defined and in use this period; the API decides which keys exist.
  const usage = useApiData(() => answerOf(client.GET('/api/usage/{orgId}', { params: { path: { orgId } } })), [client, orgId]);
  const knownFeatures = useMemo(
    () => [...new Set([...organization.quotas.map((quota) => quota.feature), ...organization.customFeatures.map((feature) => feature.key), ...(usage.data?.features.map((feature) => feature.feature) ?? [])])].sort(),
    [organization, usage.data],
  );

  async function remove(feature: string) {
    if (!window.confirm(`Remove the ${feature} quota? The catalogue default applies again.`)) return;
    setProblem(null);
    try {
      const written = await answerOf(client.DELETE('/api/usage/{orgId}/quota/{feature}', { params: { path: { orgId, feature } } }));
      if (written.position !== null) await answerOf(client.GET('/api/organizations/{orgId}', { params: { path: { orgId }, query: { waitForPosition: written.position } } }));
      await reloadOrganization();
      setStatus(`Removed the ${feature} quota.`);
    } catch (error) {
      setProblem(error instanceof ApiProblem ? error : new ApiProblem(0, null));
    }
  }

  return (
    <>
      <PageHeading title={`Quotas of ${organization.name}`}>Included quantities and prices per feature. Prices are in minor units of the currency: 5 is 0.05.</PageHeading>
      <p role="status" class="status">
        {status}
      </p>
      {problem && <ProblemAlert problem={problem} />}
      <section aria-labelledby="quotas-heading">
        <h2 id="quotas-heading">Configured quotas</h2>
        {organization.quotas.length === 0 ? (
          <p>No quotas configured: every feature uses the catalogue's default.</p>
        ) : (
          <TableRegion label="Configured quotas">
            <table>
              <thead>
                <tr>
                  <th scope="col">Feature</th>
                  <th scope="col">Included</th>
                  <th scope="col">Window</th>
                  <th scope="col">Enforcement</th>
                  <th scope="col">Pricing</th>
                  <th scope="col">
                    <span class="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {organization.quotas.map((quota) => (
                  <QuotaRow
                    key={quota.feature}
                    quota={quota}
                    onEdit={() => {
                      setDraft(draftOf(quota));
                      setEditCount((count) => count + 1);
                    }}
                    onRemove={() => void remove(quota.feature)}
                  />
                ))}
              </tbody>
            </table>
          </TableRegion>
        )}
      </section>
      <QuotaForm
        organization={organization}
        draft={draft}
        onDraft={setDraft}
        knownFeatures={knownFeatures}
        editCount={editCount}
        onSaved={async (feature) => {
          setStatus('');
          await reloadOrganization();
          setStatus(`Saved the ${feature} quota.`);
        }}
      />
    </>
  );
}
