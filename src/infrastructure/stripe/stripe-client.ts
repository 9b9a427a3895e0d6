// Builds the Stripe SDK client with a pinned API version, pointed at
// api.stripe.com in production or at stripe-mock in tests.
import Stripe from 'stripe';

// Pinned so a Stripe SDK upgrade never silently changes request or response shapes.
export const STRIPE_API_VERSION = '2026-10-28.endive';

export interface StripeConnectionSettings {
  readonly apiKey: string;
  readonly host?: string;
  readonly port?: number;
  readonly protocol?: 'http' | 'https';
  readonly maxNetworkRetries?: number;
  /** Replaces the SDK's HTTP client, e.g. so wire tests can see the exact requests sent. */
  readonly httpClient?: Stripe.HttpClient;
}

export function createStripeClient(settings: StripeConnectionSettings): Stripe {
  return new Stripe(settings.apiKey, {
    apiVersion: STRIPE_API_VERSION,
    host: settings.host,
    port: settings.port,
    protocol: settings.protocol,
    // Retries belong to the workflow's activity retry policy, which knows about periods and
    // identifiers; SDK-level retries would hide failures from it.
    maxNetworkRetries: settings.maxNetworkRetries ?? 0,
    telemetry: false,
    ...(settings.httpClient === undefined ? {} : { httpClient: settings.httpClient }),
  });
}
