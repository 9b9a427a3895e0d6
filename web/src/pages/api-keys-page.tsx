// API keys, for the admin: issue a key (shown once, here, and nowhere else)
// and revoke keys, from the list of keys issued in this tab or by key id.
import { useState } from 'preact/hooks';
import { ApiProblem } from '../api/api-problem';
import type { IssuedApiKey } from '../api/tally-api';
import { answerOf } from '../api/tally-client';
import { FieldError, invalidWhen } from '../components/field-error';
import { PageHeading } from '../components/page-heading';
import { ProblemAlert } from '../components/problem-alert';
import { formatDateTime } from '../format/dates';
import { useConsole } from '../session/console-context';
import { issuedKeys, recordKey, type IssuedKeyRecord } from '../session/issued-keys';
import type { OrganizationPageProps } from './organization-pages';
import { TableRegion } from '../components/table-region';

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

export function ApiKeysPage({ organization }: OrganizationPageProps) {
  const { client, session } = useConsole();
  const orgId = organization.organizationId;
  const [records, setRecords] = useState<IssuedKeyRecord[]>(() => issuedKeys(orgId));
  const [label, setLabel] = useState('');
  const [issued, setIssued] = useState<IssuedApiKey | null>(null);
  const [keyId, setKeyId] = useState('');
  const [status, setStatus] = useState('');
  const [problem, setProblem] = useState<ApiProblem | null>(null);

  if (session.role !== 'admin') {
    return (
      <>
        <PageHeading title="API keys" />
        <p>Only the admin key issues and revokes API keys.</p>
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
      setRecords(recordKey(orgId, { keyId: key.keyId, label: key.label, issuedAt: key.issuedAt, revokedAt: null }));
    } catch (error) {
      setProblem(error instanceof ApiProblem ? error : new ApiProblem(0, null));
    }
  }

  async function revoke(id: string) {
    setProblem(null);
    setStatus('');
    try {
      const revoked = await answerOf(client.DELETE('/api/organizations/{orgId}/api-keys/{keyId}', { params: { path: { orgId, keyId: id } } }));
      const known = records.find((record) => record.keyId === id);
      setRecords(recordKey(orgId, { keyId: id, label: known?.label ?? null, issuedAt: known?.issuedAt ?? '', revokedAt: revoked.revokedAt }));
      setStatus(revoked.changed ? `Revoked key ${id}.` : `Key ${id} was already revoked.`);
      if (issued?.keyId === id) setIssued(null);
    } catch (error) {
      setProblem(error instanceof ApiProblem ? error : new ApiProblem(0, null));
    }
  }

  const keyIdMessage = problem?.fieldMessage('keyId');
  const labelMessage = problem?.fieldMessage('label');
  const zone = organization.timeZone;
  return (
    <>
      <PageHeading title={`API keys of ${organization.name}`}>A key acts on this organization only. Revoked keys stop working within a second.</PageHeading>
      <p role="status" class="status">
        {status}
      </p>
      {problem?.needsAlertBeyond(['keyId', 'label']) && <ProblemAlert problem={problem} />}
      {issued && <NewKey issued={issued} onDone={() => setIssued(null)} />}
      <div class="grid">
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
        <section aria-labelledby="revoke-heading">
          <h2 id="revoke-heading">Revoke a key by id</h2>
          <form
            onSubmit={(event) => {
              event.preventDefault();
              void revoke(keyId.trim());
            }}
            noValidate
          >
            <label>
              Key id (the 16 hex digits after <code>tally_</code>)
              <input name="keyId" autoComplete="off" value={keyId} onInput={(event) => setKeyId(event.currentTarget.value)} {...invalidWhen('keyId', keyIdMessage)} />
            </label>
            <FieldError field="keyId" message={keyIdMessage} />
            <button type="submit" class="secondary" disabled={keyId.trim() === ''}>
              Revoke
            </button>
          </form>
        </section>
      </div>
      <section aria-labelledby="issued-heading">
        <h2 id="issued-heading">Keys issued in this tab</h2>
        {records.length === 0 ? (
          <p>None yet. Tally does not list keys; revoke older ones by their id.</p>
        ) : (
          <TableRegion label="Keys issued in this tab">
            <table>
              <thead>
                <tr>
                  <th scope="col">Key id</th>
                  <th scope="col">Label</th>
                  <th scope="col">Issued</th>
                  <th scope="col">State</th>
                </tr>
              </thead>
              <tbody>
                {records.map((record) => (
                  <tr key={record.keyId} data-key-id={record.keyId}>
                    <th scope="row">
                      <code>{record.keyId}</code>
                    </th>
                    <td>{record.label ?? '—'}</td>
                    <td>{record.issuedAt ? formatDateTime(record.issuedAt, zone) : '—'}</td>
                    <td>
                      {record.revokedAt ? (
                        `Revoked ${formatDateTime(record.revokedAt, zone)}`
                      ) : (
                        <button type="button" class="secondary outline" onClick={() => void revoke(record.keyId)} aria-label={`Revoke key ${record.keyId}`}>
                          Revoke
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableRegion>
        )}
      </section>
    </>
  );
}
