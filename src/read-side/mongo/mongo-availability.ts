// Which MongoDB driver errors mean "the database is unreachable" rather than a
// bug, so the read side can report them through its port's
// ReadModelsUnavailableError and nothing outside it needs the driver's classes.
import { MongoNetworkError, MongoNotConnectedError, MongoServerSelectionError, MongoTopologyClosedError } from 'mongodb';
import { ReadModelsUnavailableError } from '../../application/ports/usage-read-models';

export function isMongoUnreachable(error: unknown): boolean {
  return (
    error instanceof MongoNetworkError ||
    error instanceof MongoServerSelectionError ||
    error instanceof MongoNotConnectedError ||
    error instanceof MongoTopologyClosedError
  );
}

/** Runs a read, turning an unreachable database into ReadModelsUnavailableError. */
export async function whileReachable<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (isMongoUnreachable(error)) throw new ReadModelsUnavailableError('the read models are unreachable; try again shortly', { cause: error });
    throw error;
  }
}
