// The Express app factory: every route of the API mounted from its declaration,
// request metrics around them, RFC 9457 answers for anything that goes wrong.
// It receives all it needs (commands, queries, keys, probes, metrics, logger),
// so tests and the `serve` command build it the same way with different parts.
import express, { type Express } from 'express';
import type { AlertRules } from '../../application/alerts/alert-rules';
import type { ApiKeys } from '../../application/api-keys/api-keys';
import type { Clock } from '../../application/ports/clock';
import type { OrganizationDirectory } from '../../application/organization/organization-directory';
import type { PeriodAudits } from '../../application/audit/period-audit';
import type { BillingWorkflows } from '../../application/ports/billing-workflows';
import type { UsageCommands } from '../../application/usage/usage-commands';
import type { UsageQueries } from '../../application/usage/usage-queries';
import type { WebhookEndpoints } from '../../application/webhooks/webhook-endpoints';
import type { Logger } from '../logging/logger';
import type { ApiRoute, ApiServices } from './api-route';
import { Authenticator } from './authentication';
import { errorHandler } from './error-handler';
import { requestMetrics, type ApiMetrics } from './http-metrics';
import { buildOpenApiDocument } from './openapi-document';
import { HttpProblem } from './problem-details';
import { TokenBucketRateLimiter } from './rate-limiter';
import type { ReadinessProbe } from './readiness-probe';
import { mountRoute, refuseUndeclaredMethods } from './route-mount';
import { apiKeyRoutes } from './routes/api-key-routes';
import { auditRoutes } from './routes/audit-routes';
import { billingRoutes } from './routes/billing-routes';
import { operationsRoutes } from './routes/operations-routes';
import { organizationRoutes } from './routes/organization-routes';
import { quotaRoutes } from './routes/quota-routes';
import { reservationRoutes } from './routes/reservation-routes';
import { alertRoutes } from './routes/alert-routes';
import { usageRoutes } from './routes/usage-routes';
import { webhookRoutes } from './routes/webhook-routes';
import { webConsole } from './web-console';

export interface AppOptions {
  /** The admin key (from TALLY_ADMIN_KEY): creates organizations and issues their keys. */
  readonly adminKey: string;
  /** Requests per second per key; no limit when absent. */
  readonly rateLimitPerSecond?: number;
  /** Largest accepted body, e.g. "5mb". */
  readonly bodyLimit?: string;
  /** How long a quota check may be answered from cache (its freshness says how old it is); 0 reads every time. */
  /** Shown in the OpenAPI document. */
  readonly version?: string;
}

export interface AppDependencies {
  readonly commands: UsageCommands;
  readonly alertRules: AlertRules;
  readonly queries: UsageQueries;
  readonly apiKeys: ApiKeys;
  readonly organizations: OrganizationDirectory;
  readonly audits: PeriodAudits;
  readonly readiness: ReadinessProbe;
  readonly clock: Clock;
  readonly metrics: ApiMetrics;
  readonly workflows?: BillingWorkflows;
  readonly webhooks?: WebhookEndpoints;
  readonly logger: Logger;
  readonly options: AppOptions;
}

/** Every route of the API, in mounting order. */
export function apiRoutes(): ApiRoute[] {
  return [...operationsRoutes(), ...organizationRoutes(), ...apiKeyRoutes(), ...usageRoutes(), ...quotaRoutes(), ...reservationRoutes(), ...alertRoutes(), ...billingRoutes(), ...auditRoutes(), ...webhookRoutes()];
}

export function createApp(deps: AppDependencies): Express {
  const routes = apiRoutes();
  let openApiDocument: unknown;
  const services: ApiServices = {
    commands: deps.commands,
    alertRules: deps.alertRules,
    queries: deps.queries,
    apiKeys: deps.apiKeys,
    organizations: deps.organizations,
    audits: deps.audits,
    readiness: deps.readiness,
    metrics: deps.metrics,
    workflows: deps.workflows,
    webhooks: deps.webhooks,
    openApiDocument: () => (openApiDocument ??= buildOpenApiDocument(routes, { version: deps.options.version ?? '0.1.0' })),
  };
  const mountOptions = {
    authenticator: new Authenticator(deps.options.adminKey, deps.apiKeys),
    rateLimiter: deps.options.rateLimitPerSecond ? new TokenBucketRateLimiter(deps.options.rateLimitPerSecond) : undefined,
    bodyLimit: deps.options.bodyLimit ?? '5mb',
  };

  const app = express();
  app.disable('x-powered-by');
  // Answers are computed per request; hashing each one for an ETag would only cost time.
  app.set('etag', false);
  app.use(requestMetrics(deps.metrics));
  for (const route of routes) mountRoute(app.router, route, services, mountOptions);
  refuseUndeclaredMethods(app.router, routes);
  app.use(webConsole());
  app.use((req) => {
    throw new HttpProblem('not-found', `There is no route ${req.method} ${req.path.slice(0, 200)}.`);
  });
  app.use(errorHandler(deps.logger));
  return app;
}
