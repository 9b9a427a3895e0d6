// Connections to the Temporal service, for clients (API, reactors, CLI) and for workers.
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';

export interface TemporalSettings {
  readonly address: string;
  readonly namespace: string;
  /** How long to wait for the server when connecting; the SDK's default (10 s) when absent. */
  readonly connectTimeoutMs?: number;
}

export async function connectTemporalClient(settings: TemporalSettings): Promise<Client> {
  const connection = await Connection.connect({ address: settings.address, ...(settings.connectTimeoutMs !== undefined && { connectTimeout: settings.connectTimeoutMs }) });
  return new Client({ connection, namespace: settings.namespace });
}

export async function connectTemporalWorker(settings: TemporalSettings): Promise<NativeConnection> {
  return NativeConnection.connect({ address: settings.address });
}
