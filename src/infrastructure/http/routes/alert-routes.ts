// Alert rules of an organization (its own key or the admin): a feature's usage
// reaching a quantity or a percentage of its included quantity, or the
// overage of the billing period reaching an amount. What they fire is decided
// with the usage and delivered by the organization's webhooks.
import { defineRoute, json, type ApiRoute } from '../api-route';
import { alertRuleList, alertRulePathParams, removedAlertRule, setAlertRuleBody, setAlertRuleResult } from '../schemas/alert-schemas';
import { organizationPathParams } from '../schemas/common-schemas';

export function alertRoutes(): ApiRoute[] {
  return [
    defineRoute({
      method: 'post',
      path: '/api/organizations/{orgId}/alerts',
      operationId: 'setAlertRule',
      summary: 'Create an alert rule, or replace one by its ruleId; a rule already past its threshold fires once at creation',
      tag: 'alerts',
      access: 'organization',
      params: organizationPathParams,
      body: { schema: setAlertRuleBody, required: true },
      organizationOf: ({ params }) => params.orgId,
      responses: { 201: { description: 'Set', schema: setAlertRuleResult } },
      handle: async ({ params, body }, { alertRules }) => json(201, await alertRules.set({ organizationId: params.orgId, ...body })),
    }),
    defineRoute({
      method: 'get',
      path: '/api/organizations/{orgId}/alerts',
      operationId: 'listAlertRules',
      summary: "The organization's alert rules",
      tag: 'alerts',
      access: 'organization',
      params: organizationPathParams,
      organizationOf: ({ params }) => params.orgId,
      responses: { 200: { description: 'The rules', schema: alertRuleList } },
      handle: async ({ params }, { alertRules }) => json(200, await alertRules.list(params.orgId)),
    }),
    defineRoute({
      method: 'delete',
      path: '/api/organizations/{orgId}/alerts/{ruleId}',
      operationId: 'removeAlertRule',
      summary: 'Remove an alert rule',
      tag: 'alerts',
      access: 'organization',
      params: alertRulePathParams,
      organizationOf: ({ params }) => params.orgId,
      responses: { 200: { description: 'Removed', schema: removedAlertRule } },
      handle: async ({ params }, { alertRules }) => json(200, await alertRules.remove(params.orgId, params.ruleId)),
    }),
  ];
}
