// Webhook delivery end to end on the real parts: facts appended to the log go
// out through the webhook reactor and durable delivery workflows on the
// Temporal dev server to real HTTP receivers on loopback, signed so the SDK's
// helper accepts them, retried with backoff until accepted or given up, and
// written to the delivery log in the MongoDB-wire server.
import { WorkflowNotFoundError } from '@temporalio/client';
import { verifyWebhookSignature, type WebhookEvent } from '@tally/sdk';
import type { PositionedEvent } from '../../src/application/ports/projection';
import { decodeEvent } from '../../src/application/event-log/organization-event-codec';
import { AlertRules } from '../../src/application/alerts/alert-rules';
import { randomIds } from '../../src/composition/write-side';
import { WebhookEndpointIndex } from '../../src/application/webhooks/webhook-endpoint-index';
import { billingPeriodAt, toIntervalRecord } from '../../src/domain/periods';
import { webhookDeliveryWorkflowId } from '../../src/workflows/webhooks/webhook-delivery-types';
import { WebhookReactor } from '../../src/workflows/webhooks/webhook-reactor';
import { eventually } from '../workflows/support/billing-harness';
import { CountingDeliveries, startDeliveryHarness, type DeliveryHarness } from './support/delivery-harness';
import { startWebhookReceiver, type ReceivedRequest, type WebhookReceiver } from './support/webhook-receiver';

let harness: DeliveryHarness;
const receivers: WebhookReceiver[] = [];

beforeAll(async () => {
  harness = await startDeliveryHarness();
}, 60_000);

afterAll(async () => {
  await Promise.all(receivers.map((receiver) => receiver.close()));
  await harness?.dispose();
});

async function receiver(answer?: Parameters<typeof startWebhookReceiver>[0]): Promise<WebhookReceiver> {
  const started = await startWebhookReceiver(answer);
  receivers.push(started);
  return started;
}

async function organization(organizationId: string): Promise<void> {
  await harness.writeSide.commands.configureOrganization({ organizationId });
}

const verified = (request: ReceivedRequest, secret: string): WebhookEvent => verifyWebhookSignature(request.rawBody, request.headers['tally-signature'], secret);

async function deliveryOf(endpointId: string, eventId: string) {
  const delivery = await harness.log.find(endpointId, eventId);
  if (!delivery) throw new Error(`no delivery of ${eventId} to ${endpointId} yet`);
  return delivery;
}

/** Whether the reactor started a delivery of the event to the endpoint at all. */
async function deliveryStarted(endpointId: string, eventId: string): Promise<boolean> {
  try {
    await harness.client.workflow.getHandle(webhookDeliveryWorkflowId({ endpointId, envelope: { id: eventId } as never, series: 0 })).describe();
    return true;
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return false;
    throw error;
  }
}

/** Waits until the reactor has passed `position`: every delivery of the events up to it has been started. */
const reactorPassed = (position: bigint) => eventually(() => expect(harness.delivery.reactor.currentPosition() ?? -1n).toBeGreaterThanOrEqual(position), 30_000);

describe('webhook delivery', () => {
  it('delivers a threshold crossing once, signed with the endpoint’s secret, with the event’s own id', async () => {
    await organization('org_once');
    const hooks = await receiver(() => ({ status: 200, body: 'ok' }));
    const endpoint = await harness.endpoints.create({ organizationId: 'org_once' }, { url: hooks.url });
    const { eventId, position } = await harness.appendCrossing('org_once');

    const [request] = await hooks.waitFor(1);
    expect(request.method).toBe('POST');
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['tally-event-id']).toBe(eventId);
    expect(request.headers['tally-event-type']).toBe('usage.threshold_crossed');
    const event = verified(request, endpoint.secret);
    expect(event).toMatchObject({ id: eventId, type: 'usage.threshold_crossed', organizationId: 'org_once', data: { ruleId: 'rule_80', threshold: '80', cause: 'usage' } });

    const delivery = await eventually(async () => {
      const found = await deliveryOf(endpoint.endpointId, eventId);
      expect(found.status).toBe('delivered');
      return found;
    });
    expect(delivery.attempts).toEqual([{ series: 0, attempt: 1, startedAt: expect.any(String), statusCode: 200, latencyMs: expect.any(Number), responseExcerpt: 'ok', error: null }]);
    expect(delivery.event).toEqual(event);
    // Through the API too, newest first.
    expect((await harness.endpoints.deliveries({ organizationId: 'org_once' }, endpoint.endpointId, 20)).map((d) => d.deliveryId)).toEqual([eventId]);

    await reactorPassed(position);
    expect(hooks.received).toHaveLength(1);
  }, 60_000);

  it('delivers exactly one event per threshold when 100 concurrent single-unit writes cross 80% and 100%', async () => {
    const organizationId = 'org_concurrent';
    const { commands, handler } = harness.writeSide;
    await organization(organizationId);
    await commands.configureQuota({ organizationId, feature: 'OCR_SCAN', includedQuantity: 100, pricePerUnit: 5 });
    const rules = new AlertRules(handler, randomIds);
    await rules.set({ organizationId, ruleId: 'eighty', feature: 'OCR_SCAN', percentOfIncluded: 80 });
    await rules.set({ organizationId, ruleId: 'all', feature: 'OCR_SCAN', percentOfIncluded: 100 });
    const hooks = await receiver(() => ({ status: 200 }));
    const endpoint = await harness.endpoints.create({ organizationId }, { url: hooks.url, eventTypes: ['usage.threshold_crossed'] });

    await Promise.all(Array.from({ length: 100 }, (_, i) => commands.trackUsage({ organizationId, feature: 'OCR_SCAN', quantity: 1, idempotencyKey: `concurrent-${i}` })));

    const requests = await hooks.waitFor(2);
    await reactorPassed((await harness.lastEvent(organizationId)).position);
    // Whatever else the reactor and the workflows do from here, nothing more arrives.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(hooks.received).toHaveLength(2);
    const events = requests.map((request) => verified(request, endpoint.secret));
    expect(events.map((event) => (event.data as { ruleId: string }).ruleId).sort()).toEqual(['all', 'eighty']);
    expect(events.map((event) => (event.data as { threshold: string }).threshold).sort()).toEqual(['100', '80']);
    for (const event of events) expect(Number((event.data as { value: string }).value)).toBeGreaterThanOrEqual(Number((event.data as { threshold: string }).threshold));
    expect(new Set(events.map((event) => event.id)).size).toBe(2);
  }, 60_000);

  it('gets a delivery to a receiver that answers 500 three times and then 200 on the fourth attempt, with the same id and bytes', async () => {
    await organization('org_flaky');
    const hooks = await receiver((_request, index) => (index < 3 ? { status: 500, body: 'x'.repeat(1_000) } : { status: 204 }));
    const endpoint = await harness.endpoints.create({ organizationId: 'org_flaky' }, { url: hooks.url });
    const { eventId } = await harness.appendCrossing('org_flaky');

    const requests = await hooks.waitFor(4);
    expect(requests.map((request) => request.headers['tally-event-id'])).toEqual([eventId, eventId, eventId, eventId]);
    expect(new Set(requests.map((request) => request.rawBody.toString())).size).toBe(1);
    expect(requests.map((request) => request.headers['tally-delivery-attempt'])).toEqual(['1', '2', '3', '4']);
    for (const request of requests) expect(verified(request, endpoint.secret).id).toBe(eventId);
    // Each retry waits at least the doubling interval (200, 400, 800 ms here).
    const gaps = requests.slice(1).map((request, index) => request.receivedAt - requests[index].receivedAt);
    gaps.forEach((gap, index) => expect(gap).toBeGreaterThanOrEqual(harness.policy.initialIntervalMs * 2 ** index - 50));

    const delivery = await eventually(async () => {
      const found = await deliveryOf(endpoint.endpointId, eventId);
      expect(found.status).toBe('delivered');
      return found;
    });
    expect(delivery.attempts.map((attempt) => [attempt.attempt, attempt.statusCode])).toEqual([
      [1, 500],
      [2, 500],
      [3, 500],
      [4, 204],
    ]);
    // Only the start of an answer is kept.
    expect(delivery.attempts[0].responseExcerpt).toBe('x'.repeat(256));
    expect(hooks.processed).toEqual(new Set([eventId]));
  }, 60_000);

  it('marks a delivery failed when no attempt is accepted in time, and a redelivery sends the same event again', async () => {
    await organization('org_down');
    let up = false;
    const hooks = await receiver(() => (up ? { status: 200 } : { status: 503, body: 'down for maintenance' }));
    const endpoint = await harness.endpoints.create({ organizationId: 'org_down' }, { url: hooks.url });
    const { eventId } = await harness.appendCrossing('org_down');

    const failed = await eventually(async () => {
      const found = await deliveryOf(endpoint.endpointId, eventId);
      expect(found.status).toBe('failed');
      return found;
    }, 30_000);
    expect(failed.failureReason).toMatch(/answered 503/);
    expect(failed.attempts.length).toBeGreaterThanOrEqual(3);
    expect(failed.attempts.every((attempt) => attempt.statusCode === 503 && attempt.responseExcerpt === 'down for maintenance')).toBe(true);

    up = true;
    const before = hooks.received.length;
    await expect(harness.endpoints.redeliver({ organizationId: 'org_down' }, endpoint.endpointId, eventId)).resolves.toEqual({ endpointId: endpoint.endpointId, deliveryId: eventId, series: 1 });
    const [again] = (await hooks.waitFor(before + 1)).slice(before);
    expect(verified(again, endpoint.secret).id).toBe(eventId);
    const redelivered = await eventually(async () => {
      const found = await deliveryOf(endpoint.endpointId, eventId);
      expect(found.status).toBe('delivered');
      return found;
    });
    expect(redelivered.redeliveries).toBe(1);
    expect(redelivered.attempts[redelivered.attempts.length - 1]).toMatchObject({ series: 1, attempt: 1, statusCode: 200 });
  }, 60_000);

  it('sends each event to the enabled endpoints that receive it, registered before it, and to no other', async () => {
    await organization('org_route');
    await organization('org_other');
    const hooks = await receiver();
    const at = (name: string) => `${hooks.url}/${name}`;
    const all = await harness.endpoints.create({ organizationId: 'org_route' }, { url: at('all') });
    const quotaOnly = await harness.endpoints.create({ organizationId: 'org_route' }, { url: at('quota-only'), eventTypes: ['usage.quota_exceeded'] });
    const disabled = await harness.endpoints.create({ organizationId: 'org_route' }, { url: at('disabled'), enabled: false });
    const otherOrganization = await harness.endpoints.create({ organizationId: 'org_other' }, { url: at('other') });
    const everyOrganization = await harness.endpoints.create({ organizationId: null }, { url: at('admin'), eventTypes: ['usage.threshold_crossed'] });
    const { eventId, position } = await harness.appendCrossing('org_route');
    const late = await harness.endpoints.create({ organizationId: 'org_route' }, { url: at('late') });

    const requests = await hooks.waitFor(2);
    await reactorPassed(position);
    expect(requests.map((request) => request.path).sort()).toEqual(['/hooks/tally/admin', '/hooks/tally/all']);
    expect(verified(requests.find((request) => request.path.endsWith('/admin')) as ReceivedRequest, everyOrganization.secret)).toMatchObject({ id: eventId, organizationId: 'org_route' });
    for (const endpoint of [quotaOnly, disabled, otherOrganization, late]) expect(await deliveryStarted(endpoint.endpointId, eventId)).toBe(false);
    expect(await deliveryStarted(all.endpointId, eventId)).toBe(true);
  }, 60_000);

  it('sends a closed billing period and a failed Stripe report written by the write side', async () => {
    await organization('org_billing');
    const hooks = await receiver();
    const endpoint = await harness.endpoints.create({ organizationId: 'org_billing' }, { url: hooks.url, eventTypes: ['billing.period_closed', 'stripe.report_failed'] });
    const billingPeriod = toIntervalRecord(billingPeriodAt(new Date(), { timeZone: 'UTC', billingAnchorDay: 1 }));
    await harness.writeSide.commands.trackUsage({ organizationId: 'org_billing', feature: 'OCR_SCAN', quantity: 60, idempotencyKey: 'scans' });
    await harness.writeSide.handler.execute({
      type: 'RecordStripeFailure',
      data: { organizationId: 'org_billing', feature: 'OCR_SCAN', billingPeriod, reportSequence: 1, identifier: 'report-1', error: 'Stripe is down', retryable: true },
    });
    await harness.writeSide.handler.execute({ type: 'CloseBillingPeriod', data: { organizationId: 'org_billing', billingPeriod, early: true } });

    const events = (await hooks.waitFor(2)).map((request) => verified(request, endpoint.secret));
    const failure = events.find((event) => event.type === 'stripe.report_failed');
    const closed = events.find((event) => event.type === 'billing.period_closed');
    expect(failure).toMatchObject({ organizationId: 'org_billing', data: { feature: 'OCR_SCAN', reportSequence: 1, error: 'Stripe is down', retryable: true, billingPeriod } });
    expect(closed?.type === 'billing.period_closed' && closed.data.features).toEqual([expect.objectContaining({ feature: 'OCR_SCAN', totalQuantity: 60, includedQuantity: 50, overageQuantity: 10, overageAmount: '0.50' })]);
  }, 60_000);

  it('pings an endpoint even while it is disabled, and stops retrying once the endpoint is deleted', async () => {
    await organization('org_ping');
    const hooks = await receiver((request) => (request.headers['tally-event-type'] === 'ping' ? { status: 200 } : { status: 500 }));
    const endpoint = await harness.endpoints.create({ organizationId: 'org_ping' }, { url: hooks.url, enabled: false });
    const ping = await harness.endpoints.ping({ organizationId: 'org_ping' }, endpoint.endpointId);
    const [pinged] = await hooks.waitFor(1);
    expect(verified(pinged, endpoint.secret)).toEqual({ id: ping.deliveryId, type: 'ping', createdAt: expect.any(String), organizationId: 'org_ping', data: { endpointId: endpoint.endpointId, requestedAt: expect.any(String) } });

    await harness.endpoints.update({ organizationId: 'org_ping' }, endpoint.endpointId, { enabled: true });
    const { eventId } = await harness.appendCrossing('org_ping');
    await hooks.waitFor(2);
    await harness.endpoints.remove({ organizationId: 'org_ping' }, endpoint.endpointId);
    const cancelled = await eventually(async () => {
      const found = await deliveryOf(endpoint.endpointId, eventId);
      expect(found.status).toBe('cancelled');
      return found;
    }, 30_000);
    expect(cancelled.failureReason).toMatch(/was deleted/);
  }, 60_000);

  it('sends nothing twice when a reactor applies the same events again, as after a crash before its checkpoint', async () => {
    await organization('org_again');
    const hooks = await receiver();
    await harness.endpoints.create({ organizationId: 'org_again' }, { url: hooks.url });
    const { position } = await harness.appendCrossing('org_again');
    await hooks.waitFor(1);
    await reactorPassed(position);

    const counting = new CountingDeliveries(harness.deliveries);
    const replaying = new WebhookReactor(new WebhookEndpointIndex(harness.store), counting);
    const logged: PositionedEvent[] = (await harness.store.readAll({ maxCount: 100_000 })).flatMap((recorded) => {
      const event = decodeEvent(recorded);
      return event ? [{ event, position: Number(recorded.position), eventId: recorded.eventId }] : [];
    });
    await replaying.apply(logged);
    expect(counting.started).toBe(0);
    expect(counting.refused).toBeGreaterThanOrEqual(1);
    expect(hooks.received).toHaveLength(1);
  }, 60_000);
});
