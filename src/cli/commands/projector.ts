// `tally projector`: keeps the MongoDB read models current until SIGINT or
// SIGTERM, then finishes its batch, stores the checkpoint and exits.
import { systemClock } from '../../application/ports/clock';
import { projectorProcessSettings, readEnvironment } from '../../infrastructure/config/environment';
import { openEventStore } from '../../infrastructure/eventstore/open-event-store';
import { createLogger } from '../../infrastructure/logging/logger';
import { connectMongo } from '../../read-side/mongo/mongo-connection';
import { usageProjector } from '../../composition/read-side';

const LAG_LOG_INTERVAL_MS = 10_000;

export async function runProjector(): Promise<void> {
  const config = readEnvironment(projectorProcessSettings);
  const logger = createLogger(config.LOG_LEVEL, 'tally-projector');
  const { store, description } = openEventStore(config, 'reader');
  const mongo = await connectMongo(config.MONGODB_URL, config.MONGODB_DATABASE, {
    onUnreachable: (error) => logger.warn({ err: error }, 'MongoDB is unreachable; the read models answer 503 until it is back'),
  });
  const projector = usageProjector(store, mongo.db, systemClock, config, logger);
  const stop = (signal: string) => {
    logger.info({ signal }, 'stopping after the current batch');
    projector.stop();
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
  const lagTimer = setInterval(() => {
    projector.lag().then(
      (lag) => logger.info({ ...lag, applied: projector.appliedEvents }, 'projector lag'),
      () => undefined,
    );
  }, LAG_LOG_INTERVAL_MS);
  lagTimer.unref();
  logger.info({ eventStore: description, database: config.MONGODB_DATABASE }, 'projector started');
  try {
    await projector.run();
  } finally {
    clearInterval(lagTimer);
    await mongo.close();
    await store.close();
    logger.info({ position: projector.currentPosition()?.toString() ?? null }, 'projector stopped');
  }
}
