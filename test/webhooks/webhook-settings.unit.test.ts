// The webhook settings of `tally serve` and `tally worker`: the secret key is
// optional (empty counts as unset, as docker compose passes it), a bad key
// stops start-up naming the variable but never repeating its value, and the
// retry figures default to the three-day schedule.
import { randomBytes } from 'node:crypto';
import { ConfigurationError, readEnvironment, workerSettings } from '../../src/infrastructure/config/environment';
import { webhookRetryPolicyOf, webhookSettings } from '../../src/infrastructure/config/webhook-settings';
import { DEFAULT_WEBHOOK_RETRY_POLICY } from '../../src/application/webhooks/webhook-retry-policy';

describe('webhook settings', () => {
  it('leave webhooks off without a key, also when the variable is empty', () => {
    expect(webhookSettings.parse({}).TALLY_WEBHOOK_SECRET_KEY).toBeUndefined();
    expect(webhookSettings.parse({ TALLY_WEBHOOK_SECRET_KEY: '' }).TALLY_WEBHOOK_SECRET_KEY).toBeUndefined();
    expect(webhookSettings.parse({}).TALLY_WEBHOOK_ALLOW_PRIVATE).toBe(false);
  });

  it('refuse a key that is not 64 hex digits, naming the variable and not its value', () => {
    const bad = `${randomBytes(31).toString('hex')}zz`;
    const attempt = () => readEnvironment(workerSettings, { STRIPE_API_KEY: 'sk_test_123', TALLY_WEBHOOK_SECRET_KEY: bad });
    expect(attempt).toThrow(ConfigurationError);
    expect(attempt).toThrow(/TALLY_WEBHOOK_SECRET_KEY: must be 64 hex digits/);
    expect(attempt).not.toThrow(new RegExp(bad.slice(0, 16)));
  });

  it('give the default policy unless told otherwise, and never a ceiling below the first wait', () => {
    expect(webhookRetryPolicyOf(webhookSettings.parse({}))).toEqual(DEFAULT_WEBHOOK_RETRY_POLICY);
    expect(webhookRetryPolicyOf(webhookSettings.parse({ TALLY_WEBHOOK_RETRY_INITIAL_MS: '5000', TALLY_WEBHOOK_RETRY_MAX_INTERVAL_MS: '1000', TALLY_WEBHOOK_ALLOW_PRIVATE: 'true' }))).toMatchObject({
      initialIntervalMs: 5_000,
      maximumIntervalMs: 5_000,
    });
    expect(() => webhookSettings.parse({ TALLY_WEBHOOK_ALLOW_PRIVATE: 'yes' })).toThrow();
  });
});
