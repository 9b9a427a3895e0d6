// A period's bill proven from the event log, over HTTP: the same audit as
// `tally audit`, for the admin or the organization's own key. Differences are
// part of a 200 answer; they are findings, not errors.
import { defineRoute, json, type ApiRoute } from '../api-route';
import { auditQuery, periodAudit } from '../schemas/audit-schemas';
import { organizationPathParams } from '../schemas/common-schemas';

export function auditRoutes(): ApiRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/usage/{orgId}/audit',
      operationId: 'auditPeriod',
      summary: 'Recompute a billing period from the event log and compare it with the read models, the period close and Stripe',
      description:
        'Waits (bounded) until the read models include the organization\'s last event, so a projector a moment behind is not reported as a difference; `readModels.includesRequestedPosition` says whether it did.',
      tag: 'billing',
      access: 'organization',
      params: organizationPathParams,
      query: auditQuery,
      organizationOf: ({ params }) => params.orgId,
      responses: { 200: { description: 'The audit; `agrees` is false when anything differs', schema: periodAudit } },
      handle: async ({ params, query }, { audits }) => json(200, await audits.audit(params.orgId, query.period)),
    }),
  ];
}
