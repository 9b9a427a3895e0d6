// The background billing jobs as admin actions on the billing-period workflows
// (aggregate-all, report-all, retry-failed, generate-invoice-items), and the
// status of an organization's current period workflow. Both go through the
// BillingWorkflows port; an API started without it answers 503 here only.
import type { BillingWorkflows } from '../../../application/ports/billing-workflows';
import { defineRoute, json, type ApiRoute, type ApiServices } from '../api-route';
import { HttpProblem, organizationNotFound } from '../problem-details';
import { organizationPathParams } from '../schemas/common-schemas';
import { billingJobBody, billingJobParams, billingJobResult, billingStatus } from '../schemas/operations-schemas';

function workflowsOf(services: ApiServices): BillingWorkflows {
  if (!services.workflows) {
    throw new HttpProblem('workflows-unavailable', 'This API process was started without a connection to the billing workflows (Temporal).');
  }
  return services.workflows;
}

export function billingRoutes(): ApiRoute[] {
  return [
    defineRoute({
      method: 'post',
      path: '/api/admin/jobs/{job}',
      operationId: 'runBillingJob',
      summary: "Run a billing job now (aggregate, report, retry failed, invoice), for one organization or all (admin)",
      tag: 'billing',
      access: 'admin',
      params: billingJobParams,
      body: { schema: billingJobBody, required: false },
      organizationOf: ({ body }) => body?.organizationId,
      responses: { 202: { description: 'The running period workflows were signalled', schema: billingJobResult } },
      handle: async ({ params, body }, services) => {
        const organizationId = body?.organizationId;
        if (organizationId !== undefined && !(await services.organizations.exists(organizationId))) throw organizationNotFound();
        const { signalled } = await workflowsOf(services).runJob(params.job, organizationId);
        return json(202, { job: params.job, organizationId: organizationId ?? null, signalled });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/usage/{orgId}/billing-status',
      operationId: 'getBillingStatus',
      summary: "The state of the organization's current billing-period workflow",
      tag: 'billing',
      access: 'organization',
      params: organizationPathParams,
      organizationOf: ({ params }) => params.orgId,
      responses: { 200: { description: 'Workflow status', schema: billingStatus } },
      handle: async ({ params }, services) => {
        if (!(await services.organizations.exists(params.orgId))) throw organizationNotFound();
        const status = await workflowsOf(services).status(params.orgId);
        if (!status) throw new HttpProblem('not-found', 'No billing-period workflow is running for this organization yet.');
        return json(200, status);
      },
    }),
  ];
}
