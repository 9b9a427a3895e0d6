// An HTTP client for the Stripe SDK that records every request exactly as it goes
// on the wire (method, path, headers, form body) before passing it to stripe-mock,
// and that can answer chosen requests itself — for the answers a stateless mock
// never gives (an existing meter, a duplicate meter event, a 429, a 500).
// wiredGateway() puts it under the real adapter and Tally's client factory.
import Stripe from 'stripe';
import { createStripeClient } from '../../src/infrastructure/stripe/stripe-client';
import { StripeGatewayAdapter } from '../../src/infrastructure/stripe/stripe-gateway-adapter';
import { stackSettings } from '../support/stack-settings';

export interface WireRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: Readonly<Record<string, string>>;
  /** The form-encoded body, e.g. form.get('tiers[1][unit_amount_decimal]'). */
  readonly form: URLSearchParams;
}

export interface CannedAnswer {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** Returns an answer to give instead of stripe-mock's, or undefined to let the request through. */
export type Answerer = (request: WireRequest) => CannedAnswer | undefined;

function cannedResponse(answer: CannedAnswer): Stripe.HttpClientResponse {
  return {
    getStatusCode: () => answer.status,
    getHeaders: () => ({ 'request-id': 'req_canned', ...answer.headers }),
    getRawResponse: () => ({}),
    toStream: () => {
      throw new Error('canned answers are not streamed');
    },
    toJSON: () => Promise.resolve(answer.body),
  };
}

export class WireRecorder implements Stripe.HttpClient {
  readonly requests: WireRequest[] = [];
  private readonly network: Stripe.HttpClient = Stripe.createNodeHttpClient();
  private readonly answerers: Answerer[] = [];

  getClientName(): string {
    return 'tally-wire-recorder';
  }

  /** Answers matching requests without sending them on. */
  answer(answerer: Answerer): this {
    this.answerers.push(answerer);
    return this;
  }

  /** Requests to one path (without query), in order. */
  to(method: string, path: string): WireRequest[] {
    return this.requests.filter((request) => request.method === method && request.path === path);
  }

  makeRequest(
    host: string,
    port: string,
    path: string,
    method: string,
    headers: Parameters<Stripe.HttpClient['makeRequest']>[4],
    requestData: string,
    protocol: string,
    timeout: number,
  ): Promise<Stripe.HttpClientResponse> {
    const [pathname, query = ''] = path.split('?');
    const flatHeaders: Record<string, string> = {};
    for (const [name, value] of Object.entries(headers)) flatHeaders[name.toLowerCase()] = String(value);
    const request: WireRequest = {
      method,
      path: pathname,
      query: new URLSearchParams(query),
      headers: flatHeaders,
      form: new URLSearchParams(requestData ?? ''),
    };
    this.requests.push(request);
    for (const answerer of this.answerers) {
      const answer = answerer(request);
      if (answer) return Promise.resolve(cannedResponse(answer));
    }
    return this.network.makeRequest(host, port, path, method, headers, requestData, protocol, timeout);
  }
}

/** The real adapter on the real SDK, talking to stripe-mock through a fresh WireRecorder. */
export function wiredGateway(overrides: { apiKey?: string; port?: number } = {}): { gateway: StripeGatewayAdapter; wire: WireRecorder } {
  const settings = stackSettings();
  const wire = new WireRecorder();
  const stripe = createStripeClient({
    apiKey: overrides.apiKey ?? 'sk_test_123',
    host: settings.stripeApiHost,
    port: overrides.port ?? settings.stripeApiPort,
    protocol: settings.stripeApiProtocol,
    httpClient: wire,
  });
  return { gateway: new StripeGatewayAdapter(stripe), wire };
}
