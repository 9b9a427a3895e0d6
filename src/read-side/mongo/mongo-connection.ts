// One MongoDB client per process for the read models. The same code runs on
// MongoDB and on FerretDB v1, so options stay within what both support.
//
// Connecting does not wait for the server: the driver connects on first use
// and again after an outage, and each operation fails within the server
// selection timeout while the server is away (reported as the read models'
// ReadModelsUnavailableError). So a process whose work does not need MongoDB
// (tracking usage) starts and serves while MongoDB is down.
import { MongoClient, type Db } from 'mongodb';

export interface MongoConnection {
  readonly client: MongoClient;
  readonly db: Db;
  close(): Promise<void>;
}

// Fail fast when the server is down so callers can answer 503 instead of hanging.
const SERVER_SELECTION_TIMEOUT_MS = 5_000;

export interface MongoConnectionOptions {
  /** Wait until the server answers (one-shot commands that need it at once); false by default. */
  readonly waitForServer?: boolean;
  /** Told when a connection attempt in the background fails (it is tried again on next use). */
  readonly onUnreachable?: (error: unknown) => void;
}

// A client whose first connection failed is closed for good by the driver; it is connected again
// (every second, until it succeeds) before anything else can use it.
const RECONNECT_INTERVAL_MS = 1_000;

export async function connectMongo(url: string, databaseName: string, options: MongoConnectionOptions = {}): Promise<MongoConnection> {
  const client = new MongoClient(url, {
    serverSelectionTimeoutMS: SERVER_SELECTION_TIMEOUT_MS,
    connectTimeoutMS: SERVER_SELECTION_TIMEOUT_MS,
    // FerretDB v1 has no retryable writes (no sessions/transactions); MongoDB works either way.
    retryWrites: false,
  });
  let closed = false;
  if (options.waitForServer) {
    await client.connect();
  } else {
    // Once connected, the driver itself rides out later outages; only the first connection needs this.
    void (async () => {
      for (let attempt = 0; !closed; attempt++) {
        try {
          await client.connect();
          return;
        } catch (error) {
          if (attempt === 0) options.onUnreachable?.(error);
          await new Promise((resolve) => setTimeout(resolve, RECONNECT_INTERVAL_MS).unref());
        }
      }
    })();
  }
  return {
    client,
    db: client.db(databaseName),
    close: async () => {
      closed = true;
      await client.close();
    },
  };
}
