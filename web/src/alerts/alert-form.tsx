// Adding an alert rule: an optional id (the same id replaces a rule), what it
// watches and its threshold. The threshold field carries the API's name for
// the kind chosen, so a refusal lands next to it.
import { useState } from 'preact/hooks';
import { ApiProblem } from '../api/api-problem';
import type { Organization } from '../api/tally-api';
import { answerOf } from '../api/tally-client';
import { ChoiceField, TextField } from '../components/form-fields';
import { ProblemAlert } from '../components/problem-alert';
import { useConsole } from '../session/console-context';
import { ALERT_KIND_LABELS, alertRequestOf, emptyAlertDraft, THRESHOLD_LABELS, type AlertDraft, type AlertKind } from './alert-draft';

interface AlertFormProps {
  readonly organization: Organization;
  readonly knownFeatures: readonly string[];
  readonly onSaved: (ruleId: string, firedOnCreation: boolean) => Promise<void>;
}

export function AlertForm({ organization, knownFeatures, onSaved }: AlertFormProps) {
  const { client } = useConsole();
  const [draft, setDraft] = useState<AlertDraft>(() => emptyAlertDraft(organization.currency));
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [busy, setBusy] = useState(false);
  const change = (next: Partial<AlertDraft>) => setDraft({ ...draft, ...next });
  const messageOf = (path: string) => problem?.fieldMessage(path);
  const watchesFeature = draft.kind !== 'overageAmount';

  async function save(event: Event) {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      const orgId = organization.organizationId;
      const set = await answerOf(client.POST('/api/organizations/{orgId}/alerts', { params: { path: { orgId } }, body: alertRequestOf(draft) }));
      setDraft(emptyAlertDraft(organization.currency));
      await onSaved(set.ruleId, set.firedOnCreation);
    } catch (error) {
      setProblem(error instanceof ApiProblem ? error : new ApiProblem(0, null));
    } finally {
      setBusy(false);
    }
  }

  const shownPaths = ['ruleId', watchesFeature ? 'feature' : 'currency', draft.kind];
  return (
    <section aria-labelledby="alert-form-heading">
      <h2 id="alert-form-heading">Add a rule</h2>
      <form onSubmit={save} noValidate>
        <div class="grid">
          <TextField name="ruleId" label="Rule id (optional; an existing id is replaced)" placeholder="scans-80" value={draft.ruleId} onInput={(ruleId) => change({ ruleId })} message={messageOf('ruleId')} />
          <ChoiceField name="kind" label="Watch" value={draft.kind} choices={ALERT_KIND_LABELS} onChange={(kind: AlertKind) => change({ kind })} />
        </div>
        <div class="grid">
          {watchesFeature ? (
            <TextField name="feature" label="Feature" placeholder="OCR_SCAN" list="alert-features" value={draft.feature} onInput={(feature) => change({ feature })} message={messageOf('feature')} />
          ) : (
            <TextField name="currency" label="Currency" value={draft.currency} onInput={(currency) => change({ currency })} message={messageOf('currency')} />
          )}
          <TextField name={draft.kind} label={THRESHOLD_LABELS[draft.kind]} inputMode="decimal" value={draft.threshold} onInput={(threshold) => change({ threshold })} message={messageOf(draft.kind)} />
        </div>
        <datalist id="alert-features">
          {knownFeatures.map((feature) => (
            <option key={feature} value={feature} />
          ))}
        </datalist>
        {problem?.needsAlertBeyond(shownPaths) && <ProblemAlert problem={problem} context="Not added" />}
        <button type="submit" aria-busy={busy} disabled={busy}>
          Add rule
        </button>
      </form>
    </section>
  );
}
