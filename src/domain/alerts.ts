// Alert rules and the crossings they have fired, as an organization's state
// holds them. A rule watches a feature's usage in its quota window (as a
// quantity or a percentage of the included quantity) or the organization's
// overage in a billing period; it fires once per window when the watched
// value reaches its threshold. What fired is remembered per window, so the
// same window never fires a rule twice, also after a correction took the value
// back below the threshold; windows long over are forgotten.
import type { AlertRuleRemoved, AlertRuleSet, AlertWatch, IntervalRecord, QuotaUsedUp, UsageThresholdCrossed } from './events';

export interface AlertRule {
  readonly ruleId: string;
  readonly watch: AlertWatch;
  readonly setAt: string;
}

export interface AlertState {
  readonly rules: Readonly<Record<string, AlertRule>>;
  /** firedKey(rule, window) → window end, for every rule that fired in a window not long over. */
  readonly fired: Readonly<Record<string, string>>;
  /** usedUpKey(feature, window) → window end, for every hard quota used up in a window not long over. */
  readonly usedUp: Readonly<Record<string, string>>;
}

export const EMPTY_ALERTS: AlertState = Object.freeze({ rules: {}, fired: {}, usedUp: {} });

/** Alert rules an organization may have at once. */
export const MAX_ALERT_RULES = 100;

/** How long after a window ends its crossings are remembered (late usage may still land in it). */
const REMEMBERED_AFTER_WINDOW_MS = 8 * 24 * 60 * 60_000;

// Epoch milliseconds rather than ISO strings: the state is stored in MongoDB documents, where a field name must not contain dots.
export const firedKey = (ruleId: string, window: IntervalRecord): string => firedKeyAt(ruleId, Date.parse(window.start));
export const usedUpKey = (feature: string, window: IntervalRecord): string => usedUpKeyAt(feature, Date.parse(window.start));
/** The same keys from a window's start in epoch milliseconds (asked at every write, without parsing). */
export const firedKeyAt = (ruleId: string, windowStartMs: number): string => `${ruleId}|${windowStartMs}`;
export const usedUpKeyAt = (feature: string, windowStartMs: number): string => `${feature}|${windowStartMs}`;

type AlertEvent = AlertRuleSet | AlertRuleRemoved | UsageThresholdCrossed | QuotaUsedUp;

function keepRecent(records: Readonly<Record<string, string>>, eventTime: string, drop?: (key: string) => boolean): Record<string, string> {
  const horizon = Date.parse(eventTime) - REMEMBERED_AFTER_WINDOW_MS;
  const kept: Record<string, string> = {};
  for (const [key, windowEnd] of Object.entries(records)) if (Date.parse(windowEnd) >= horizon && !drop?.(key)) kept[key] = windowEnd;
  return kept;
}

export function evolveAlerts(alerts: AlertState, event: AlertEvent, eventTime: string): AlertState {
  const ofRule = (ruleId: string) => (key: string) => key.startsWith(`${ruleId}|`);
  switch (event.type) {
    case 'AlertRuleSet': {
      const { ruleId, watch, setAt } = event.data;
      // A changed rule is a new rule: it may fire again in the windows the old one fired in.
      return { ...alerts, rules: { ...alerts.rules, [ruleId]: { ruleId, watch, setAt } }, fired: keepRecent(alerts.fired, eventTime, ofRule(ruleId)) };
    }
    case 'AlertRuleRemoved': {
      const { [event.data.ruleId]: _removed, ...rules } = alerts.rules;
      return { ...alerts, rules, fired: keepRecent(alerts.fired, eventTime, ofRule(event.data.ruleId)) };
    }
    case 'UsageThresholdCrossed':
      return { ...alerts, fired: { ...keepRecent(alerts.fired, eventTime), [firedKey(event.data.ruleId, event.data.window)]: event.data.window.end } };
    case 'QuotaUsedUp':
      return { ...alerts, usedUp: { ...keepRecent(alerts.usedUp, eventTime), [usedUpKey(event.data.feature, event.data.window)]: event.data.window.end } };
  }
}
