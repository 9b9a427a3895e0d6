// docker-compose.yml cannot run on machines without Docker, so this keeps it
// honest: every service Tally needs is declared, health-checked and wired.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { workerSettings } from '../../src/infrastructure/config/environment';

interface ComposeService {
  image?: string;
  build?: unknown;
  environment?: Record<string, string>;
  healthcheck?: { test: unknown };
  depends_on?: Record<string, { condition: string }>;
  ports?: string[];
  command?: string[];
}

const root = join(__dirname, '..', '..');
const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8')) as {
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

  describe('the worker service', () => {
    const worker = compose.services.worker;
    // Compose substitutes `${NAME:-default}` from the shell; without one set, the default applies.
    const environment = Object.fromEntries(
      Object.entries(worker?.environment ?? {}).map(([name, value]) => [name, String(value).replace(/\$\{[A-Z0-9_]+:-([^}]*)\}/g, '$1')]),
    );

    it('is built from the repository’s Dockerfile, a multi-stage Node 20 build, and runs `tally worker`', () => {
      expect(worker?.build).toBe('.');
      expect(worker?.command).toEqual(['worker']);
      const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
      expect(dockerfile.match(/^FROM node:20\S*/gm)?.length).toBeGreaterThanOrEqual(2);
      expect(dockerfile).toMatch(/^ENTRYPOINT \["node", "dist\/cli\/main\.js"\]/m);
      expect(existsSync(join(root, '.dockerignore'))).toBe(true);
    });

    it('starts once the event store, MongoDB, Temporal and stripe-mock are healthy', () => {
      expect(worker?.depends_on).toEqual({
        kurrentdb: { condition: 'service_healthy' },
        mongodb: { condition: 'service_healthy' },
        temporal: { condition: 'service_healthy' },
        'stripe-mock': { condition: 'service_healthy' },
      });
    });

    it('sets every variable the worker’s configuration requires, with values it accepts', () => {
      const required = Object.entries(workerSettings.shape)
        .filter(([, schema]) => !schema.safeParse(undefined).success)
        .map(([name]) => name);
      expect(required.length).toBeGreaterThan(0);
      for (const name of required) expect(environment).toHaveProperty(name);
      const parsed = workerSettings.safeParse(environment);
      expect(parsed.error?.issues ?? []).toEqual([]);
    });

    it('reaches the other services by their compose names', () => {
      expect(environment).toMatchObject({
        EVENTSTORE_CONNECTION_STRING: 'esdb://kurrentdb:2113?tls=false',
        MONGODB_URL: 'mongodb://mongodb:27017',
        TEMPORAL_ADDRESS: 'temporal:7233',
        STRIPE_API_HOST: 'stripe-mock',
        STRIPE_API_PORT: '12111',
        STRIPE_API_PROTOCOL: 'http',
      });
    });
  });
});
