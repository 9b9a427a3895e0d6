// Organizations: the admin lists and creates them; an organization's key (or the admin)
// reads and changes its settings (currency, time zone, billing anchor, grace
// period, Stripe customer and billing mode) and defines its own features.
import { defineRoute, json, type ApiRoute } from '../api-route';
import { HttpProblem, organizationNotFound } from '../problem-details';
import { organizationPathParams, readQuery, writeResult } from '../schemas/common-schemas';
import { createdOrganization, createOrganizationBody, customFeatureBody, organizationList, organizationListQuery, organizationView, updateOrganizationBody } from '../schemas/organization-schemas';

export function organizationRoutes(): ApiRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/organizations',
      operationId: 'listOrganizations',
      summary: 'Organizations by id, a page at a time, optionally those whose id or name contains a text (admin)',
      description: 'From the read models: an organization created a moment ago appears once the projector has it (see `freshness`).',
      tag: 'organizations',
      access: 'admin',
      query: organizationListQuery,
      responses: { 200: { description: 'A page of organizations', schema: organizationList } },
      handle: async ({ query }, { queries }) =>
        json(200, await queries.listOrganizations({ containing: query.search, after: query.after, limit: query.limit, waitForPosition: query.waitForPosition })),
    }),
    defineRoute({
      method: 'post',
      path: '/api/organizations',
      operationId: 'createOrganization',
      summary: 'Create an organization (admin)',
      tag: 'organizations',
      access: 'admin',
      body: { schema: createOrganizationBody, required: true },
      organizationOf: ({ body }) => body.organizationId,
      responses: { 201: { description: 'Created', schema: createdOrganization } },
      handle: async ({ body }, { commands, organizations }) => {
        // Creating is not updating: an existing id is a conflict, not a silent change of its settings.
        if (await organizations.exists(body.organizationId)) {
          throw new HttpProblem('conflict', `organization ${JSON.stringify(body.organizationId)} already exists; change it with PATCH`, {
            errors: [{ path: 'organizationId', message: 'already exists' }],
          });
        }
        const result = await commands.configureOrganization(body);
        return {
          status: 201,
          body: { organizationId: body.organizationId, ...result },
          headers: { Location: `/api/organizations/${encodeURIComponent(body.organizationId)}` },
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/organizations/{orgId}',
      operationId: 'getOrganization',
      summary: "An organization's settings, own features and configured quotas",
      tag: 'organizations',
      access: 'organization',
      params: organizationPathParams,
      query: readQuery,
      organizationOf: ({ params }) => params.orgId,
      responses: { 200: { description: 'The organization', schema: organizationView } },
      handle: async ({ params, query }, { queries }) => json(200, await queries.getOrganization(params.orgId, { waitForPosition: query.waitForPosition })),
    }),
    defineRoute({
      method: 'patch',
      path: '/api/organizations/{orgId}',
      operationId: 'updateOrganization',
      summary: "Change an organization's settings",
      tag: 'organizations',
      access: 'organization',
      params: organizationPathParams,
      body: { schema: updateOrganizationBody, required: true },
      organizationOf: ({ params }) => params.orgId,
      responses: { 200: { description: 'Changed (changed: false when nothing changed)', schema: writeResult } },
      handle: async ({ params, body }, { commands, organizations }) => {
        // Configuring an unknown id would create it; only POST /api/organizations may do that.
        if (!(await organizations.exists(params.orgId))) throw organizationNotFound();
        return json(200, await commands.configureOrganization({ ...body, organizationId: params.orgId }));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/organizations/{orgId}/features',
      operationId: 'defineCustomFeature',
      summary: 'Define a metered feature of this organization beyond the built-in ten',
      tag: 'organizations',
      access: 'organization',
      params: organizationPathParams,
      body: { schema: customFeatureBody, required: true },
      organizationOf: ({ params }) => params.orgId,
      responses: { 200: { description: 'Defined (changed: false when it already was)', schema: writeResult } },
      handle: async ({ params, body }, { commands }) => json(200, await commands.defineCustomFeature({ organizationId: params.orgId, ...body })),
    }),
  ];
}
