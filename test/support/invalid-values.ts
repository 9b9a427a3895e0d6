// fast-check generators of values that a JSON schema (as found in our OpenAPI
// document) must refuse: a value of another JSON kind, a string outside an enum
// or a pattern, a number that is not whole. Used to send requests that are
// guaranteed malformed, so a test may demand that every one is refused.
import fc from 'fast-check';

export interface JsonSchema {
  readonly $ref?: string;
  readonly type?: string | readonly string[];
  readonly enum?: readonly unknown[];
  readonly pattern?: string;
  readonly anyOf?: readonly JsonSchema[];
  readonly oneOf?: readonly JsonSchema[];
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly items?: JsonSchema;
  readonly const?: unknown;
}

type JsonKind = 'string' | 'integer' | 'number' | 'boolean' | 'null' | 'array' | 'object';

export function resolveSchema(schema: JsonSchema, components: Readonly<Record<string, JsonSchema>>): JsonSchema {
  if (!schema.$ref) return schema;
  return resolveSchema(components[schema.$ref.split('/').pop() as string], components);
}

/** The JSON kinds a schema accepts; `number` includes `integer`. */
function acceptedKinds(schema: JsonSchema, components: Readonly<Record<string, JsonSchema>>): Set<JsonKind> {
  const resolved = resolveSchema(schema, components);
  const branches = resolved.anyOf ?? resolved.oneOf;
  if (branches) return new Set(branches.flatMap((branch) => [...acceptedKinds(branch, components)]));
  if (resolved.const !== undefined) return new Set([kindOf(resolved.const)]);
  const types = resolved.type === undefined ? [] : Array.isArray(resolved.type) ? resolved.type : [resolved.type as string];
  const kinds = new Set(types as JsonKind[]);
  if (kinds.has('number')) kinds.add('integer');
  return kinds;
}

function kindOf(value: unknown): JsonKind {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value as JsonKind;
}

const valuesOfKind: Record<JsonKind, fc.Arbitrary<unknown>> = {
  string: fc.string({ maxLength: 12 }),
  integer: fc.integer({ min: -1_000_000, max: 1_000_000 }),
  number: fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }).filter((n) => !Number.isInteger(n)),
  boolean: fc.boolean(),
  null: fc.constant(null),
  array: fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }),
  object: fc.dictionary(fc.string({ minLength: 1, maxLength: 6 }).filter((key) => key !== '__proto__'), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
};

/** Values the schema refuses at the type level (the API's zod schemas refuse them before any business rule). */
export function invalidValueFor(schema: JsonSchema, components: Readonly<Record<string, JsonSchema>>): fc.Arbitrary<unknown> {
  const resolved = resolveSchema(schema, components);
  const accepted = acceptedKinds(resolved, components);
  // A schema without a type accepts anything: nothing could be generated that it must refuse.
  if (accepted.size === 0) throw new Error(`cannot generate values refused by ${JSON.stringify(resolved)}`);
  const wrongKinds = (Object.keys(valuesOfKind) as JsonKind[]).filter((kind) => !accepted.has(kind));
  const options: fc.Arbitrary<unknown>[] = wrongKinds.map((kind) => valuesOfKind[kind]);
  if (resolved.enum) {
    const allowed = resolved.enum;
    options.push(fc.string({ maxLength: 12 }).filter((text) => !allowed.includes(text)));
  }
  if (resolved.pattern && accepted.has('string')) {
    const pattern = new RegExp(resolved.pattern, 'u');
    options.push(fc.string({ maxLength: 70, unit: 'grapheme' }).filter((text) => !pattern.test(text)));
  }
  return fc.oneof(...options);
}
