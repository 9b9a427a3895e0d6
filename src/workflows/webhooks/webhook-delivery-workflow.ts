// The delivery of one event to one endpoint: record that it starts, attempt
// it with exponential backoff until it is accepted or the policy gives up
// (3 days by default), then record how it ended. Temporal keeps the attempts
// going across worker restarts; an attempt cut off by a crash times out and
// is tried again, with the same event id, so a receiver that dedupes by id
// sees the event once. Deterministic: no clock, no I/O here.
import { ActivityFailure, ApplicationFailure, TimeoutFailure, proxyActivities } from '@temporalio/workflow';
import type { WebhookDeliveryActivities } from './webhook-delivery-activities';
import { ENDPOINT_DISABLED, ENDPOINT_GONE, type WebhookDeliveryInput, type WebhookDeliveryOutcome } from './webhook-delivery-types';

/** Writes to the delivery log: short, and retried until MongoDB answers. */
const bookkeeping = proxyActivities<WebhookDeliveryActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

export async function webhookDeliveryWorkflow(input: WebhookDeliveryInput): Promise<WebhookDeliveryOutcome> {
  const { policy } = input;
  const attempts = proxyActivities<WebhookDeliveryActivities>({
    // An attempt whose worker died is noticed once this much time has passed, and tried again.
    startToCloseTimeout: policy.attemptTimeoutMs + 5_000,
    scheduleToCloseTimeout: policy.giveUpAfterMs,
    retry: {
      initialInterval: policy.initialIntervalMs,
      backoffCoefficient: policy.backoffCoefficient,
      maximumInterval: policy.maximumIntervalMs,
      nonRetryableErrorTypes: [ENDPOINT_GONE, ENDPOINT_DISABLED],
    },
  });
  await bookkeeping.beginDelivery(input);
  try {
    await attempts.attemptDelivery(input);
    return 'delivered';
  } catch (error) {
    if (!(error instanceof ActivityFailure)) throw error;
    const cause = error.cause;
    const stopped = cause instanceof ApplicationFailure && (cause.type === ENDPOINT_GONE || cause.type === ENDPOINT_DISABLED);
    const outcome: WebhookDeliveryOutcome = stopped ? 'cancelled' : 'failed';
    await bookkeeping.finishDelivery({ ...input, outcome, reason: reasonOf(error) });
    return outcome;
  }
}

/** What the delivery log says about a delivery that ended without being accepted. */
function reasonOf(error: ActivityFailure): string {
  const cause = error.cause;
  // Out of time: Temporal reports the timeout, with the last attempt's failure as its cause.
  if (cause instanceof TimeoutFailure) return `gave up: no attempt was accepted in time${cause.cause ? `; the last one: ${cause.cause.message}` : ''}`;
  return cause?.message ?? error.message;
}
