// Setting a feature's quota: included quantity per reset window, enforcement,
// currency and a pricing model. Saving waits until the read models include the
// change, so the table above shows it as soon as the form says it was saved.
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { ApiProblem } from '../api/api-problem';
import type { Enforcement, Organization, PricingModelName, ResetPeriod } from '../api/tally-api';
import { answerOf } from '../api/tally-client';
import { FieldError, invalidWhen } from '../components/field-error';
import { ChoiceField } from '../components/form-fields';
import { ProblemAlert } from '../components/problem-alert';
import { useConsole } from '../session/console-context';
import { PricingFields } from './pricing-fields';
import { ENFORCEMENT_LABELS, PRICING_MODEL_LABELS, RESET_PERIOD_LABELS, requestOf, type QuotaDraft } from './quota-draft';

const TOP_FIELDS = ['feature', 'includedQuantity', 'currency', 'resetPeriod', 'enforcement', 'pricing.model'];

interface QuotaFormProps {
  readonly organization: Organization;
  readonly draft: QuotaDraft;
  readonly onDraft: (draft: QuotaDraft) => void;
  readonly knownFeatures: readonly string[];
  readonly onSaved: (feature: string) => Promise<void>;
  /** Changes each time a quota of the table is opened for editing. */
  readonly editCount: number;
}

export function QuotaForm({ organization, draft, onDraft, knownFeatures, onSaved, editCount }: QuotaFormProps) {
  const { client } = useConsole();
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [busy, setBusy] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  const change = (next: Partial<QuotaDraft>) => onDraft({ ...draft, ...next });
  const messageOf = (path: string) => problem?.fieldMessage(path);

  // A quota opened from the table (Edit) brings the keyboard focus to the form, without old messages,
  // before the frame is painted.
  useLayoutEffect(() => {
    if (editCount === 0) return;
    setProblem(null);
    heading.current?.focus();
  }, [editCount]);

  async function save(event: Event) {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    const orgId = organization.organizationId;
    try {
      const written = await answerOf(client.POST('/api/usage/{orgId}/quota', { params: { path: { orgId } }, body: requestOf(draft) }));
      if (written.position !== null) {
        await answerOf(client.GET('/api/organizations/{orgId}', { params: { path: { orgId }, query: { waitForPosition: written.position } } }));
      }
      await onSaved(draft.feature.trim());
    } catch (error) {
      setProblem(error instanceof ApiProblem ? error : new ApiProblem(0, null));
    } finally {
      setBusy(false);
    }
  }

  const shownPaths = [...TOP_FIELDS, 'pricing.pricePerUnit', 'pricing.packageSize', 'pricing.packagePrice', 'pricing.tiers', ...draft.tiers.flatMap((_, index) => ['upTo', 'unitPrice', 'flatPrice'].map((field) => `pricing.tiers[${index}].${field}`))];
  return (
    <section aria-labelledby="quota-form-heading">
      <h2 id="quota-form-heading" ref={heading} tabIndex={-1}>
        Set a quota
      </h2>
      <form onSubmit={save} noValidate>
        <div class="grid">
          <div class="field">
            <label>
              Feature
              <input name="feature" list="known-features" autoComplete="off" placeholder="OCR_SCAN" value={draft.feature} onInput={(event) => change({ feature: event.currentTarget.value })} {...invalidWhen('feature', messageOf('feature'))} />
            </label>
            <FieldError field="feature" message={messageOf('feature')} />
            <datalist id="known-features">
              {knownFeatures.map((feature) => (
                <option key={feature} value={feature} />
              ))}
            </datalist>
          </div>
          <div class="field">
            <label>
              Included per window
              <input name="includedQuantity" inputMode="numeric" autoComplete="off" value={draft.includedQuantity} onInput={(event) => change({ includedQuantity: event.currentTarget.value })} {...invalidWhen('includedQuantity', messageOf('includedQuantity'))} />
            </label>
            <FieldError field="includedQuantity" message={messageOf('includedQuantity')} />
          </div>
          <div class="field">
            <label>
              Currency
              <input name="currency" maxLength={3} autoComplete="off" value={draft.currency} onInput={(event) => change({ currency: event.currentTarget.value })} {...invalidWhen('currency', messageOf('currency'))} />
            </label>
            <FieldError field="currency" message={messageOf('currency')} />
          </div>
        </div>
        <div class="grid">
          <ChoiceField name="resetPeriod" label="Reset window" value={draft.resetPeriod} choices={RESET_PERIOD_LABELS} onChange={(resetPeriod: ResetPeriod) => change({ resetPeriod })} />
          <ChoiceField name="enforcement" label="Enforcement" value={draft.enforcement} choices={ENFORCEMENT_LABELS} onChange={(enforcement: Enforcement) => change({ enforcement })} />
          <ChoiceField name="pricing.model" label="Pricing model" value={draft.model} choices={PRICING_MODEL_LABELS} onChange={(model: PricingModelName) => change({ model })} />
        </div>
        <PricingFields draft={draft} change={change} messageOf={messageOf} />
        {problem?.needsAlertBeyond(shownPaths) && <ProblemAlert problem={problem} context="Not saved" />}
        <button type="submit" aria-busy={busy} disabled={busy}>
          Save quota
        </button>
      </form>
    </section>
  );
}
