// One MongoDB client per process for the read models. The same code runs on
// MongoDB and on FerretDB v1, so options stay within what both support.
import { MongoClient, type Db } from 'mongodb';

export interface MongoConnection {
  readonly client: MongoClient;
  readonly db: Db;
  close(): Promise<void>;
}

export async function connectMongo(url: string, databaseName: string): Promise<MongoConnection> {
  const client = new MongoClient(url, {
    // Fail fast when the server is down so callers can answer 503 instead of hanging.
    serverSelectionTimeoutMS: 5_000,
    connectTimeoutMS: 5_000,
    // FerretDB v1 has no retryable writes (no sessions/transactions); MongoDB works either way.
    retryWrites: false,
  });
  await client.connect();
  return { client, db: client.db(databaseName), close: () => client.close() };
}
