// Thousands of generated malformed requests against every route of the
// OpenAPI document: bodies with a field of the wrong kind, a missing or an
// unknown field, bodies that are not JSON or not objects, wrong content types,
// oversized bodies, bad keys, bad query strings and path segments. Each must be
// refused with an RFC 9457 problem (never a 500) and nothing may be written.
import { mkdtempSync, rmSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import pino from 'pino';
import request from 'supertest';
import type { Express } from 'express';
import { systemClock } from '../../src/application/ports/clock';
import { composeApi } from '../../src/composition/api';
import { SqliteEventStore } from '../../src/infrastructure/eventstore/sqlite-event-store';
import { connectMongo, type MongoConnection } from '../../src/read-side/mongo/mongo-connection';
import {
  REFUSED_COMMIT_VALUES,
  REFUSED_CORRECTION_VALUES,
  REFUSED_RESERVATION_VALUES,
  REFUSED_USAGE_VALUES,
  REFUSED_VALUES,
  type RefusedValue,
} from '../support/invalid-business-values';
import { invalidValueFor, resolveSchema, type JsonSchema } from '../support/invalid-values';
import { stackSettings } from '../support/stack-settings';

interface BadRequest {
  readonly label: string;
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
  readonly expectedStatus: number;
  /** The field the problem's errors[] must name. */
  readonly expectedPath?: string;
}

interface Operation {
  readonly method: string;
  readonly path: string;
  readonly parameters: readonly { name: string; in: 'path' | 'query'; schema: JsonSchema }[];
  readonly bodySchema?: JsonSchema;
  readonly bodyRequired: boolean;
  readonly example?: Record<string, unknown>;
}

const ORG = 'org_fuzz';
const BODY_LIMIT = '16kb';
const NOT_JSON_TYPES = ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'application/octet-stream', 'text/json', 'application/json-patch'];

let app: Express;
let store: SqliteEventStore;
let mongo: MongoConnection;
let directory: string;
let adminKey: string;
let keyId: string;
let reservationId: string;
let components: Record<string, JsonSchema>;
let operations: Operation[];

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 'tally-fuzz-'));
  store = SqliteEventStore.open(join(directory, 'events.sqlite'));
  mongo = await connectMongo(stackSettings().mongodbUrl, `tally_fuzz_${randomUUID().slice(0, 12)}`);
  adminKey = randomUUID() + randomUUID();
  const composed = composeApi({ eventStore: store, db: mongo.db, clock: systemClock, logger: pino({ level: 'silent' }), options: { adminKey, bodyLimit: BODY_LIMIT } });
  app = composed.app;
  await composed.commands.configureOrganization({ organizationId: ORG, name: 'Fuzz' });
  ({ keyId } = await composed.apiKeys.issue(ORG));
  // A real reservation, so a commit's refused values reach the rules that refuse them.
  ({ reservationId } = await composed.commands.reserve({ organizationId: ORG, feature: 'AI_CLASSIFICATION', quantity: 20, expiresInSeconds: 86_400 }));
  const document = (await request(app).get('/openapi.json')).body;
  components = document.components.schemas;
  operations = Object.entries(document.paths as Record<string, Record<string, Record<string, never>>>).flatMap(([path, methods]) =>
    Object.entries(methods)
      .filter(([, operation]) => operation['x-tally-access'] !== 'public')
      .map(([method, operation]): Operation => {
        const media = (operation.requestBody as { content: Record<string, { schema: JsonSchema; example?: Record<string, unknown> }>; required?: boolean } | undefined);
        const json = media?.content['application/json'];
        return {
          method: method.toUpperCase(),
          path,
          parameters: (operation.parameters as Operation['parameters'] | undefined) ?? [],
          bodySchema: json && resolveSchema(json.schema, components),
          bodyRequired: media?.required === true,
          example: json?.example && ('organizationId' in json.example ? { ...json.example, organizationId: creating(method, path) ? 'org_not_yet' : ORG } : json.example),
        };
      }),
  );
});

afterAll(async () => {
  await mongo.db.dropDatabase();
  await mongo.close();
  await store.close();
  rmSync(directory, { recursive: true, force: true });
});

// Creating an organization that exists is a conflict; malformed creations must be refused for what they are.
const creating = (method: string, path: string) => method === 'post' && path === '/api/organizations';

const PATH_VALUES: Record<string, string> = { orgId: ORG, feature: 'OCR_SCAN', job: 'aggregate-all', ruleId: 'rule_fuzz' };
const concretePath = (operation: Operation, replaced: Record<string, string> = {}) =>
  operation.path.replace(/\{(\w+)\}/g, (_, name: string) => replaced[name] ?? (name === 'keyId' ? keyId : name === 'reservationId' ? reservationId : PATH_VALUES[name]));

const jsonRequest = (operation: Operation, label: string, body: unknown, expectedStatus: number, expectedPath?: string): BadRequest => ({
  label,
  method: operation.method,
  path: concretePath(operation),
  headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
  body: JSON.stringify(body),
  expectedStatus,
  expectedPath,
});

function bodyMutations(operation: Operation): fc.Arbitrary<BadRequest>[] {
  const schema = operation.bodySchema;
  const example = operation.example;
  if (!schema || !example) return [];
  const properties = schema.properties ?? {};
  const names = Object.keys(properties);
  const mutations: fc.Arbitrary<BadRequest>[] = [
    fc
      .constantFrom(...names)
      .chain((name) => invalidValueFor(properties[name], components).map((value) => jsonRequest(operation, `wrong ${name}`, { ...example, [name]: value }, 400, name))),
    fc
      .string({ minLength: 1, maxLength: 10 })
      .filter((name) => !names.includes(name) && name !== '__proto__')
      .chain((name) => fc.jsonValue({ maxDepth: 1 }).map((value) => jsonRequest(operation, `unknown ${name}`, { ...example, [name]: value }, 400, name))),
    fc.oneof(fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }), fc.integer(), fc.string(), fc.boolean(), fc.constant(null)).map((value) => jsonRequest(operation, 'not an object', value, 400)),
    fc
      .string({ minLength: 1, maxLength: 40 })
      .filter((text) => !parses(text))
      .map((text) => ({ ...jsonRequest(operation, 'malformed JSON', null, 400), body: text })),
    fc.constantFrom(...NOT_JSON_TYPES).map((type) => ({ ...jsonRequest(operation, `content type ${type}`, example, 415), headers: { authorization: `Bearer ${adminKey}`, 'content-type': type } })),
    fc.integer({ min: 17_000, max: 40_000 }).map((size) => jsonRequest(operation, 'too large', { ...example, padding: 'x'.repeat(size) }, 413)),
  ];
  const required = (schema.required ?? []).filter((name) => name in example);
  if (required.length > 0) {
    mutations.push(
      fc.constantFrom(...required).map((name) => {
        const { [name]: _removed, ...rest } = example;
        return jsonRequest(operation, `missing ${name}`, rest, 400, name);
      }),
    );
  }
  if (operation.bodyRequired) mutations.push(fc.constant({ ...jsonRequest(operation, 'no body', null, 400), body: undefined }));
  const items = properties.items && resolveSchema(properties.items, components).items;
  if (items && Array.isArray(example.items)) {
    const itemProperties = resolveSchema(items, components).properties ?? {};
    mutations.push(
      fc.record({ index: fc.nat({ max: example.items.length - 1 }), name: fc.constantFrom(...Object.keys(itemProperties)) }).chain(({ index, name }) =>
        invalidValueFor(itemProperties[name], components).map((value) => {
          const mutated = (example.items as Record<string, unknown>[]).map((item, at) => (at === index ? { ...item, [name]: value } : item));
          return jsonRequest(operation, `wrong items[${index}].${name}`, { ...example, items: mutated }, 400, `items[${index}].${name}`);
        }),
      ),
    );
  }
  return mutations;
}

function requestMutations(operation: Operation): fc.Arbitrary<BadRequest>[] {
  const valid = (label: string, expectedStatus: number) => jsonRequest(operation, label, operation.example ?? {}, expectedStatus);
  const withoutBody = (r: BadRequest): BadRequest => (operation.bodySchema ? r : { ...r, body: undefined, headers: { authorization: r.headers.authorization } });
  const mutations: fc.Arbitrary<BadRequest>[] = [
    fc
      .oneof(fc.constant(undefined), fc.string({ maxLength: 30 }), fc.string({ maxLength: 60 }).map((key) => `Bearer ${key}`), fc.constant('Basic YWRtaW46YWRtaW4='))
      .map((authorization) => {
        const r = withoutBody(valid('bad key', 401));
        const { authorization: _dropped, ...headers } = r.headers;
        return { ...r, headers: authorization === undefined ? headers : { ...headers, authorization } };
      }),
  ];
  const pathParameters = operation.parameters.filter((p) => p.in === 'path');
  for (const parameter of pathParameters) {
    mutations.push(
      invalidValueFor(parameter.schema, components)
        .filter((value): value is string => typeof value === 'string' && value !== '')
        .map((value) => ({ ...withoutBody(valid(`path ${parameter.name}`, 400)), path: concretePath(operation, { [parameter.name]: encodeSegment(value) }), expectedPath: parameter.name })),
      fc.constantFrom('%E0%A4%A', '%zz', 'a%', '%C0%AF').map((raw) => ({ ...withoutBody(valid(`undecodable ${parameter.name}`, 400)), path: concretePath(operation, { [parameter.name]: raw }) })),
    );
  }
  const queryParameters = operation.parameters.filter((p) => p.in === 'query');
  if (queryParameters.length > 0) {
    const names = queryParameters.map((p) => p.name);
    mutations.push(
      fc.constantFrom(...queryParameters).chain((parameter) =>
        invalidQueryValue(parameter.schema).map((value) => ({ ...withoutBody(valid(`query ${parameter.name}`, 400)), path: `${concretePath(operation)}?${parameter.name}=${encodeURIComponent(value)}`, expectedPath: parameter.name })),
      ),
      fc.constantFrom(...names).map((name) => ({ ...withoutBody(valid(`repeated ${name}`, 400)), path: `${concretePath(operation)}?${name}=1&${name}=2` })),
      fc
        .string({ minLength: 1, maxLength: 8 })
        .filter((name) => !names.includes(name) && /^[A-Za-z0-9_]+$/.test(name))
        .map((name) => ({ ...withoutBody(valid(`unknown query ${name}`, 400)), path: `${concretePath(operation)}?${name}=1`, expectedPath: name })),
    );
  }
  return mutations;
}

function invalidQueryValue(schema: JsonSchema): fc.Arbitrary<string> {
  const { pattern } = schema as JsonSchema & { minimum?: number; maximum?: number };
  if (pattern) return fc.string({ maxLength: 40 }).filter((text) => !new RegExp(pattern, 'u').test(text));
  const { minimum = -Infinity, maximum = Infinity } = schema as { minimum?: number; maximum?: number };
  return fc.string({ maxLength: 8 }).filter((text) => {
    const value = Number(text);
    return !(text.trim() !== '' && Number.isInteger(value) && value >= minimum && value <= maximum);
  });
}

const parses = (text: string): boolean => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

// encodeURIComponent leaves "." alone, and a client would resolve "." and ".." segments away.
const encodeSegment = (value: string) => encodeURIComponent(value).replace(/\./g, '%2E');

/** Right types, refused by the business rules: each reaches the domain and must come back as a 4xx naming the field. */
function businessMutations(operation: Operation): fc.Arbitrary<BadRequest>[] {
  const example = operation.example;
  if (!operation.bodySchema || !example) return [];
  const table = operation.path.endsWith('/corrections')
    ? REFUSED_CORRECTION_VALUES
    : operation.path.endsWith('/commit')
      ? REFUSED_COMMIT_VALUES
      : operation.path.endsWith('/reservations')
        ? REFUSED_RESERVATION_VALUES
        : operation.path.startsWith('/api/usage/track')
          ? REFUSED_USAGE_VALUES
          : REFUSED_VALUES;
  const refusable = (properties: Record<string, JsonSchema>) => Object.keys(properties).filter((name) => name in table);
  const mutations = refusable(operation.bodySchema.properties ?? {}).map((name) => {
    const refused: RefusedValue = table[name];
    return refused.value.map((value) => jsonRequest(operation, `refused ${name}`, { ...example, [name]: value }, refused.status, name));
  });
  const items = operation.bodySchema.properties?.items && resolveSchema(operation.bodySchema.properties.items, components).items;
  if (items && Array.isArray(example.items)) {
    const count = example.items.length;
    for (const name of refusable(resolveSchema(items, components).properties ?? {})) {
      mutations.push(
        fc.tuple(fc.nat({ max: count - 1 }), table[name].value).map(([index, value]) => {
          const mutated = (example.items as Record<string, unknown>[]).map((item, at) => (at === index ? { ...item, [name]: value } : item));
          return jsonRequest(operation, `refused items[${index}].${name}`, { ...example, items: mutated }, table[name].status, `items[${index}].${name}`);
        }),
      );
    }
  }
  return mutations;
}

const unknownRoutes = fc
  .tuple(fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH'), fc.webPath())
  .map(([method, path]): BadRequest => ({ label: 'unknown route', method, path: `/nowhere${path.startsWith('/') ? path : `/${path}`}`, headers: {}, expectedStatus: 404 }));

async function send(bad: BadRequest) {
  let pending = request(app)[bad.method.toLowerCase() as 'get'](bad.path);
  for (const [name, value] of Object.entries(bad.headers)) pending = pending.set(name, value);
  return bad.body === undefined ? pending : pending.send(bad.body);
}

async function expectRefused(bad: BadRequest): Promise<void> {
  const response = await send(bad);
  const context = `${bad.label}: ${bad.method} ${bad.path} ${bad.body?.slice(0, 200) ?? ''} → ${response.status} ${response.text.slice(0, 300)}`;
  expect({ context, status: response.status }).toEqual({ context, status: bad.expectedStatus });
  expect({ context, type: response.headers['content-type'] }).toEqual({ context, type: expect.stringMatching(/^application\/problem\+json/) });
  const problem = JSON.parse(response.text);
  expect({ context, problem }).toEqual({
    context,
    problem: expect.objectContaining({ type: expect.stringMatching(/^https:\/\/tally\.dev\/problems\//), title: expect.any(String), status: response.status, detail: expect.any(String) }),
  });
  if (bad.expectedPath !== undefined) {
    expect({ context, paths: (problem.errors ?? []).map((e: { path: string }) => e.path) }).toEqual({ context, paths: expect.arrayContaining([bad.expectedPath]) });
  }
}

describe('malformed input', () => {
  it('is always refused with problem+json and the expected status, never a 500, and nothing is written', async () => {
    const headBefore = await store.headPosition();
    const everyMutation = fc.oneof(...operations.flatMap((operation) => [...bodyMutations(operation), ...requestMutations(operation)]), unknownRoutes);
    await fc.assert(fc.asyncProperty(everyMutation, expectRefused), { numRuns: 4_000 });
    expect(await store.headPosition()).toBe(headBefore);
  }, 300_000);

  it('with values the business rules refuse is answered 4xx naming the field, and nothing is written', async () => {
    const headBefore = await store.headPosition();
    const everyMutation = fc.oneof(...operations.flatMap(businessMutations));
    await fc.assert(fc.asyncProperty(everyMutation, expectRefused), { numRuns: 2_000 });
    expect(await store.headPosition()).toBe(headBefore);
  }, 300_000);
});
