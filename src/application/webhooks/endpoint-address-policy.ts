// Where Tally may send webhooks. An endpoint URL is chosen by whoever holds a
// key, and the worker POSTs to it from inside the deployment, so a URL naming a
// private, loopback or link-local address (the cloud metadata service is one)
// would let a tenant reach what only Tally should. Only public unicast
// addresses are allowed, checked when an endpoint is registered and again for
// every delivery (a name may resolve elsewhere by then), unless the operator
// allows private addresses (TALLY_WEBHOOK_ALLOW_PRIVATE=true: demos, tests, a
// receiver inside the same network on purpose).
import ipaddr from 'ipaddr.js';
import { validationError } from '../../domain/domain-error';

/** Resolves a host name to every address it has (IPv4 and IPv6). */
export interface HostResolver {
  resolve(hostname: string): Promise<readonly string[]>;
}

export const MAX_ENDPOINT_URL_LENGTH = 2_048;

/** Why an address may not receive webhooks (e.g. "loopback"), or null for a public unicast address. */
export function refusedAddressKind(address: string): string | null {
  if (!ipaddr.isValid(address)) return 'not an IP address';
  // process() turns IPv4-mapped IPv6 (::ffff:127.0.0.1) into the IPv4 address it carries.
  const range = ipaddr.process(address).range();
  return range === 'unicast' ? null : range;
}

/** The host of a URL as an IP literal (brackets of IPv6 removed), or null for a name. */
export function ipLiteralOf(url: URL): string | null {
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  return ipaddr.isValid(host) ? host : null;
}

/** The URL if its form may receive webhooks: http(s), a host, no credentials. Throws a validation error naming `field`. */
export function parseEndpointUrl(raw: string, field = 'url'): URL {
  if (raw.length > MAX_ENDPOINT_URL_LENGTH) throw validationError(field, `must be at most ${MAX_ENDPOINT_URL_LENGTH} characters`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw validationError(field, 'must be an absolute http or https URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw validationError(field, `must be an http or https URL, not ${url.protocol.slice(0, -1)}`);
  if (url.hostname === '') throw validationError(field, 'must name a host');
  // Credentials in a URL would be stored and shown with it; the signature is how a receiver knows Tally.
  if (url.username !== '' || url.password !== '') throw validationError(field, 'must not carry a user name or password');
  if (url.hash !== '') throw validationError(field, 'must not have a #fragment');
  return url;
}

/**
 * Refuses (with a validation error naming `field`) a URL whose host is, or
 * resolves to, an address that may not receive webhooks. A name that does not
 * resolve is refused too: there is nowhere to deliver to.
 */
export async function requireDeliverableHost(url: URL, resolver: HostResolver, allowPrivateAddresses: boolean, field = 'url'): Promise<void> {
  if (allowPrivateAddresses) return;
  const literal = ipLiteralOf(url);
  let addresses: readonly string[];
  if (literal !== null) {
    addresses = [literal];
  } else {
    try {
      addresses = await resolver.resolve(url.hostname);
    } catch {
      throw validationError(field, `the host ${url.hostname} does not resolve`);
    }
  }
  for (const address of addresses) {
    const refused = refusedAddressKind(address);
    if (refused !== null) {
      throw validationError(field, `must reach a public address; ${url.hostname} is ${literal === null ? `${address}, ` : ''}a ${refused} address (set TALLY_WEBHOOK_ALLOW_PRIVATE=true to allow private addresses)`);
    }
  }
}
