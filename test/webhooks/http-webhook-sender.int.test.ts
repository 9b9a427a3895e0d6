// One delivery attempt on the wire, against real receivers on loopback: what
// comes back (status, latency, the first 256 characters of the answer),
// time limits, redirects not followed, connection errors, and the address
// policy applied to the connection itself: by default a receiver on a private
// or loopback address is never connected to, named or not.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpWebhookSender } from '../../src/infrastructure/webhooks/http-webhook-sender';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver';

const allowed = new HttpWebhookSender({ allowPrivateAddresses: true });
const guarded = new HttpWebhookSender({ allowPrivateAddresses: false });
const post = (sender: HttpWebhookSender, url: string, timeoutMs = 2_000) =>
  sender.post({ url, body: '{"id":"evt"}', headers: { 'Tally-Signature': 't=1,v1=00', 'Tally-Event-Id': 'evt' }, timeoutMs });

describe('a delivery attempt over HTTP', () => {
  let receiver: WebhookReceiver;
  let silent: Server;
  let silentUrl: string;

  beforeAll(async () => {
    receiver = await startWebhookReceiver((request) => {
      if (request.path.endsWith('/long')) return { status: 502, body: `${'é'.repeat(300)}and much more` };
      if (request.path.endsWith('/moved')) return { status: 301, body: '' };
      return { status: 202, body: 'queued' };
    });
    // Takes the request and never answers.
    silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    silentUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/hooks`;
  });

  afterAll(async () => {
    await receiver.close();
    silent.closeAllConnections();
    await new Promise((resolve) => silent.close(resolve));
  });

  it('posts the body with its headers and says what came back', async () => {
    const answer = await post(allowed, receiver.url);
    expect(answer).toEqual({ statusCode: 202, latencyMs: expect.any(Number), responseExcerpt: 'queued', error: null });
    const [request] = receiver.received.slice(-1);
    expect(request.rawBody.toString()).toBe('{"id":"evt"}');
    expect(request.headers).toMatchObject({ 'content-type': 'application/json', 'tally-signature': 't=1,v1=00', 'tally-event-id': 'evt', 'user-agent': 'Tally-Webhooks/1' });
  });

  it('keeps no more than the first 256 characters of an answer', async () => {
    const answer = await post(allowed, `${receiver.url}/long`);
    expect(answer.statusCode).toBe(502);
    expect(answer.responseExcerpt).toBe('é'.repeat(256));
  });

  it('does not follow redirects', async () => {
    const before = receiver.received.length;
    expect((await post(allowed, `${receiver.url}/moved`)).statusCode).toBe(301);
    expect(receiver.received.length).toBe(before + 1);
  });

  it('gives up on a receiver that does not answer within the time limit', async () => {
    const answer = await post(allowed, silentUrl, 300);
    expect(answer).toMatchObject({ statusCode: null, responseExcerpt: null, error: 'no answer within 300 ms' });
  });

  it('reports a connection that cannot be made', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const answer = await post(allowed, `http://127.0.0.1:${port}/hooks`);
    expect(answer).toMatchObject({ statusCode: null, error: expect.stringContaining('ECONNREFUSED') });
  });

  it('by default never connects to a loopback receiver, whether the URL names its address or a name for it', async () => {
    const before = receiver.received.length;
    const port = new URL(receiver.url).port;
    for (const url of [receiver.url, `http://localhost:${port}/hooks/tally`, `http://[::ffff:127.0.0.1]:${port}/hooks/tally`]) {
      const answer = await post(guarded, url);
      expect({ url, answer }).toEqual({ url, answer: { statusCode: null, latencyMs: expect.any(Number), responseExcerpt: null, error: expect.stringMatching(/^refused: .* a loopback address/) } });
    }
    expect(receiver.received.length).toBe(before);
  });
});
