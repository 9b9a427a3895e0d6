// The usage endpoints: track one event, track a bulk, and read the
// current period's usage, its usage per day, the closed periods and the cost estimate.
import { defineRoute, json, type ApiRoute, type ApiServices } from '../api-route';
import { organizationPathParams, readQuery } from '../schemas/common-schemas';
import {
  costEstimate,
  currentUsage,
  currentUsageQuery,
  dailyUsage,
  dailyUsageQuery,
  historyQuery,
  trackBulkUsageBody,
  trackBulkUsageResult,
  trackUsageBody,
  trackUsageResult,
  usageHistory,
} from '../schemas/usage-schemas';

function countTracked(services: ApiServices, accepted: number, duplicates: number): void {
  if (accepted > 0) services.metrics.usageEventsAccepted.inc(accepted);
  if (duplicates > 0) services.metrics.usageEventsDuplicate.inc(duplicates);
}

export function usageRoutes(): ApiRoute[] {
  return [
    defineRoute({
      method: 'post',
      path: '/api/usage/track',
      operationId: 'trackUsage',
      limitedByHardQuotas: true,
      summary: 'Record one usage event',
      description: 'Durable when acknowledged. Resending the same idempotencyKey is acknowledged as a duplicate and never counted twice.',
      tag: 'usage',
      access: 'organization',
      body: { schema: trackUsageBody, required: true },
      organizationOf: ({ body }) => body.organizationId,
      responses: { 200: { description: 'Recorded (or acknowledged as a duplicate)', schema: trackUsageResult } },
      handle: async ({ body }, services) => {
        const result = await services.commands.trackUsage(body);
        countTracked(services, result.duplicate ? 0 : 1, result.duplicate ? 1 : 0);
        return json(200, result);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/usage/track/bulk',
      operationId: 'trackBulkUsage',
      limitedByHardQuotas: true,
      summary: "Record up to 10,000 usage events of one organization, all or none",
      tag: 'usage',
      access: 'organization',
      body: { schema: trackBulkUsageBody, required: true },
      organizationOf: ({ body }) => body.organizationId,
      responses: { 200: { description: 'All recorded, none recorded on error', schema: trackBulkUsageResult } },
      handle: async ({ body }, services) => {
        const result = await services.commands.trackBulkUsage(body.organizationId, body.items);
        countTracked(services, result.accepted, result.duplicates);
        return json(200, result);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/usage/{orgId}',
      operationId: 'getCurrentUsage',
      summary: "The open billing period's usage and overage per feature",
      tag: 'usage',
      access: 'organization',
      params: organizationPathParams,
      query: currentUsageQuery,
      organizationOf: ({ params }) => params.orgId,
      responses: { 200: { description: 'Current usage', schema: currentUsage } },
      handle: async ({ params, query }, { queries }) =>
        json(
          200,
          await queries.getCurrentUsage({
            organizationId: params.orgId,
            features: query.features?.split(','),
            waitForPosition: query.waitForPosition,
          }),
        ),
    }),
    defineRoute({
      method: 'get',
      path: '/api/usage/{orgId}/daily',
      operationId: 'getDailyUsage',
      summary: "A billing period's usage per local day and feature",
      description: "Days in the organization's time zone; only days and features with usage. The open period unless `period` names another.",
      tag: 'usage',
      access: 'organization',
      params: organizationPathParams,
      query: dailyUsageQuery,
      organizationOf: ({ params }) => params.orgId,
      responses: { 200: { description: 'Usage per day and feature', schema: dailyUsage } },
      handle: async ({ params, query }, { queries }) =>
        json(200, await queries.getDailyUsage({ organizationId: params.orgId, period: query.period, waitForPosition: query.waitForPosition })),
    }),
    defineRoute({
      method: 'get',
      path: '/api/usage/{orgId}/history',
      operationId: 'getUsageHistory',
      summary: 'Closed billing periods, newest first',
      tag: 'usage',
      access: 'organization',
      params: organizationPathParams,
      query: historyQuery,
      organizationOf: ({ params }) => params.orgId,
      responses: { 200: { description: 'Usage history', schema: usageHistory } },
      handle: async ({ params, query }, { queries }) =>
        json(200, await queries.getUsageHistory({ organizationId: params.orgId, limit: query.limit, waitForPosition: query.waitForPosition })),
    }),
    defineRoute({
      method: 'get',
      path: '/api/usage/{orgId}/estimate',
      operationId: 'estimateUsageCosts',
      summary: 'Projected cost of the open billing period at the current run-rate',
      tag: 'usage',
      access: 'organization',
      params: organizationPathParams,
      query: readQuery,
      organizationOf: ({ params }) => params.orgId,
      responses: { 200: { description: 'Cost estimate', schema: costEstimate } },
      handle: async ({ params, query }, { queries }) =>
        json(200, await queries.estimateUsageCosts(params.orgId, { waitForPosition: query.waitForPosition })),
    }),
  ];
}
