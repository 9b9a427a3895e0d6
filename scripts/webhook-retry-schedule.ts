// Prints when each attempt of a webhook delivery starts under the default
// retry policy (or the one the TALLY_WEBHOOK_* variables describe), for a
// receiver that keeps answering at once with something other than 2xx. The
// README's retry schedule is this output.
import { attemptSchedule } from '../src/application/webhooks/webhook-retry-policy';
import { webhookRetryPolicyOf, webhookSettings } from '../src/infrastructure/config/webhook-settings';

const policy = webhookRetryPolicyOf(webhookSettings.parse(process.env));
const starts = attemptSchedule(policy);

function duration(ms: number): string {
  if (ms === 0) return '0';
  const minutes = Math.round(ms / 60_000);
  if (ms < 60_000) return `${ms / 1_000} s`;
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
}

console.log(`timeout per attempt ${duration(policy.attemptTimeoutMs)}; waits from ${duration(policy.initialIntervalMs)}, ×${policy.backoffCoefficient} each time, at most ${duration(policy.maximumIntervalMs)}; no new attempt after ${duration(policy.giveUpAfterMs)}`);
console.log('| attempt | starts after the first | wait before it |');
console.log('| ---: | ---: | ---: |');
starts.forEach((start, index) => console.log(`| ${index + 1} | ${duration(start)} | ${index === 0 ? '—' : duration(start - starts[index - 1])} |`));
console.log(`${starts.length} attempts; then the delivery is marked failed`);
