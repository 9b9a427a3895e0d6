// Usage of the current quota window against its included quantity. The bar
// fills up to the limit mark, then continues in the overage colour: amber past
// a soft limit (billed), red at a hard one (refused). The caption says the same
// in words, so colour is never the only signal.
import type { QuotaCheck } from '../api/tally-api';
import { formatQuantity } from '../format/quantities';

export type UsageState = 'within' | 'soft-over' | 'hard-limit';

export function usageStateOf(check: Pick<QuotaCheck, 'used' | 'included' | 'enforcement' | 'hasQuota'>): UsageState {
  if (check.enforcement === 'hard' && (!check.hasQuota || check.used >= check.included)) return 'hard-limit';
  if (check.used > check.included) return 'soft-over';
  return 'within';
}

const WINDOW_WORDS: Record<string, string> = {
  DAILY: 'today',
  WEEKLY: 'this week',
  MONTHLY: 'this period',
  QUARTERLY: 'this quarter',
  YEARLY: 'this year',
};

export function UsageBar({ check, unit, featureName }: { check: QuotaCheck; unit: string; featureName: string }) {
  const state = usageStateOf(check);
  const scale = Math.max(check.used, check.included, 1);
  const within = Math.min(check.used, check.included);
  const over = Math.max(0, check.used - check.included);
  const window = WINDOW_WORDS[check.resetPeriod] ?? 'in this window';
  const caption =
    `${formatQuantity(check.used)} used of ${formatQuantity(check.included)} included ${window}` +
    (state === 'soft-over' ? `, ${formatQuantity(over)} over the soft limit (billed)` : '') +
    (state === 'hard-limit' ? ', hard limit reached: further use is refused' : '');
  return (
    <div class={`usage usage--${state}`}>
      <div
        class="usage__bar"
        role="meter"
        aria-label={`${featureName} used ${window}`}
        aria-valuemin={0}
        aria-valuemax={scale}
        aria-valuenow={check.used}
        aria-valuetext={`${caption} (unit: ${unit})`}
      >
        <span class="usage__within" style={{ width: `${(within / scale) * 100}%` }} />
        <span class="usage__over" style={{ width: `${(over / scale) * 100}%` }} />
        <span class="usage__limit" style={{ left: `${(check.included / scale) * 100}%` }} />
      </div>
      <p class="usage__caption">{caption}</p>
    </div>
  );
}
