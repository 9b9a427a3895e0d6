// A real webhook receiver on loopback for the tests: it records every request
// exactly as it arrived (raw body, headers), answers as the test scripts it
// (a status per request, or a request held open until the test lets it go),
// and keeps the set of event ids it accepted, as a receiver that dedupes by
// id would.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly rawBody: Buffer;
  readonly receivedAt: number;
}

/** What to answer a request: a status (and body), or `hold` to keep it open until `release()`. */
export type ReceiverAnswer = { readonly status: number; readonly body?: string } | 'hold';

export interface WebhookReceiver {
  readonly url: string;
  readonly received: ReceivedRequest[];
  /** Event ids answered 2xx, once each: what a receiver that dedupes by id has processed. */
  readonly processed: Set<string>;
  /** Resolves when `count` requests have arrived. */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedRequest[]>;
  /** Answers every held request with this status and lets later ones through as scripted. */
  release(status: number): void;
  close(): Promise<void>;
}

export async function startWebhookReceiver(answer: (request: ReceivedRequest, index: number) => ReceiverAnswer = () => ({ status: 200 })): Promise<WebhookReceiver> {
  const received: ReceivedRequest[] = [];
  const processed = new Set<string>();
  const held: ServerResponse[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request: ReceivedRequest = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, rawBody: Buffer.concat(chunks), receivedAt: Date.now() };
      const index = received.push(request) - 1;
      for (const waiter of waiters.filter((w) => received.length >= w.count)) waiter.resolve();
      const scripted = answer(request, index);
      if (scripted === 'hold') {
        held.push(res);
        return;
      }
      if (scripted.status >= 200 && scripted.status < 300) processed.add(String(req.headers['tally-event-id']));
      res.writeHead(scripted.status, { 'content-type': 'text/plain' }).end(scripted.body ?? '');
    });
  });
  // Held connections of a killed sender must not keep the server from closing.
  server.keepAliveTimeout = 100;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/hooks/tally`,
    received,
    processed,
    waitFor(count, timeoutMs = 20_000) {
      if (received.length >= count) return Promise.resolve(received.slice());
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`the receiver got ${received.length} of ${count} requests within ${timeoutMs} ms`)), timeoutMs);
        waiters.push({
          count,
          resolve: () => {
            clearTimeout(timer);
            resolve(received.slice());
          },
        });
      });
    },
    release(status) {
      for (const res of held.splice(0)) if (!res.destroyed) res.writeHead(status).end();
    },
    async close() {
      for (const res of held.splice(0)) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
