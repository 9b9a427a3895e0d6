// `tally export`: streams an organization's raw events to stdout or a file.
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { exportEvents, type ExportFormat } from '../../application/audit/event-export';
import { parseAsOf } from '../../application/audit/usage-as-of';
import { eventStoreSettings, readEnvironment } from '../../infrastructure/config/environment';
import { openEventStore } from '../../infrastructure/eventstore/open-event-store';

function writerFor(stream: NodeJS.WritableStream | WriteStream) {
  return async (chunk: string) => {
    // Respect backpressure: wait for the destination to drain before reading the next page.
    if (!stream.write(chunk)) await once(stream, 'drain');
  };
}

export async function runExport(options: { org: string; from?: string; to?: string; format: string; output?: string }): Promise<void> {
  if (options.format !== 'ndjson' && options.format !== 'csv') throw new Error(`--format must be ndjson or csv, got "${options.format}"`);
  const range = { from: options.from ? parseAsOf(options.from) : undefined, to: options.to ? parseAsOf(options.to) : undefined };
  const { store } = openEventStore(readEnvironment(eventStoreSettings), 'reader');
  const destination = options.output ? createWriteStream(options.output) : process.stdout;
  try {
    const exported = await exportEvents(store, options.org, options.format as ExportFormat, range, writerFor(destination));
    if (options.output) process.stderr.write(`exported ${exported} events to ${options.output}\n`);
  } finally {
    if (destination !== process.stdout) {
      (destination as WriteStream).end();
      await once(destination as WriteStream, 'close');
    }
    await store.close();
  }
}
