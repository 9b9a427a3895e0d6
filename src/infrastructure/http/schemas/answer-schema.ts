// Ties a response schema to the application type it documents. The compiler
// refuses a schema whose parsed shape differs from the answer's type (readonly
// aside), so the OpenAPI document cannot drift from what the handler returns.
import type { z } from 'zod';

type Writable<T> = T extends readonly (infer U)[] ? Writable<U>[] : T extends object ? { -readonly [K in keyof T]: Writable<T[K]> } : T;

type SameShape<A, B> = [Writable<A>] extends [Writable<B>] ? ([Writable<B>] extends [Writable<A>] ? true : false) : false;

interface ShapeMismatch<Schema, Answer> {
  readonly 'the schema does not describe the answer type': { readonly schema: Schema; readonly answer: Answer };
}

/** `answerSchema<CurrentUsage>()(z.object({...}))`: the schema, checked against the type. */
export function answerSchema<Answer>() {
  return <S extends z.ZodType>(schema: S & (SameShape<z.output<S>, Answer> extends true ? unknown : ShapeMismatch<z.output<S>, Answer>)): S => schema;
}
