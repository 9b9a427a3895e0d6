// The write side as every process assembles it: the command handler on the
// event store (one ledger per organization) and the usage commands callers
// use. The API, the worker's activities, the tests and the benchmarks all
// build it here.
import { randomUUID } from 'node:crypto';
import { OrganizationCommandHandler, type OrganizationCommandHandlerOptions } from '../application/organization/organization-command-handler';
import type { Clock, IdGenerator } from '../application/ports/clock';
import type { EventStore } from '../application/ports/event-store';
import { hasLedgerStorage } from '../application/ports/ledger-storage';
import { UsageCommands } from '../application/usage/usage-commands';

export const randomIds: IdGenerator = { newId: () => randomUUID() };

export interface WriteSide {
  readonly handler: OrganizationCommandHandler;
  readonly commands: UsageCommands;
}

export interface WriteSideParts {
  readonly eventStore: EventStore;
  readonly clock: Clock;
  /** Ids for usage sent without an idempotency key; random by default. */
  readonly ids?: IdGenerator;
  readonly handlerOptions?: OrganizationCommandHandlerOptions;
}

export function composeWriteSide(parts: WriteSideParts): WriteSide {
  // Snapshots and the key archive live beside the log, in whichever store it is.
  const ledgerStorage = hasLedgerStorage(parts.eventStore) ? parts.eventStore.ledgerStorage() : null;
  const handler = new OrganizationCommandHandler(parts.eventStore, parts.clock, { ledgerStorage, ...parts.handlerOptions });
  return { handler, commands: new UsageCommands(handler, parts.ids ?? randomIds) };
}
