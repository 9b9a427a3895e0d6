// `tally worker`: runs the billing-period workflows and their activities on
// Temporal, and the billing reactor that starts a workflow for every
// organization and period; with a webhook secret key, also the webhook
// deliveries and their reactor. SIGINT/SIGTERM stop them all gracefully: the
// reactors store their checkpoints, the workers finish (or hand back) their tasks.
import { Runtime } from '@temporalio/worker';
import { systemClock } from '../../application/ports/clock';
import { readEnvironment, workerSettings } from '../../infrastructure/config/environment';
import { openEventStore } from '../../infrastructure/eventstore/open-event-store';
import { createLogger } from '../../infrastructure/logging/logger';
import { temporalLogger } from '../../infrastructure/logging/temporal-logger';
import { connectMongo } from '../../read-side/mongo/mongo-connection';
import { createStripeClient } from '../../infrastructure/stripe/stripe-client';
import { StripeGatewayAdapter } from '../../infrastructure/stripe/stripe-gateway-adapter';
import { connectTemporalClient, connectTemporalWorker } from '../../workflows/temporal-connection';
import { composeWorker } from '../../composition/worker';

export async function runWorker(): Promise<void> {
  const config = readEnvironment(workerSettings);
  const logger = createLogger(config.LOG_LEVEL, 'tally-worker');
  // The process handles its own signals, so the reactor and the worker stop in order.
  Runtime.install({ logger: temporalLogger(logger), shutdownSignals: [] });

  const { store, description } = openEventStore(config);
  const mongo = await connectMongo(config.MONGODB_URL, config.MONGODB_DATABASE, {
    onUnreachable: (error) => logger.warn({ err: error }, 'MongoDB is unreachable; the read models answer 503 until it is back'),
  });
  const temporal = { address: config.TEMPORAL_ADDRESS, namespace: config.TEMPORAL_NAMESPACE };
  const connection = await connectTemporalWorker(temporal);
  const client = await connectTemporalClient(temporal);
  try {
    const stripe = new StripeGatewayAdapter(
      createStripeClient({ apiKey: config.STRIPE_API_KEY, host: config.STRIPE_API_HOST, port: config.STRIPE_API_PORT, protocol: config.STRIPE_API_PROTOCOL }),
    );
    const { worker, reactor, webhooks } = await composeWorker({ store, db: mongo.db, clock: systemClock, stripe, connection, client, config, logger });
    const workers = [worker, ...(webhooks ? [webhooks.worker] : [])];
    const reactors = [reactor, ...(webhooks ? [webhooks.reactor] : [])];

    let stopping = false;
    const stop = (reason: string) => {
      if (stopping) return;
      stopping = true;
      logger.info({ reason }, 'stopping: the reactor stores its checkpoint, the worker finishes its tasks');
      for (const running of reactors) running.stop();
      for (const running of workers) if (running.getState() === 'RUNNING') running.shutdown();
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
    logger.info({ eventStore: description, taskQueue: config.TEMPORAL_TASK_QUEUE, namespace: config.TEMPORAL_NAMESPACE, webhooks: webhooks !== null }, 'worker started');
    // Any part failing stops the others, so the process exits and its supervisor restarts it whole.
    const outcomes = await Promise.allSettled([
      ...workers.map((running) => running.run().finally(() => stop('worker stopped'))),
      ...reactors.map((running) => running.run().finally(() => stop('reactor stopped'))),
    ]);
    const failure = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
    if (failure) throw failure.reason;
  } finally {
    await client.connection.close();
    await connection.close();
    await mongo.close();
    await store.close();
    logger.info('worker stopped');
  }
}
