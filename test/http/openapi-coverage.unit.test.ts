// The OpenAPI document covers the API exactly: every route the Express app
// actually has (read from its router, not from a list kept by hand) is in the
// document with the same method, and the document has nothing the app lacks.
import pino from 'pino';
import { Registry } from 'prom-client';
import type { AlertRules } from '../../src/application/alerts/alert-rules';
import type { ApiKeys } from '../../src/application/api-keys/api-keys';
import type { OrganizationDirectory } from '../../src/application/organization/organization-directory';
import type { PeriodAudits } from '../../src/application/audit/period-audit';
import type { UsageCommands } from '../../src/application/usage/usage-commands';
import type { UsageQueries } from '../../src/application/usage/usage-queries';
import { createApp } from '../../src/infrastructure/http/create-app';
import { createApiMetrics } from '../../src/infrastructure/http/http-metrics';
import request from 'supertest';

// Building the app touches none of its parts, so bare stand-ins are enough here.
const app = createApp({
  commands: {} as UsageCommands,
  alertRules: {} as AlertRules,
  queries: {} as UsageQueries,
  apiKeys: {} as ApiKeys,
  organizations: {} as OrganizationDirectory,
  audits: {} as PeriodAudits,
  readiness: { check: async () => ({ eventStore: 'up', mongodb: 'up' }) },
  clock: { now: () => new Date() },
  metrics: createApiMetrics(new Registry(), { defaultMetrics: false }),
  logger: pino({ level: 'silent' }),
  options: { adminKey: 'a'.repeat(32) },
});

function routesOfTheApp(): string[] {
  return app.router.stack
    .filter((layer) => layer.route)
    .flatMap((layer) => {
      const route = layer.route as NonNullable<typeof layer.route>;
      const openApiPath = route.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
      // Handlers without a method answer 405 for the methods a path does not take; they are not routes.
      const methods = route.stack.flatMap((handler) => (handler.method ? [handler.method] : []));
      return [...new Set(methods)].map((method) => `${method.toUpperCase()} ${openApiPath}`);
    });
}

describe('the OpenAPI document', () => {
  let document: { openapi: string; paths: Record<string, Record<string, unknown>> };

  beforeAll(async () => {
    const response = await request(app).get('/openapi.json');
    expect(response.status).toBe(200);
    document = response.body;
  });

  it('is OpenAPI 3.1', () => {
    expect(document.openapi).toBe('3.1.0');
  });

  it('lists every route the app has, and only those', () => {
    const inApp = routesOfTheApp();
    const inDocument = Object.entries(document.paths).flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`));
    expect(inApp.length).toBeGreaterThanOrEqual(19);
    expect(new Set(inApp).size).toBe(inApp.length);
    expect([...inApp].sort()).toEqual([...inDocument].sort());
  });

  it("has the seed's endpoints", () => {
    expect(routesOfTheApp()).toEqual(
      expect.arrayContaining([
        'POST /api/usage/track',
        'GET /api/usage/{orgId}',
        'GET /api/usage/{orgId}/history',
        'GET /api/usage/{orgId}/estimate',
        'POST /api/usage/{orgId}/quota',
      ]),
    );
  });
});
