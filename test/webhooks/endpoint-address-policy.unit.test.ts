// Where webhooks may go: http(s) URLs without credentials, reaching public
// unicast addresses only, unless the operator allows private ones. Names are
// resolved by the system's resolver ("localhost" through /etc/hosts, a
// reserved .invalid name answered "not found").
import { parseEndpointUrl, refusedAddressKind, requireDeliverableHost } from '../../src/application/webhooks/endpoint-address-policy';
import { DomainError } from '../../src/domain/domain-error';
import { systemHostResolver } from '../../src/infrastructure/webhooks/dns-host-resolver';

const refusal = async (raw: string, allowPrivate = false): Promise<string | null> => {
  try {
    await requireDeliverableHost(parseEndpointUrl(raw), systemHostResolver, allowPrivate);
    return null;
  } catch (error) {
    if (error instanceof DomainError && error.field === 'url') return error.message;
    throw error;
  }
};

describe('the endpoint address policy', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['::1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['10.0.0.5', 'private'],
    ['172.16.3.4', 'private'],
    ['192.168.1.10', 'private'],
    ['169.254.169.254', 'linkLocal'],
    ['fe80::1', 'linkLocal'],
    ['fd00:ec2::254', 'uniqueLocal'],
    ['100.100.100.200', 'carrierGradeNat'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
  ])('refuses %s (%s)', (address, kind) => {
    expect(refusedAddressKind(address)).toBe(kind);
  });

  it.each(['8.8.8.8', '93.184.215.14', '2001:4860:4860::8888'])('allows the public address %s', (address) => {
    expect(refusedAddressKind(address)).toBeNull();
  });

  it('refuses private, loopback and link-local endpoints by default, however they are written', async () => {
    for (const url of [
      'http://127.0.0.1:8080/hooks',
      'http://localhost/hooks',
      'https://[::1]/hooks',
      'http://169.254.169.254/latest/meta-data/',
      'http://10.1.2.3/hooks',
      // Shorthand and integer forms that the URL parser turns into 127.0.0.1.
      'http://2130706433/hooks',
      'http://127.1/hooks',
      'http://0x7f.0.0.1/hooks',
      'http://[::ffff:7f00:1]/hooks',
    ]) {
      expect({ url, refusal: await refusal(url) }).toEqual({ url, refusal: expect.stringMatching(/must reach a public address/) });
    }
  });

  it('allows them when the operator allows private addresses', async () => {
    expect(await refusal('http://127.0.0.1:8080/hooks', true)).toBeNull();
    expect(await refusal('http://localhost/hooks', true)).toBeNull();
  });

  it('allows a public address, and refuses a name that does not resolve', async () => {
    expect(await refusal('https://93.184.215.14/hooks')).toBeNull();
    expect(await refusal('https://tally-hooks.invalid/hooks')).toMatch(/does not resolve/);
  });

  it('takes http and https URLs only, without credentials or a fragment', () => {
    const problem = (raw: string) => {
      try {
        parseEndpointUrl(raw);
        return null;
      } catch (error) {
        return error instanceof DomainError ? `${error.field}: ${error.message}` : String(error);
      }
    };
    expect(problem('https://billing.example.com/hooks/tally?source=tally')).toBeNull();
    expect(problem('ftp://billing.example.com/hooks')).toBe('url: must be an http or https URL, not ftp');
    expect(problem('file:///etc/passwd')).toBe('url: must be an http or https URL, not file');
    expect(problem('javascript:alert(1)')).toBe('url: must be an http or https URL, not javascript');
    expect(problem('/hooks/tally')).toBe('url: must be an absolute http or https URL');
    expect(problem('https://user:pass@billing.example.com/hooks')).toBe('url: must not carry a user name or password');
    expect(problem('https://billing.example.com/hooks#x')).toBe('url: must not have a #fragment');
    expect(problem(`https://billing.example.com/${'a'.repeat(2_100)}`)).toBe('url: must be at most 2048 characters');
  });
});
