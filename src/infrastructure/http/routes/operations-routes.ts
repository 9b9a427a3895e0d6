// Routes for operators and machines: liveness, readiness (event store and
// MongoDB reachable), Prometheus metrics and the OpenAPI document. None needs a
// key, and none reveals anything about an organization.
import { z } from 'zod';
import { defineRoute, json, type ApiRoute } from '../api-route';
import { UNAVAILABLE_RETRY_AFTER_SECONDS } from '../error-handler';
import { HttpProblem } from '../problem-details';
import { health, readiness } from '../schemas/operations-schemas';

export function operationsRoutes(): ApiRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/healthz',
      operationId: 'health',
      summary: 'Liveness: the process answers',
      tag: 'operations',
      access: 'public',
      responses: { 200: { description: 'Alive', schema: health } },
      handle: async () => json(200, { status: 'ok' }),
    }),
    defineRoute({
      method: 'get',
      path: '/readyz',
      operationId: 'readiness',
      summary: 'Readiness: the event store and MongoDB answer',
      tag: 'operations',
      access: 'public',
      responses: { 200: { description: 'Ready', schema: readiness } },
      handle: async (_input, { readiness: probe }) => {
        const checks = await probe.check();
        if (checks.eventStore !== 'up' || checks.mongodb !== 'up') {
          throw new HttpProblem('service-unavailable', 'A storage dependency is unreachable.', {
            retryAfterSeconds: UNAVAILABLE_RETRY_AFTER_SECONDS,
            extensions: { checks },
          });
        }
        return json(200, { status: 'ready', checks });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/metrics',
      operationId: 'metrics',
      summary: 'Prometheus metrics',
      tag: 'operations',
      access: 'public',
      responses: { 200: { description: 'Prometheus text exposition format', schema: z.string(), contentType: 'text/plain' } },
      handle: async (_input, { metrics }) => ({
        status: 200,
        body: await metrics.registry.metrics(),
        contentType: metrics.registry.contentType,
      }),
    }),
    defineRoute({
      method: 'get',
      path: '/openapi.json',
      operationId: 'openApiDocument',
      summary: 'This API described in OpenAPI 3.1',
      tag: 'operations',
      access: 'public',
      responses: { 200: { description: 'The OpenAPI document', schema: z.record(z.string(), z.unknown()) } },
      handle: async (_input, { openApiDocument }) => json(200, openApiDocument()),
    }),
  ];
}
