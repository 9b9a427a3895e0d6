// API keys, for the admin: the organization's keys as the API lists them (id,
// label, when issued and revoked; never a key itself), a new key issued and
// shown once, here and nowhere else, and Revoke on each key still accepted.
import { useState } from 'preact/hooks';
import { ApiProblem } from '../api/api-problem';
import type { IssuedApiKey, ListedApiKey } from '../api/tally-api';
import { answerOf } from '../api/tally-client';
import { useApiData } from '../api/use-api-data';
import { FieldError, invalidWhen } from '../components/field-error';
import { PageHeading } from '../components/page-heading';
import { ProblemAlert } from '../components/problem-alert';
import { TableRegion } from '../components/table-region';
import { formatDateTime } from '../format/dates';
import { useConsole } from '../session/console-context';
import type { OrganizationPageProps } from './organization-pages';

function NewKey({ issued, onDone }: { issued: IssuedApiKey; onDone: () => void }) {
  const [copied, setCopied] = useState(false);
  return (
    <article class="new-key" aria-labelledby="new-key-heading">
      <h2 id="new-key-heading">New key {issued.keyId}</h2>
      <label>
        API key (shown once)
        <input type="text" readOnly value={issued.apiKey} name="issuedApiKey" onFocus={(event) => event.currentTarget.select()} />
      </label>
      <p>Store it now, e.g. in your secret manager: Tally keeps only its hash and cannot show it again.</p>
      <div class="actions">
        <button
          type="button"
          onClick={() => {
            void navigator.clipboard.writeText(issued.apiKey).then(() => setCopied(true));
          }}
        >
          Copy key
        </button>
        <button type="button" class="secondary" onClick={onDone}>
          I stored it; hide the key
        </button>
      </div>
      <p role="status">{copied ? 'Copied to the clipboard.' : ''}</p>
    </article>
  );
}

function KeyTable({ keys, timeZone, onRevoke }: { keys: readonly ListedApiKey[]; timeZone: string; onRevoke: (keyId: string) => void }) {
  return (
    <TableRegion label="Keys of this organization">
      <table>
        <caption class="visually-hidden">Keys of this organization, oldest first</caption>
        <thead>
          <tr>
            <th scope="col">Key id</th>
            <th scope="col">Label</th>
            <th scope="col">Issued</th>
            <th scope="col">State</th>
          </tr>
        </thead>
        <tbody>
          {keys.map((key) => (
            <tr key={key.keyId} data-key-id={key.keyId}>
              <th scope="row">
                <code>{key.keyId}</code>
              </th>
              <td data-column="label">{key.label ?? '—'}</td>
              <td data-column="issuedAt">{formatDateTime(key.issuedAt, timeZone)}</td>
              <td data-column="state">
                {key.revokedAt ? (
                  `Revoked ${formatDateTime(key.revokedAt, timeZone)}`
                ) : (
                  <button type="button" class="secondary outline" onClick={() => onRevoke(key.keyId)} aria-label={`Revoke key ${key.keyId}`}>
                    Revoke
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableRegion>
  );
}

export function ApiKeysPage({ organization }: OrganizationPageProps) {
  const { client, session } = useConsole();
  const orgId = organization.organizationId;
  const admin = session.role === 'admin';
  // Only the admin may list keys; an organization's key is not even asked for them.
  const listed = useApiData(async () => (admin ? (await answerOf(client.GET('/api/organizations/{orgId}/api-keys', { params: { path: { orgId } } }))).keys : []), [client, orgId, admin]);
  const [label, setLabel] = useState('');
  const [issued, setIssued] = useState<IssuedApiKey | null>(null);
  const [status, setStatus] = useState('');
  const [problem, setProblem] = useState<ApiProblem | null>(null);

  if (!admin) {
    return (
      <>
        <PageHeading title="API keys" />
        <p>Only the admin key lists, issues and revokes API keys.</p>
      </>
    );
  }

  async function issue(event: Event) {
    event.preventDefault();
    setProblem(null);
    setStatus('');
    try {
      const key = await answerOf(client.POST('/api/organizations/{orgId}/api-keys', { params: { path: { orgId } }, body: label.trim() === '' ? {} : { label: label.trim() } }));
      setIssued(key);
      setLabel('');
      await listed.reload();
    } catch (error) {
      setProblem(error instanceof ApiProblem ? error : new ApiProblem(0, null));
    }
  }

  async function revoke(keyId: string) {
    setProblem(null);
    setStatus('');
    try {
      const revoked = await answerOf(client.DELETE('/api/organizations/{orgId}/api-keys/{keyId}', { params: { path: { orgId, keyId } } }));
      if (issued?.keyId === keyId) setIssued(null);
      // The status is said once the list shows the revocation.
      await listed.reload();
      setStatus(revoked.changed ? `Revoked key ${keyId}.` : `Key ${keyId} was already revoked.`);
    } catch (error) {
      setProblem(error instanceof ApiProblem ? error : new ApiProblem(0, null));
    }
  }

  const labelMessage = problem?.fieldMessage('label');
  const keys = listed.data;
  return (
    <>
      <PageHeading title={`API keys of ${organization.name}`}>A key acts on this organization only. Revoked keys stop working within a second.</PageHeading>
      <p role="status" class="status">
        {status}
      </p>
      {problem?.needsAlertBeyond(['label']) && <ProblemAlert problem={problem} />}
      {issued && <NewKey issued={issued} onDone={() => setIssued(null)} />}
      <section aria-labelledby="issue-heading">
        <h2 id="issue-heading">Issue a key</h2>
        <form onSubmit={issue} noValidate>
          <label>
            Label (optional)
            <input name="label" autoComplete="off" placeholder="production backend" value={label} onInput={(event) => setLabel(event.currentTarget.value)} {...invalidWhen('label', labelMessage)} />
          </label>
          <FieldError field="label" message={labelMessage} />
          <button type="submit">Issue key</button>
        </form>
      </section>
      <section aria-labelledby="keys-heading">
        <h2 id="keys-heading">Keys</h2>
        {listed.problem && <ProblemAlert problem={listed.problem} context={keys ? 'Refreshing failed; showing the last answer' : 'Listing keys'} />}
        {keys === undefined && !listed.problem && <p aria-busy="true">Listing keys…</p>}
        {keys && keys.length === 0 && <p>This organization has no keys yet.</p>}
        {keys && keys.length > 0 && <KeyTable keys={keys} timeZone={organization.timeZone} onRevoke={(keyId) => void revoke(keyId)} />}
      </section>
    </>
  );
}
