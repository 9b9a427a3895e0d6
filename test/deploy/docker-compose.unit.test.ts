// docker-compose.yml cannot run on machines without Docker, so this keeps it
// honest: every service Tally needs is declared, health-checked and wired.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { z } from 'zod';
import { projectorProcessSettings, serveSettings, workerSettings } from '../../src/infrastructure/config/environment';

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

// What a user exports before `docker compose up`, as the README says.
const userShell: Record<string, string> = { TALLY_ADMIN_KEY: 'k'.repeat(48) };

/** A service's environment as compose passes it: `${NAME:-default}` from the user's shell, else the default. */
function environmentOf(service: ComposeService | undefined): Record<string, string> {
  return Object.fromEntries(
    Object.entries(service?.environment ?? {}).map(([name, value]) => [
      name,
      String(value).replace(/\$\{([A-Z0-9_]+):-([^}]*)\}/g, (_match, variable: string, fallback: string) => userShell[variable] ?? fallback),
    ]),
  );
}

function requiredVariables(settings: z.ZodObject): string[] {
  return Object.entries(settings.shape)
    .filter(([, schema]) => !(schema as z.ZodType).safeParse(undefined).success)
    .map(([name]) => name);
}

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
    const environment = environmentOf(worker);

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
      const required = requiredVariables(workerSettings);
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

  describe.each([
    ['api', ['serve'], serveSettings],
    ['projector', ['projector'], projectorProcessSettings],
  ] as const)('the %s service', (name, command, settings) => {
    const service = compose.services[name];
    const environment = environmentOf(service);

    it(`runs \`tally ${command[0]}\` from the same image as the worker, once the event store and MongoDB are healthy`, () => {
      expect(service?.build).toBe('.');
      expect(service?.command).toEqual(command);
      expect(service?.depends_on).toEqual({ kurrentdb: { condition: 'service_healthy' }, mongodb: { condition: 'service_healthy' } });
    });

    it('sets every variable its configuration requires, with values it accepts', () => {
      for (const variable of requiredVariables(settings)) expect(environment).toHaveProperty(variable);
      expect(settings.safeParse(environment).error?.issues ?? []).toEqual([]);
      expect(environment).toMatchObject({ EVENTSTORE_CONNECTION_STRING: 'esdb://kurrentdb:2113?tls=false', MONGODB_URL: 'mongodb://mongodb:27017' });
    });
  });

  it('has the API listen inside its container, published on the loopback, health-checked by its readiness probe', () => {
    const api = compose.services.api;
    expect(environmentOf(api)).toMatchObject({ HOST: '0.0.0.0', PORT: '3000', TEMPORAL_ADDRESS: 'temporal:7233' });
    expect(api?.ports).toEqual(['127.0.0.1:3000:3000']);
    expect(JSON.stringify(api?.healthcheck?.test)).toContain('/readyz');
  });

  it('leaves the admin key to the user: without it the API refuses to start, naming the variable', () => {
    const withoutKey = { ...environmentOf(compose.services.api), TALLY_ADMIN_KEY: '' };
    expect(serveSettings.safeParse(withoutKey).error?.issues.map((issue) => issue.path.join('.'))).toEqual(['TALLY_ADMIN_KEY']);
  });
});
