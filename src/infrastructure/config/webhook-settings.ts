// Webhook settings, for `tally serve` (registering endpoints, pings,
// redeliveries) and `tally worker` (delivering). Without the secret key no
// endpoint can be registered and the worker delivers nothing. The retry
// figures are there for operators with other needs and for tests, which run
// a three-day schedule in seconds.
import { z } from 'zod';
import type { WebhookRetryPolicy } from '../../application/webhooks/webhook-retry-policy';
import { DEFAULT_WEBHOOK_RETRY_POLICY } from '../../application/webhooks/webhook-retry-policy';

const milliseconds = (min: number, max: number, fallback: number) => z.coerce.number().int().min(min).max(max).default(fallback);
const defaults = DEFAULT_WEBHOOK_RETRY_POLICY;

export const webhookSettings = z.object({
  // Empty is unset, as docker compose passes a variable the shell does not have.
  TALLY_WEBHOOK_SECRET_KEY: z.preprocess(
    (value) => (value === '' ? undefined : value),
    z.string().regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hex digits (generate one with `openssl rand -hex 32`)').optional(),
  ),
  TALLY_WEBHOOK_ALLOW_PRIVATE: z.enum(['true', 'false'], 'must be "true" or "false"').default('false').transform((value) => value === 'true'),
  TALLY_WEBHOOK_TIMEOUT_MS: milliseconds(100, 60_000, defaults.attemptTimeoutMs),
  TALLY_WEBHOOK_RETRY_INITIAL_MS: milliseconds(10, 3_600_000, defaults.initialIntervalMs),
  TALLY_WEBHOOK_RETRY_MAX_INTERVAL_MS: milliseconds(10, 86_400_000, defaults.maximumIntervalMs),
  TALLY_WEBHOOK_GIVE_UP_AFTER_MS: milliseconds(1_000, 30 * 86_400_000, defaults.giveUpAfterMs),
});
export type WebhookSettings = z.infer<typeof webhookSettings>;

export function webhookRetryPolicyOf(settings: WebhookSettings): WebhookRetryPolicy {
  return {
    attemptTimeoutMs: settings.TALLY_WEBHOOK_TIMEOUT_MS,
    initialIntervalMs: settings.TALLY_WEBHOOK_RETRY_INITIAL_MS,
    backoffCoefficient: defaults.backoffCoefficient,
    maximumIntervalMs: Math.max(settings.TALLY_WEBHOOK_RETRY_MAX_INTERVAL_MS, settings.TALLY_WEBHOOK_RETRY_INITIAL_MS),
    giveUpAfterMs: settings.TALLY_WEBHOOK_GIVE_UP_AFTER_MS,
  };
}
