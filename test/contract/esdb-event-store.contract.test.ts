// The EventStoreDB event store against the EventStore contract. It needs a real
// server: docker compose sets EVENTSTORE_CONNECTION_STRING. Without it the
// suite is skipped visibly (skipped tests in the report, and a line saying why),
// never faked.
import { EsdbEventStore } from '../../src/infrastructure/eventstore/esdb-event-store';
import { eventStoreContract } from './event-store.contract';

const connectionString = process.env.EVENTSTORE_CONNECTION_STRING;

if (connectionString === undefined || connectionString === '') {
  console.log(
    'EventStoreDB contract suite skipped: EVENTSTORE_CONNECTION_STRING is not set (docker compose sets it)',
  );
}

const describeWithServer = connectionString ? describe : describe.skip;

describeWithServer('EventStoreDB event store', () => {
  // A shared server: tests isolate themselves by random stream names.
  jest.setTimeout(30_000);

  eventStoreContract(
    'EventStoreDB',
    async () => {
      const store = EsdbEventStore.connect(connectionString as string);
      return { store, cleanup: () => store.close() };
    },
    { freshStorePerTest: false, deliveryTimeoutMs: 15_000 },
  );
});
