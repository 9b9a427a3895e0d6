// The organization's webhook endpoints, read-only: where alerts and other
// events go, and how their latest deliveries went. A server without webhooks
// answers with a problem that says so; that sentence is what the page shows.
import { useState } from 'preact/hooks';
import { answerOf } from '../api/tally-client';
import type { WebhookDelivery, WebhookEndpoint } from '../api/tally-api';
import { useApiData } from '../api/use-api-data';
import { ProblemAlert } from '../components/problem-alert';
import { TableRegion } from '../components/table-region';
import { formatDateTime } from '../format/dates';
import { useConsole } from '../session/console-context';

const DELIVERIES_SHOWN = 10;

function lastStatusCode(delivery: WebhookDelivery): string {
  const last = delivery.attempts[delivery.attempts.length - 1];
  if (last === undefined) return '—';
  return last.statusCode === null ? 'no answer' : String(last.statusCode);
}

function Deliveries({ endpoint, timeZone }: { endpoint: WebhookEndpoint; timeZone: string }) {
  const { client } = useConsole();
  const orgId = endpoint.organizationId ?? '';
  const deliveries = useApiData(
    () => answerOf(client.GET('/api/organizations/{orgId}/webhooks/{endpointId}/deliveries', { params: { path: { orgId, endpointId: endpoint.endpointId }, query: { limit: DELIVERIES_SHOWN } } })),
    [client, orgId, endpoint.endpointId],
  );
  if (deliveries.problem) return <ProblemAlert problem={deliveries.problem} context="Reading the deliveries" />;
  if (deliveries.data === undefined) return <p aria-busy="true">Loading the deliveries…</p>;
  if (deliveries.data.deliveries.length === 0) return <p>No deliveries yet.</p>;
  return (
    <TableRegion label={`Latest deliveries to ${endpoint.endpointId}`}>
      <table>
        <thead>
          <tr>
            <th scope="col">Event</th>
            <th scope="col">Status</th>
            <th scope="col">Attempts</th>
            <th scope="col">Last status code</th>
            <th scope="col">Created</th>
          </tr>
        </thead>
        <tbody>
          {deliveries.data.deliveries.map((delivery) => (
            <tr key={delivery.deliveryId} data-delivery-id={delivery.deliveryId}>
              <th scope="row">{delivery.eventType}</th>
              <td data-column="status">{delivery.status}</td>
              <td data-column="attempts">{delivery.attempts.length}</td>
              <td data-column="statusCode">{lastStatusCode(delivery)}</td>
              <td>{formatDateTime(delivery.createdAt, timeZone)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableRegion>
  );
}

function Endpoint({ endpoint, timeZone }: { endpoint: WebhookEndpoint; timeZone: string }) {
  // Deliveries are read only once asked for: one request per endpoint opened, not per endpoint listed.
  const [open, setOpen] = useState(false);
  return (
    <article class="webhook-endpoint" data-endpoint-id={endpoint.endpointId} aria-labelledby={`endpoint-${endpoint.endpointId}`}>
      <h3 id={`endpoint-${endpoint.endpointId}`}>{endpoint.url}</h3>
      <dl class="endpoint-facts">
        <div>
          <dt>Endpoint</dt>
          <dd>{endpoint.endpointId}</dd>
        </div>
        <div>
          <dt>Event types</dt>
          <dd data-figure="eventTypes">{endpoint.eventTypes === '*' ? 'every type' : endpoint.eventTypes.join(', ')}</dd>
        </div>
        <div>
          <dt>Enabled</dt>
          <dd data-figure="enabled">{endpoint.enabled ? 'yes' : 'no: receives only pings'}</dd>
        </div>
        {endpoint.description && (
          <div>
            <dt>Description</dt>
            <dd>{endpoint.description}</dd>
          </div>
        )}
      </dl>
      <details onToggle={(event) => setOpen(event.currentTarget.open)}>
        <summary>Latest deliveries</summary>
        {open && <Deliveries endpoint={endpoint} timeZone={timeZone} />}
      </details>
    </article>
  );
}

export function WebhookEndpoints({ organizationId, timeZone }: { organizationId: string; timeZone: string }) {
  const { client } = useConsole();
  const endpoints = useApiData(() => answerOf(client.GET('/api/organizations/{orgId}/webhooks', { params: { path: { orgId: organizationId } } })), [client, organizationId]);
  let content;
  // 503: the server has no webhooks; its sentence says so, and is not an error of the page.
  if (endpoints.problem?.status === 503) content = <p data-figure="webhooksUnavailable">{endpoints.problem.message}</p>;
  else if (endpoints.problem) content = <ProblemAlert problem={endpoints.problem} context="Reading the webhook endpoints" />;
  else if (endpoints.data === undefined) content = <p aria-busy="true">Loading the webhook endpoints…</p>;
  else if (endpoints.data.endpoints.length === 0) content = <p>No webhook endpoints: alerts fire, but nothing is sent anywhere. Register one with the API.</p>;
  else content = endpoints.data.endpoints.map((endpoint) => <Endpoint key={endpoint.endpointId} endpoint={endpoint} timeZone={timeZone} />);
  return (
    <section aria-labelledby="webhooks-heading">
      <h2 id="webhooks-heading">Webhook endpoints</h2>
      <p>Where fired alerts are delivered. Endpoints are registered and changed with the API.</p>
      {content}
    </section>
  );
}
