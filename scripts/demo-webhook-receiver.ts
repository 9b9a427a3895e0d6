// The demo's webhook receiver: a small HTTP server on loopback that checks
// each delivery's signature with @tally/sdk and prints what it got, once per
// event id (a delivery sent again, by a retry or a redelivery, is answered but
// not processed twice). `make demo` starts it and registers it as the demo
// organization's endpoint; its output is .data/demo/receiver.log.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { verifyWebhookSignature, WebhookSignatureError } from '@tally/sdk';

const directory = process.env.TALLY_DEMO_DIR ?? '.data/demo';
const port = Number(process.env.TALLY_DEMO_RECEIVER_PORT ?? 0);
const secretFile = join(directory, 'webhook.json');
const processed = new Set<string>();

/** The endpoint's secret, written by the demo's seed when it registers this receiver. */
function secret(): string | null {
  return existsSync(secretFile) ? (JSON.parse(readFileSync(secretFile, 'utf8')) as { secret: string }).secret : null;
}

const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const body = Buffer.concat(chunks);
    const key = secret();
    if (key === null) {
      response.writeHead(503).end('not registered yet');
      return;
    }
    try {
      const event = verifyWebhookSignature(body, request.headers['tally-signature'], key);
      if (processed.has(event.id)) {
        console.log(`${new Date().toISOString()} ${event.type} ${event.id} again (attempt ${request.headers['tally-delivery-attempt']}): already processed, not again`);
      } else {
        processed.add(event.id);
        console.log(`${new Date().toISOString()} ${event.type} ${event.id} for ${event.organizationId ?? 'every organization'}, signature verified\n${JSON.stringify(event.data, null, 2)}`);
      }
      response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    } catch (error) {
      if (!(error instanceof WebhookSignatureError)) throw error;
      console.log(`${new Date().toISOString()} refused a delivery: ${error.reason} (${error.message})`);
      response.writeHead(400, { 'content-type': 'text/plain' }).end(error.reason);
    }
  });
});

server.listen(port, '127.0.0.1', () => {
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/tally`;
  writeFileSync(join(directory, 'receiver.url'), url);
  console.log(`demo webhook receiver listening at ${url}`);
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => server.close(() => process.exit(0)));
