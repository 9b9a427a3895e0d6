// Puts the API process together from its parts: the write side on the event
// store, the queries on the read models, API keys, readiness, metrics.
// `tally serve`, the end-to-end tests and the benchmarks all build the app
// here, so what is tested and measured is what runs.
import type { Db } from 'mongodb';
import type { Express } from 'express';
import { AlertRules } from '../application/alerts/alert-rules';
import { ApiKeys } from '../application/api-keys/api-keys';
import { OrganizationDirectory } from '../application/organization/organization-directory';
import { PeriodAudits } from '../application/audit/period-audit';
import type { BillingWorkflows } from '../application/ports/billing-workflows';
import type { Clock, IdGenerator } from '../application/ports/clock';
import type { EventStore } from '../application/ports/event-store';
import type { UsageCommands } from '../application/usage/usage-commands';
import { UsageQueries } from '../application/usage/usage-queries';
import { createApp, type AppOptions } from '../infrastructure/http/create-app';
import { createApiMetrics, type ApiMetrics } from '../infrastructure/http/http-metrics';
import { storeAndReadModelsProbe } from '../infrastructure/http/readiness-probe';
import type { Logger } from '../infrastructure/logging/logger';
import { usageReadModels } from './read-side';
import { composeWebhookEndpoints, type ApiWebhookSettings } from './webhooks';
import { composeWriteSide, randomIds } from './write-side';

export interface ApiParts {
  readonly eventStore: EventStore;
  /** What audits read an organization's whole period through; the event store when absent. */
  readonly historyStore?: EventStore;
  readonly db: Db;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly options: AppOptions;
  readonly ids?: IdGenerator;
  readonly workflows?: BillingWorkflows;
  /** A fresh registry with Node's default metrics when absent. */
  readonly metrics?: ApiMetrics;
  /** Without a secret key, webhook endpoints cannot be registered (503). */
  readonly webhooks?: ApiWebhookSettings;
}

export interface ComposedApi {
  readonly app: Express;
  readonly commands: UsageCommands;
  readonly queries: UsageQueries;
  readonly apiKeys: ApiKeys;
  readonly metrics: ApiMetrics;
}

export function composeApi(parts: ApiParts): ComposedApi {
  const { handler, commands } = composeWriteSide({ eventStore: parts.eventStore, clock: parts.clock, ids: parts.ids });
  const readModels = usageReadModels(parts.db);
  const queries = new UsageQueries(readModels, handler, parts.clock);
  const organizations = new OrganizationDirectory(parts.eventStore);
  const apiKeys = new ApiKeys(parts.eventStore, organizations, parts.clock);
  const metrics = parts.metrics ?? createApiMetrics();
  const app = createApp({
    commands,
    alertRules: new AlertRules(handler, parts.ids ?? randomIds),
    queries,
    apiKeys,
    organizations,
    audits: new PeriodAudits(parts.historyStore ?? parts.eventStore, readModels, { clock: parts.clock }),
    readiness: storeAndReadModelsProbe(parts.eventStore, readModels),
    clock: parts.clock,
    metrics,
    workflows: parts.workflows,
    webhooks: composeWebhookEndpoints({ eventStore: parts.eventStore, db: parts.db, clock: parts.clock, organizations, settings: parts.webhooks }),
    logger: parts.logger,
    options: parts.options,
  });
  return { app, commands, queries, apiKeys, metrics };
}
