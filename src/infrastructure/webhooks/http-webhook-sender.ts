// One delivery attempt over node:http(s). The address check sits in the
// connection's own name lookup, so the address checked is the address
// connected to (a name that changes between a check and the connection cannot
// slip through); an IP literal is checked before connecting. Redirects are not
// followed (a 3xx is an answer that is not 2xx), and only the first bytes of
// an answer are read, for the excerpt.
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { ipLiteralOf, refusedAddressKind } from '../../application/webhooks/endpoint-address-policy';
import { RESPONSE_EXCERPT_CHARS } from '../../application/webhooks/webhook-delivery-log';
import type { WebhookAnswer, WebhookPost, WebhookSender } from '../../application/webhooks/webhook-sender';

const USER_AGENT = 'Tally-Webhooks/1';
/** Enough bytes for the excerpt's characters in any UTF-8. */
const EXCERPT_BYTES = RESPONSE_EXCERPT_CHARS * 4;
const MAX_ERROR_CHARS = 300;

class RefusedAddressError extends Error {
  override readonly name = 'RefusedAddressError';
}

function refusal(host: string, address: string, kind: string): RefusedAddressError {
  return new RefusedAddressError(`refused: ${host} is ${host === address ? '' : `${address}, `}a ${kind} address (TALLY_WEBHOOK_ALLOW_PRIVATE is not true)`);
}

/** The system lookup, refusing names with any address that may not receive webhooks. */
function guardedLookup(allowPrivateAddresses: boolean): LookupFunction {
  return (hostname: string, options: LookupOptions, callback: (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '');
      if (!allowPrivateAddresses) {
        for (const { address } of addresses) {
          const kind = refusedAddressKind(address);
          if (kind !== null) return callback(refusal(hostname, address, kind), '');
        }
      }
      if (options.all) return callback(null, addresses);
      return callback(null, addresses[0].address, addresses[0].family);
    });
  };
}

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error)).slice(0, MAX_ERROR_CHARS);

export class HttpWebhookSender implements WebhookSender {
  private readonly lookup: LookupFunction;

  constructor(private readonly options: { readonly allowPrivateAddresses: boolean }) {
    this.lookup = guardedLookup(options.allowPrivateAddresses);
  }

  post(request: WebhookPost): Promise<WebhookAnswer> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const url = new URL(request.url);
    const literal = ipLiteralOf(url);
    const literalKind = literal === null || this.options.allowPrivateAddresses ? null : refusedAddressKind(literal);
    if (literal !== null && literalKind !== null) {
      return Promise.resolve({ statusCode: null, latencyMs: 0, responseExcerpt: null, error: refusal(literal, literal, literalKind).message });
    }
    return new Promise<WebhookAnswer>((resolve) => {
      let settled = false;
      const finish = (answer: WebhookAnswer) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(answer);
      };
      const transport = url.protocol === 'https:' ? https : http;
      const sent = transport.request(
        url,
        {
          method: 'POST',
          // A connection per attempt: deliveries are rare for any one receiver, and each is judged afresh.
          agent: false,
          lookup: this.lookup,
          headers: { ...request.headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(request.body), 'user-agent': USER_AGENT },
        },
        (response) => {
          const latencyMs = elapsed();
          const chunks: Buffer[] = [];
          let size = 0;
          const answered = () =>
            finish({
              statusCode: response.statusCode ?? null,
              latencyMs,
              responseExcerpt: size === 0 ? null : Buffer.concat(chunks).subarray(0, EXCERPT_BYTES).toString('utf8').slice(0, RESPONSE_EXCERPT_CHARS),
              error: null,
            });
          response.on('data', (chunk: Buffer) => {
            chunks.push(chunk);
            size += chunk.length;
            // The rest of the answer is of no use; stop reading it.
            if (size >= EXCERPT_BYTES) {
              answered();
              response.destroy();
            }
          });
          response.once('end', answered);
          response.once('close', answered);
          response.once('error', answered);
        },
      );
      const timer = setTimeout(() => sent.destroy(new Error(`no answer within ${request.timeoutMs} ms`)), request.timeoutMs);
      sent.once('error', (error) => finish({ statusCode: null, latencyMs: elapsed(), responseExcerpt: null, error: describe(error) }));
      sent.end(request.body);
    });
  }
}
