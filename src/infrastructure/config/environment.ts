// Configuration from environment variables, validated with zod. Each process
// validates only what it uses; a missing or bad value stops start-up with a
// message naming the variable (and never printing secrets).
import { z } from 'zod';
import { webhookSettings } from './webhook-settings';

const port = z.coerce.number().int().min(0).max(65_535);
const positiveInt = z.coerce.number().int().positive();

export const eventStoreSettings = z.object({
  EVENTSTORE_CONNECTION_STRING: z.string().startsWith('esdb', 'must be an esdb:// or esdb+discover:// connection string').optional(),
  TALLY_EVENT_STORE_PATH: z.string().min(1).default('.data/tally/events.sqlite'),
});

export const mongoSettings = z.object({
  MONGODB_URL: z.string().regex(/^mongodb(\+srv)?:\/\//, 'must be a mongodb:// URL').default('mongodb://127.0.0.1:27017'),
  MONGODB_DATABASE: z.string().regex(/^[A-Za-z0-9_-]{1,63}$/, 'must be a database name').default('tally'),
});

export const temporalSettings = z.object({
  TEMPORAL_ADDRESS: z.string().min(3).default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('tally-billing'),
});

export const stripeSettings = z.object({
  STRIPE_API_KEY: z.string().regex(/^(sk|rk)_(test|live)_/, 'must be a Stripe secret or restricted key (sk_… or rk_…)'),
  STRIPE_API_HOST: z.string().min(1).optional(),
  STRIPE_API_PORT: port.optional(),
  STRIPE_API_PROTOCOL: z.enum(['http', 'https']).optional(),
});

export const projectorSettings = z.object({
  PROJECTOR_BATCH_SIZE: positiveInt.max(10_000).default(1_000),
  PROJECTOR_BATCH_WINDOW_MS: positiveInt.max(10_000).default(50),
  /** How long a stopped or crashed projector blocks a standby from taking over. */
  PROJECTOR_LEASE_MS: positiveInt.min(1_000).max(600_000).default(30_000),
});
export type ProjectorSettings = z.infer<typeof projectorSettings>;

export const apiSettings = z.object({
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: port.default(3000),
  TALLY_ADMIN_KEY: z.string().min(24, 'must be at least 24 characters (generate one with `openssl rand -hex 24`)'),
  TALLY_RATE_LIMIT_PER_SECOND: positiveInt.optional(),
  TALLY_BODY_LIMIT: z.string().regex(/^\d+(b|kb|mb)$/i, 'must be a size such as 5mb').default('5mb'),
});

/** `tally serve` only: also run the projector in the API process (one process for a demo; production runs `tally projector`). */
export const embeddedProjectorSettings = z.object({
  TALLY_EMBEDDED_PROJECTOR: z.enum(['true', 'false'], 'must be "true" or "false"').default('false').transform((value) => value === 'true'),
});

export const loggingSettings = z.object({
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

/** How often the billing-period workflows the worker starts record running totals and report to Stripe. */
export const billingScheduleSettings = z.object({
  TALLY_AGGREGATION_INTERVAL_MINUTES: positiveInt.max(24 * 60).default(60),
  TALLY_REPORT_INTERVAL_MINUTES: positiveInt.max(7 * 24 * 60).default(24 * 60),
});

/** `tally worker`: the Temporal worker of the billing-period workflows and the reactor that starts them. */
export const workerSettings = eventStoreSettings
  .extend(mongoSettings.shape)
  .extend(temporalSettings.shape)
  .extend(stripeSettings.shape)
  .extend(projectorSettings.shape)
  .extend(billingScheduleSettings.shape)
  .extend(webhookSettings.shape)
  .extend(loggingSettings.shape);
export type WorkerSettings = z.infer<typeof workerSettings>;

/** `tally serve`: the HTTP API (and, when asked, a projector in the same process). */
export const serveSettings = apiSettings
  .extend(eventStoreSettings.shape)
  .extend(mongoSettings.shape)
  .extend(loggingSettings.shape)
  .extend(projectorSettings.shape)
  .extend(embeddedProjectorSettings.shape)
  .extend(temporalSettings.shape)
  .extend(webhookSettings.shape);

/** `tally projector`: keeps the MongoDB read models current from the event log. */
export const projectorProcessSettings = eventStoreSettings.extend(mongoSettings.shape).extend(projectorSettings.shape).extend(loggingSettings.shape);

export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';
}

/** Parses the variables a process needs; the error names each bad variable and why. */
export function readEnvironment<T extends z.ZodType>(schema: T, env: NodeJS.ProcessEnv = process.env): z.infer<T> {
  const result = schema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(environment)'}: ${issue.message}`);
    throw new ConfigurationError(`invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  return result.data;
}
