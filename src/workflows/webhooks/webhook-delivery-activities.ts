// The activities of a webhook delivery, built from the ports they use. An
// attempt reads the endpoint as it is now (a deleted or disabled endpoint
// stops the delivery), signs the envelope with the endpoint's secret, POSTs
// it, and writes the attempt to the delivery log whatever came back; anything
// but a 2xx answer fails the attempt, and Temporal tries again later.
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Clock } from '../../application/ports/clock';
import type { WebhookDeliveryLog } from '../../application/webhooks/webhook-delivery-log';
import type { WebhookEndpointIndex } from '../../application/webhooks/webhook-endpoint-index';
import type { WebhookSecretBox } from '../../application/webhooks/webhook-secrets';
import { isAccepted, type WebhookSender } from '../../application/webhooks/webhook-sender';
import { SIGNATURE_HEADER, signatureHeader } from '../../application/webhooks/webhook-signature';
import { ENDPOINT_DISABLED, ENDPOINT_GONE, NOT_ACCEPTED, type WebhookDeliveryInput, type WebhookDeliveryOutcome } from './webhook-delivery-types';

export interface WebhookDeliveryPorts {
  readonly endpoints: WebhookEndpointIndex;
  readonly secretBox: WebhookSecretBox;
  readonly sender: WebhookSender;
  readonly log: WebhookDeliveryLog;
  readonly clock: Clock;
}

/** The type the workflow imports (as a type only) to call these through proxyActivities. */
export type WebhookDeliveryActivities = ReturnType<typeof createWebhookDeliveryActivities>;

export function createWebhookDeliveryActivities(ports: WebhookDeliveryPorts) {
  const { endpoints, secretBox, sender, log, clock } = ports;

  return {
    async beginDelivery(input: WebhookDeliveryInput): Promise<void> {
      await log.begin(input.endpointId, input.envelope, input.series, clock.now().toISOString());
    },

    async attemptDelivery(input: WebhookDeliveryInput): Promise<void> {
      const { endpointId, envelope, series, policy } = input;
      let endpoint = await endpoints.lookup(endpointId);
      // The view may be up to a second old: a stop is decided on the endpoint as it is now.
      if (!endpoint?.enabled) {
        await endpoints.refresh();
        endpoint = await endpoints.lookup(endpointId);
      }
      if (!endpoint) throw ApplicationFailure.nonRetryable(`webhook endpoint ${endpointId} was deleted`, ENDPOINT_GONE);
      // A ping is how an endpoint is tried out, so it goes out while the endpoint is still disabled.
      if (!endpoint.enabled && envelope.type !== 'ping') throw ApplicationFailure.nonRetryable(`webhook endpoint ${endpointId} is disabled`, ENDPOINT_DISABLED);
      const logged = await log.find(endpointId, envelope.id);
      // Started twice (a workflow id forgotten after Temporal's retention): this series was accepted already.
      if (logged?.status === 'delivered' && logged.redeliveries === series) return;

      const attempt = Context.current().info.attempt;
      const startedAt = clock.now();
      const body = JSON.stringify(envelope);
      const answer = await sender.post({
        url: endpoint.url,
        body,
        timeoutMs: policy.attemptTimeoutMs,
        headers: {
          [SIGNATURE_HEADER]: signatureHeader(secretBox.open(endpoint.secret, endpointId), body, Math.floor(startedAt.getTime() / 1_000)),
          'Tally-Event-Id': envelope.id,
          'Tally-Event-Type': envelope.type,
          'Tally-Delivery-Attempt': String(attempt),
        },
      });
      await log.recordAttempt(endpointId, envelope.id, { series, attempt, startedAt: startedAt.toISOString(), ...answer });
      if (!isAccepted(answer)) {
        throw ApplicationFailure.retryable(answer.statusCode === null ? `no answer: ${answer.error}` : `answered ${answer.statusCode}`, NOT_ACCEPTED);
      }
      await log.finish(endpointId, envelope.id, { status: 'delivered', at: clock.now().toISOString() });
    },

    async finishDelivery(input: WebhookDeliveryInput & { readonly outcome: WebhookDeliveryOutcome; readonly reason: string }): Promise<void> {
      if (input.outcome === 'delivered') return;
      await log.finish(input.endpointId, input.envelope.id, { status: input.outcome, at: clock.now().toISOString(), reason: input.reason });
    },
  };
}
