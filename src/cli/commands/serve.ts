// `tally serve`: the HTTP API. Configuration comes from the environment and is
// validated before anything starts; SIGINT/SIGTERM stop it gracefully: no new
// connections, requests in flight answered, then the stores closed. The read
// models are kept by `tally projector`; TALLY_EMBEDDED_PROJECTOR=true (or
// --embedded-projector) runs one in this process instead, for a one-process demo.
import { systemClock } from '../../application/ports/clock';
import { readEnvironment, serveSettings } from '../../infrastructure/config/environment';
import { openEventStore, openHistoryReader } from '../../infrastructure/eventstore/open-event-store';
import { listen } from '../../infrastructure/http/api-server';
import { createLogger } from '../../infrastructure/logging/logger';
import { connectMongo } from '../../read-side/mongo/mongo-connection';
import { ReconnectingBillingWorkflows } from '../../workflows/reconnecting-billing-workflows';
import { ReconnectingWebhookDeliveries } from '../../workflows/webhooks/reconnecting-webhook-deliveries';
import { webhookTaskQueue } from '../../workflows/webhooks/webhook-delivery-types';
import { webhookRetryPolicyOf } from '../../infrastructure/config/webhook-settings';
import { composeApi } from '../../composition/api';
import { usageProjector } from '../../composition/read-side';

export interface ServeOptions {
  readonly embeddedProjector?: boolean;
}

// The billing-workflow routes answer 503 within these times when Temporal or the worker is down, instead of hanging.
const TEMPORAL_CONNECT_TIMEOUT_MS = 3_000;
// Well inside the 5 s promised, so a busy machine still answers on time.
const TEMPORAL_CALL_TIMEOUT_MS = 2_500;
const WORKFLOW_QUERY_TIMEOUT_MS = 3_000;

export async function runServe(options: ServeOptions = {}): Promise<void> {
  const config = readEnvironment(serveSettings);
  const logger = createLogger(config.LOG_LEVEL, 'tally-api');
  const { store, description } = openEventStore(config);
  const history = openHistoryReader(config);
  const mongo = await connectMongo(config.MONGODB_URL, config.MONGODB_DATABASE, {
    onUnreachable: (error) => logger.warn({ err: error }, 'MongoDB is unreachable; the read models answer 503 until it is back'),
  });

  // Connected on first use: tracking and queries never wait for Temporal, and the API starts without it.
  const workflows = new ReconnectingBillingWorkflows({
    temporal: { address: config.TEMPORAL_ADDRESS, namespace: config.TEMPORAL_NAMESPACE, connectTimeoutMs: TEMPORAL_CONNECT_TIMEOUT_MS },
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    queryTimeoutMs: WORKFLOW_QUERY_TIMEOUT_MS,
    callTimeoutMs: TEMPORAL_CALL_TIMEOUT_MS,
  });
  // Pings and redeliveries start their deliveries on Temporal, connected on first use as above.
  const webhookDeliveries = new ReconnectingWebhookDeliveries({
    temporal: { address: config.TEMPORAL_ADDRESS, namespace: config.TEMPORAL_NAMESPACE, connectTimeoutMs: TEMPORAL_CONNECT_TIMEOUT_MS },
    taskQueue: webhookTaskQueue(config.TEMPORAL_TASK_QUEUE),
    policy: webhookRetryPolicyOf(config),
    callTimeoutMs: TEMPORAL_CALL_TIMEOUT_MS,
  });
  const { app } = composeApi({
    eventStore: store,
    historyStore: history ?? undefined,
    db: mongo.db,
    clock: systemClock,
    logger,
    options: {
      adminKey: config.TALLY_ADMIN_KEY,
      rateLimitPerSecond: config.TALLY_RATE_LIMIT_PER_SECOND,
      bodyLimit: config.TALLY_BODY_LIMIT,
    },
    workflows,
    webhooks: { secretKey: config.TALLY_WEBHOOK_SECRET_KEY, allowPrivateAddresses: config.TALLY_WEBHOOK_ALLOW_PRIVATE, deliveries: webhookDeliveries },
  });

  const projector = options.embeddedProjector || config.TALLY_EMBEDDED_PROJECTOR ? usageProjector(store, mongo.db, systemClock, config, logger) : null;
  const projecting = projector?.run().catch((error: unknown) => logger.error({ err: error }, 'embedded projector stopped'));

  const server = await listen(app, config.HOST, config.PORT);
  logger.info({ url: server.url, eventStore: description, database: config.MONGODB_DATABASE, embeddedProjector: projector !== null }, 'API listening');

  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      logger.info({ signal }, 'stopping: answering requests in flight');
      resolve();
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });

  await server.close();
  await workflows.close();
  await webhookDeliveries.close();
  projector?.stop();
  await projecting;
  await mongo.close();
  await history?.close();
  await store.close();
  logger.info('API stopped');
}
