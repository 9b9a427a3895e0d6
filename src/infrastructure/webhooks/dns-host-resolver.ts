// Host names resolved as the operating system resolves them for a connection
// (getaddrinfo: /etc/hosts, then DNS), every address of every family, so an
// endpoint is judged by all the places it may lead.
import { lookup } from 'node:dns/promises';
import type { HostResolver } from '../../application/webhooks/endpoint-address-policy';

export const systemHostResolver: HostResolver = {
  async resolve(hostname: string): Promise<readonly string[]> {
    const found = await lookup(hostname, { all: true, verbatim: true });
    return found.map((entry) => entry.address);
  },
};
