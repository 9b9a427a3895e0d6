// Creating an organization (admin): its id and name, the currency of its
// quotas, and the calendar its billing periods follow. Unset settings take the
// API's defaults; the API's messages appear next to the fields they name.
import { useState } from 'preact/hooks';
import { useLocation } from 'wouter-preact';
import { ApiProblem } from '../api/api-problem';
import type { CreateOrganizationRequest } from '../api/tally-api';
import { answerOf } from '../api/tally-client';
import { FieldError, invalidWhen } from '../components/field-error';
import { ProblemAlert } from '../components/problem-alert';
import { organizationPath } from '../console-routes';
import { useConsole } from '../session/console-context';

const FIELDS = ['organizationId', 'name', 'currency', 'timeZone', 'billingAnchorDay', 'gracePeriodMinutes'] as const;
type Field = (typeof FIELDS)[number];

const TIME_ZONES: readonly string[] = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];

function requestFrom(values: Record<Field, string>): CreateOrganizationRequest {
  const text = (field: Field) => (values[field].trim() === '' ? undefined : values[field].trim());
  const whole = (field: Field) => (values[field].trim() === '' ? undefined : Number(values[field]));
  return {
    organizationId: values.organizationId.trim(),
    name: text('name'),
    // Whatever was typed goes to the API, whose refusal is shown next to the field.
    currency: text('currency')?.toUpperCase() as CreateOrganizationRequest['currency'],
    timeZone: text('timeZone'),
    billingAnchorDay: whole('billingAnchorDay'),
    gracePeriodMinutes: whole('gracePeriodMinutes'),
  };
}

export function CreateOrganizationForm() {
  const { client } = useConsole();
  const [, navigate] = useLocation();
  const [values, setValues] = useState<Record<Field, string>>({ organizationId: '', name: '', currency: 'EUR', timeZone: 'UTC', billingAnchorDay: '1', gracePeriodMinutes: '60' });
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [busy, setBusy] = useState(false);
  const message = (field: Field) => problem?.fieldMessage(field);

  async function create(event: Event) {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    const request = requestFrom(values);
    try {
      const created = await answerOf(client.POST('/api/organizations', { body: request }));
      // The organization's page reads the read models; let them include the new organization first.
      if (created.position !== null) {
        await answerOf(client.GET('/api/organizations/{orgId}', { params: { path: { orgId: request.organizationId }, query: { waitForPosition: created.position } } }));
      }
      navigate(organizationPath(request.organizationId));
    } catch (error) {
      setProblem(error instanceof ApiProblem ? error : new ApiProblem(0, null));
    } finally {
      setBusy(false);
    }
  }

  const input = (field: Field, label: string, props: Record<string, unknown> = {}) => (
    <>
      <label>
        {label}
        <input name={field} value={values[field]} onInput={(event) => setValues({ ...values, [field]: event.currentTarget.value })} {...props} {...invalidWhen(field, message(field))} />
      </label>
      <FieldError field={field} message={message(field)} />
    </>
  );

  return (
    <section aria-labelledby="create-heading">
      <h2 id="create-heading">Create an organization</h2>
      <form onSubmit={create} noValidate>
        {input('organizationId', 'Id', { placeholder: 'org_123', autoComplete: 'off', required: true })}
        {input('name', 'Name', { placeholder: 'Acme GmbH' })}
        <div class="grid">
          {input('currency', 'Currency', { maxLength: 3 })}
          {input('timeZone', 'Time zone', { list: 'time-zones' })}
        </div>
        <datalist id="time-zones">
          {TIME_ZONES.map((zone) => (
            <option key={zone} value={zone} />
          ))}
        </datalist>
        <div class="grid">
          {input('billingAnchorDay', 'Billing anchor day', { type: 'number', min: 1, max: 31 })}
          {input('gracePeriodMinutes', 'Grace period (minutes)', { type: 'number', min: 0 })}
        </div>
        {problem?.needsAlertBeyond(FIELDS) && <ProblemAlert problem={problem} />}
        <button type="submit" aria-busy={busy} disabled={busy}>
          Create organization
        </button>
      </form>
    </section>
  );
}
