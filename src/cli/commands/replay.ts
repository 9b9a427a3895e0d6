// `tally replay`: rebuilds the read models from the first event, with a
// progress bar on a terminal and plain periodic lines otherwise. An
// interrupted replay resumes where it stopped (unless --restart).
import { SingleBar, Presets } from 'cli-progress';
import { systemClock } from '../../application/ports/clock';
import { eventStoreSettings, mongoSettings, readEnvironment } from '../../infrastructure/config/environment';
import { openEventStore } from '../../infrastructure/eventstore/open-event-store';
import { connectMongo } from '../../read-side/mongo/mongo-connection';
import { rebuildReadModels } from '../../composition/read-side';

export const PROJECTIONS = ['usage'] as const;

export interface ReplayOptions {
  readonly projection?: string;
  readonly restart?: boolean;
  readonly batchSize?: number;
}

const PLAIN_PROGRESS_INTERVAL_MS = 5_000;

function progressReporter(head: bigint, out: NodeJS.WriteStream) {
  const started = Date.now();
  const total = Number(head);
  if (out.isTTY) {
    const bar = new SingleBar({ format: 'replay [{bar}] {percentage}% | {value}/{total} events | {rate} events/s | {eta_formatted} left', stream: out }, Presets.shades_classic);
    bar.start(total, 0, { rate: 0 });
    return {
      update: (position: bigint) => bar.update(Number(position), { rate: Math.round(Number(position) / Math.max(0.001, (Date.now() - started) / 1000)) }),
      stop: () => bar.stop(),
    };
  }
  let lastLine = 0;
  return {
    update: (position: bigint) => {
      if (Date.now() - lastLine < PLAIN_PROGRESS_INTERVAL_MS) return;
      lastLine = Date.now();
      const seconds = (Date.now() - started) / 1000;
      const rate = Number(position) / Math.max(0.001, seconds);
      const left = rate > 0 ? Math.round((total - Number(position)) / rate) : 0;
      out.write(`replay: position ${position} of ${head} (${Math.round(rate)} events/s, about ${left} s left)\n`);
    },
    stop: () => undefined,
  };
}

export async function runReplay(options: ReplayOptions): Promise<void> {
  const projection = options.projection ?? 'usage';
  if (!(PROJECTIONS as readonly string[]).includes(projection)) {
    throw new Error(`unknown projection "${projection}"; known: ${PROJECTIONS.join(', ')}`);
  }
  const config = readEnvironment(eventStoreSettings.extend(mongoSettings.shape));
  const { store } = openEventStore(config, 'reader');
  const mongo = await connectMongo(config.MONGODB_URL, config.MONGODB_DATABASE, { waitForServer: true });
  try {
    const head = (await store.headPosition()) ?? 0n;
    const progress = progressReporter(head, process.stderr);
    const started = Date.now();
    const { applied, resumed } = await rebuildReadModels({
      store,
      db: mongo.db,
      clock: systemClock,
      restart: options.restart,
      batchSize: options.batchSize,
      onProgress: (_replayed, position) => progress.update(position),
    });
    progress.stop();
    const seconds = (Date.now() - started) / 1000;
    process.stdout.write(
      `${resumed ? 'resumed and finished' : 'rebuilt'} projection ${projection}: ${applied} events in ${seconds.toFixed(1)} s (${Math.round(applied / Math.max(seconds, 0.001))} events/s)\n`,
    );
  } finally {
    await mongo.close();
    await store.close();
  }
}
