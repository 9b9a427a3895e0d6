// Quotas and corrections: configure a feature's included quantity and price
// (a per-unit price or a pricing model), remove it again, check it in real time, and let an
// operator correct an organization's usage with a reason.
import { defineRoute, json, type ApiRoute } from '../api-route';
import { featurePathParams, organizationPathParams, writeResult } from '../schemas/common-schemas';
import { configureQuotaBody, correctionBody } from '../schemas/quota-schemas';
import { quotaCheck, quotaCheckQuery, trackUsageResult } from '../schemas/usage-schemas';

export function quotaRoutes(): ApiRoute[] {
  return [
    defineRoute({
      method: 'post',
      path: '/api/usage/{orgId}/quota',
      operationId: 'configureQuota',
      summary: "Set a feature's included quantity and price",
      tag: 'quotas',
      access: 'organization',
      params: organizationPathParams,
      body: { schema: configureQuotaBody, required: true },
      organizationOf: ({ params }) => params.orgId,
      responses: { 200: { description: 'Configured (changed: false when nothing changed)', schema: writeResult } },
      handle: async ({ params, body }, { commands }) => json(200, await commands.configureQuota({ organizationId: params.orgId, ...body })),
    }),
    defineRoute({
      method: 'get',
      path: '/api/usage/{orgId}/quota/{feature}',
      operationId: 'checkQuota',
      summary: 'May the organization use N more units of the feature, and how much of its quota is left (exact: includes every acknowledged write)',
      tag: 'quotas',
      access: 'organization',
      params: featurePathParams,
      query: quotaCheckQuery,
      organizationOf: ({ params }) => params.orgId,
      responses: { 200: { description: 'Quota status', schema: quotaCheck } },
      handle: async ({ params, query }, { queries }) => json(200, await queries.checkQuota(params.orgId, params.feature, { quantity: query.quantity })),
    }),
    defineRoute({
      method: 'delete',
      path: '/api/usage/{orgId}/quota/{feature}',
      operationId: 'removeQuota',
      summary: "Remove the organization's quota for a feature (the catalogue default applies again)",
      tag: 'quotas',
      access: 'organization',
      params: featurePathParams,
      organizationOf: ({ params }) => params.orgId,
      responses: { 200: { description: 'Removed', schema: writeResult } },
      handle: async ({ params }, { commands }) => json(200, await commands.removeQuota(params.orgId, params.feature)),
    }),
    defineRoute({
      method: 'post',
      path: '/api/usage/{orgId}/corrections',
      operationId: 'correctUsage',
      summary: "Correct an organization's usage (admin): counts in the open period, with a reason",
      tag: 'quotas',
      access: 'admin',
      params: organizationPathParams,
      body: { schema: correctionBody, required: true },
      organizationOf: ({ params }) => params.orgId,
      responses: { 200: { description: 'Recorded (or acknowledged as a duplicate)', schema: trackUsageResult } },
      handle: async ({ params, body }, { commands }) => json(200, await commands.correctUsage({ organizationId: params.orgId, ...body })),
    }),
  ];
}
