// An alert rule as the form edits it: text as typed, turned into the API's
// request only on submit. As with quotas, the console does not judge the
// values: the API's messages name the fields that are wrong.
import type { AlertRule, SetAlertRuleRequest } from '../api/tally-api';
import { formatAmount, formatQuantity } from '../format/quantities';

export type AlertKind = 'quantity' | 'percentOfIncluded' | 'overageAmount';

export interface AlertDraft {
  readonly ruleId: string;
  readonly kind: AlertKind;
  readonly feature: string;
  readonly currency: string;
  readonly threshold: string;
}

// Keyed by the API's field names: the threshold field of each kind is the one its messages name.
export const ALERT_KIND_LABELS: Record<AlertKind, string> = {
  quantity: 'Quantity of a feature',
  percentOfIncluded: 'Percent of a feature’s included quantity',
  overageAmount: 'Overage amount of the period',
};

export const THRESHOLD_LABELS: Record<AlertKind, string> = {
  quantity: 'Quantity',
  percentOfIncluded: 'Percent of included',
  overageAmount: 'Amount (major units, e.g. 500.00)',
};

export const emptyAlertDraft = (currency: string): AlertDraft => ({ ruleId: '', kind: 'percentOfIncluded', feature: '', currency, threshold: '' });

/** A number as typed: a number when it reads as one, else the text, so the API refuses it by name. */
function typedNumber(text: string): number {
  const trimmed = text.trim();
  const value = Number(trimmed);
  // Deliberately unsound for bad input: the API is the one place that judges it.
  return (trimmed !== '' && Number.isFinite(value) ? value : trimmed) as number;
}

export function alertRequestOf(draft: AlertDraft): SetAlertRuleRequest {
  const ruleId = draft.ruleId.trim() === '' ? {} : { ruleId: draft.ruleId.trim() };
  switch (draft.kind) {
    case 'quantity':
      return { ...ruleId, feature: draft.feature.trim(), quantity: typedNumber(draft.threshold) };
    case 'percentOfIncluded':
      return { ...ruleId, feature: draft.feature.trim(), percentOfIncluded: typedNumber(draft.threshold) };
    case 'overageAmount':
      // Whatever was typed goes to the API, whose refusal is shown next to the field.
      return { ...ruleId, overageAmount: draft.threshold.trim(), currency: draft.currency.trim().toUpperCase() as SetAlertRuleRequest['currency'] };
  }
}

/**
 * An amount with its currency's minor digits, as the API shows other amounts:
 * it keeps a threshold of "500.00" as "500". Padded as text, never through floating point.
 */
function withMinorDigits(decimal: string, currency: string): string {
  let digits = 2;
  try {
    digits = new Intl.NumberFormat('en-US', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    // A code the browser does not know keeps the usual two digits.
  }
  const [whole, fraction = ''] = decimal.split('.');
  return fraction.length >= digits ? decimal : `${whole}.${fraction.padEnd(digits, '0')}`;
}

/** What a rule watches, in words: "OCR_SCAN reaches 1,000", "… reaches 80% of included", "overage reaches 500.00 EUR". */
export function describeRule(rule: AlertRule): string {
  if (rule.overageAmount !== null) return `overage reaches ${formatAmount(withMinorDigits(rule.overageAmount, rule.currency ?? ''), rule.currency ?? '')}`;
  if (rule.percentOfIncluded !== null) return `${rule.feature} reaches ${formatQuantity(rule.percentOfIncluded)}% of included`;
  return `${rule.feature} reaches ${formatQuantity(rule.quantity ?? 0)}`;
}
