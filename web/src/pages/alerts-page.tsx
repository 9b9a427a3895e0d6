// Alerts: the organization's alert rules in words, add or remove one, and the
// webhook endpoints their crossings are delivered to. Rules are read from the
// write side, so a rule just added or removed shows on the next read.
import { useMemo, useState } from 'preact/hooks';
import { ApiProblem } from '../api/api-problem';
import type { AlertRule } from '../api/tally-api';
import { answerOf } from '../api/tally-client';
import { useApiData } from '../api/use-api-data';
import { AlertForm } from '../alerts/alert-form';
import { describeRule } from '../alerts/alert-draft';
import { WebhookEndpoints } from '../alerts/webhook-endpoints';
import { PageHeading } from '../components/page-heading';
import { ProblemAlert } from '../components/problem-alert';
import { TableRegion } from '../components/table-region';
import { formatDateTime } from '../format/dates';
import { useConsole } from '../session/console-context';
import type { OrganizationPageProps } from './organization-pages';

function RuleRow({ rule, timeZone, onRemove }: { rule: AlertRule; timeZone: string; onRemove: () => void }) {
  return (
    <tr data-rule-id={rule.ruleId}>
      <th scope="row">
        <code>{rule.ruleId}</code>
      </th>
      <td data-column="watch">{describeRule(rule)}</td>
      <td>{formatDateTime(rule.setAt, timeZone)}</td>
      <td>
        <button type="button" class="secondary outline" onClick={onRemove} aria-label={`Remove rule ${rule.ruleId}`}>
          Remove
        </button>
      </td>
    </tr>
  );
}

export function AlertsPage({ organization }: OrganizationPageProps) {
  const { client } = useConsole();
  const orgId = organization.organizationId;
  const rules = useApiData(() => answerOf(client.GET('/api/organizations/{orgId}/alerts', { params: { path: { orgId } } })), [client, orgId]);
  const [status, setStatus] = useState('');
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const knownFeatures = useMemo(() => [...new Set([...organization.quotas.map((quota) => quota.feature), ...organization.customFeatures.map((feature) => feature.key)])].sort(), [organization]);

  async function remove(ruleId: string) {
    if (!window.confirm(`Remove the alert rule ${ruleId}?`)) return;
    setProblem(null);
    setStatus('');
    try {
      await answerOf(client.DELETE('/api/organizations/{orgId}/alerts/{ruleId}', { params: { path: { orgId, ruleId } } }));
      await rules.reload();
      setStatus(`Removed the rule ${ruleId}.`);
    } catch (error) {
      setProblem(error instanceof ApiProblem ? error : new ApiProblem(0, null));
    }
  }

  const zone = organization.timeZone;
  let list;
  if (rules.problem) list = <ProblemAlert problem={rules.problem} context="Reading the alert rules" />;
  else if (rules.data === undefined) list = <p aria-busy="true">Loading the alert rules…</p>;
  else if (rules.data.rules.length === 0) list = <p>No alert rules yet.</p>;
  else
    list = (
      <TableRegion label="Alert rules">
        <table>
          <thead>
            <tr>
              <th scope="col">Rule</th>
              <th scope="col">Fires when</th>
              <th scope="col">Set</th>
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rules.data.rules.map((rule) => (
              <RuleRow key={rule.ruleId} rule={rule} timeZone={zone} onRemove={() => void remove(rule.ruleId)} />
            ))}
          </tbody>
        </table>
      </TableRegion>
    );

  return (
    <>
      <PageHeading title={`Alerts of ${organization.name}`}>A rule fires once per window when usage or overage reaches its threshold; the webhooks below deliver it.</PageHeading>
      <p role="status" class="status">
        {status}
      </p>
      {problem && <ProblemAlert problem={problem} />}
      <section aria-labelledby="rules-heading">
        <h2 id="rules-heading">Alert rules</h2>
        {list}
      </section>
      <AlertForm
        organization={organization}
        knownFeatures={knownFeatures}
        onSaved={async (ruleId, firedOnCreation) => {
          setStatus('');
          await rules.reload();
          setStatus(firedOnCreation ? `Added the rule ${ruleId}; its threshold is already reached, so it fired once now.` : `Added the rule ${ruleId}.`);
        }}
      />
      <WebhookEndpoints organizationId={orgId} timeZone={zone} />
    </>
  );
}
