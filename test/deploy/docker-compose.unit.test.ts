// docker-compose.yml cannot run on machines without Docker, so this keeps it
// honest: every service Tally needs is declared, health-checked and wired.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

interface ComposeService {
  image?: string;
  build?: unknown;
  environment?: Record<string, string>;
  healthcheck?: { test: unknown };
  depends_on?: Record<string, { condition: string }>;
  ports?: string[];
}

const compose = parse(readFileSync(join(__dirname, '..', '..', 'docker-compose.yml'), 'utf8')) as {
  services: Record<string, ComposeService>;
};

describe('docker-compose.yml', () => {
  it.each([
    ['kurrentdb', /^kurrentplatform\/kurrentdb:\d+/],
    ['mongodb', /^mongo:[78]\./],
    ['temporal', /^temporalio\/auto-setup:/],
    ['temporal-ui', /^temporalio\/ui:/],
    ['stripe-mock', /^stripe\/stripe-mock:v/],
  ])('declares %s with a pinned image', (name, image) => {
    expect(compose.services[name]?.image).toMatch(image);
    expect(compose.services[name]?.image).not.toMatch(/:latest$/);
  });

  it.each(['kurrentdb', 'mongodb', 'temporal', 'stripe-mock'])('health-checks %s', (name) => {
    expect(compose.services[name]?.healthcheck?.test).toBeDefined();
  });

  it('runs the event store as an insecure single node, as the connection strings expect', () => {
    expect(compose.services.kurrentdb.environment?.KURRENTDB_INSECURE).toBe('true');
  });

  it('publishes ports on the loopback address only', () => {
    for (const service of Object.values(compose.services)) {
      for (const port of service.ports ?? []) expect(port).toMatch(/^127\.0\.0\.1:/);
    }
  });
});
