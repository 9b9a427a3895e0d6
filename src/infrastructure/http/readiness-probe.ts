// Whether this process can serve: the event store and MongoDB both answer
// within a short deadline. `/readyz` asks it, so a load balancer stops sending
// traffic to an instance that would only answer 503.
import type { EventStore } from '../../application/ports/event-store';
import type { UsageReadModels } from '../../application/ports/usage-read-models';

export type DependencyState = 'up' | 'down';

export interface Readiness {
  readonly eventStore: DependencyState;
  readonly mongodb: DependencyState;
}

export interface ReadinessProbe {
  check(): Promise<Readiness>;
}

const DEFAULT_TIMEOUT_MS = 2_000;

async function answersWithin(timeoutMs: number, probe: () => Promise<unknown>): Promise<DependencyState> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<DependencyState>((resolve) => {
    timer = setTimeout(() => resolve('down'), timeoutMs);
  });
  try {
    return await Promise.race([probe().then((): DependencyState => 'up', (): DependencyState => 'down'), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

export function storeAndReadModelsProbe(eventStore: EventStore, readModels: Pick<UsageReadModels, 'ping'>, timeoutMs = DEFAULT_TIMEOUT_MS): ReadinessProbe {
  return {
    async check(): Promise<Readiness> {
      const [eventStoreState, mongodb] = await Promise.all([
        answersWithin(timeoutMs, () => eventStore.headPosition()),
        answersWithin(timeoutMs, () => readModels.ping()),
      ]);
      return { eventStore: eventStoreState, mongodb };
    },
  };
}
