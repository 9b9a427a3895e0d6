// Alert rules as callers manage them: set (create, or replace by id), list and
// remove an organization's rules. The rules are events in the organization's
// stream; what they fire is decided with the usage (see the domain's
// decide-alerts.ts) and delivered by webhooks.
import type { AlertRule } from '../../domain/alerts';
import { validationError } from '../../domain/domain-error';
import type { AlertWatch } from '../../domain/events';
import { requireActive } from '../../domain/organization';
import type { OrganizationCommandHandler } from '../organization/organization-command-handler';
import type { IdGenerator } from '../ports/clock';
import type { GlobalPosition } from '../ports/event-store';

/** A rule as the API takes it: a feature with a quantity or a percentage of its included quantity, or an overage amount in a currency. */
export interface AlertRuleInput {
  readonly organizationId: string;
  /** Replaces the rule with this id; a new id when absent. */
  readonly ruleId?: string;
  readonly feature?: string;
  readonly quantity?: number;
  readonly percentOfIncluded?: number;
  readonly overageAmount?: string;
  readonly currency?: string;
}

export interface AlertRuleView {
  readonly ruleId: string;
  readonly feature: string | null;
  readonly quantity: number | null;
  readonly percentOfIncluded: number | null;
  readonly overageAmount: string | null;
  readonly currency: string | null;
  readonly setAt: string;
}

export interface SetAlertRuleResult extends AlertRuleView {
  /** False when the same rule was set again. */
  readonly changed: boolean;
  /** True when the rule's value was past its threshold already: it fired at once. */
  readonly firedOnCreation: boolean;
  readonly position: string | null;
}

export interface AlertRuleList {
  readonly organizationId: string;
  readonly rules: readonly AlertRuleView[];
}

function watchOf(input: AlertRuleInput): AlertWatch {
  const { feature, quantity, percentOfIncluded, overageAmount, currency } = input;
  if (overageAmount !== undefined || currency !== undefined) {
    if (feature !== undefined || quantity !== undefined || percentOfIncluded !== undefined) {
      throw validationError('overageAmount', 'a rule watches either a feature ({ feature, quantity } or { feature, percentOfIncluded }) or an overage ({ overageAmount, currency }), not both');
    }
    if (overageAmount === undefined) throw validationError('overageAmount', 'overageAmount is required with currency');
    if (currency === undefined) throw validationError('currency', 'currency is required with overageAmount');
    return { kind: 'overageAmount', overageAmount, currency };
  }
  if (feature === undefined) throw validationError('feature', 'give { feature, quantity }, { feature, percentOfIncluded } or { overageAmount, currency }');
  if ((quantity === undefined) === (percentOfIncluded === undefined)) {
    throw validationError('quantity', 'give exactly one of quantity and percentOfIncluded with feature');
  }
  return quantity !== undefined ? { kind: 'quantity', feature, quantity } : { kind: 'percentOfIncluded', feature, percentOfIncluded: percentOfIncluded as number };
}

function viewOf(rule: AlertRule): AlertRuleView {
  const watch = rule.watch;
  return {
    ruleId: rule.ruleId,
    feature: watch.kind === 'overageAmount' ? null : watch.feature,
    quantity: watch.kind === 'quantity' ? watch.quantity : null,
    percentOfIncluded: watch.kind === 'percentOfIncluded' ? watch.percentOfIncluded : null,
    overageAmount: watch.kind === 'overageAmount' ? watch.overageAmount : null,
    currency: watch.kind === 'overageAmount' ? watch.currency : null,
    setAt: rule.setAt,
  };
}

const positionText = (position: GlobalPosition | null) => (position === null ? null : position.toString());

export class AlertRules {
  constructor(
    private readonly handler: OrganizationCommandHandler,
    private readonly ids: IdGenerator,
  ) {}

  async set(input: AlertRuleInput): Promise<SetAlertRuleResult> {
    const ruleId = input.ruleId ?? `rule_${this.ids.newId()}`;
    const outcome = await this.handler.execute({ type: 'SetAlertRule', data: { organizationId: input.organizationId, ruleId, watch: watchOf(input) } });
    const { state } = await this.handler.ledger(input.organizationId);
    const rule = requireActive(state, input.organizationId).alerts.rules[ruleId];
    return {
      ...viewOf(rule),
      changed: outcome.events.length > 0,
      firedOnCreation: outcome.events.some((event) => event.type === 'UsageThresholdCrossed'),
      position: positionText(outcome.position),
    };
  }

  async list(organizationId: string): Promise<AlertRuleList> {
    const { state } = await this.handler.ledger(organizationId);
    const rules = Object.values(requireActive(state, organizationId).alerts?.rules ?? {});
    return { organizationId, rules: rules.map(viewOf).sort((a, b) => a.setAt.localeCompare(b.setAt) || a.ruleId.localeCompare(b.ruleId)) };
  }

  async remove(organizationId: string, ruleId: string): Promise<{ readonly ruleId: string; readonly position: string | null }> {
    const outcome = await this.handler.execute({ type: 'RemoveAlertRule', data: { organizationId, ruleId } });
    return { ruleId, position: positionText(outcome.position) };
  }
}
