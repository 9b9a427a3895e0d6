// Field paths in the one spelling the API uses everywhere: `items[3].quantity`,
// the way a JavaScript caller would write the expression. Zod reports paths as
// arrays and the domain as strings; both end up here, so the SDK's bulk tracker
// can find the index of a refused item whichever layer refused it.
import type { z } from 'zod';
import type { FieldError } from './problem-details';

export function formatFieldPath(segments: readonly PropertyKey[]): string {
  let path = '';
  for (const segment of segments) {
    if (typeof segment === 'number') path += `[${segment}]`;
    else path += path === '' ? String(segment) : `.${String(segment)}`;
  }
  return path;
}

/** One field error per failing field; an unknown property is named itself, not its parent object. */
export function fieldErrorsFromZod(error: z.ZodError, prefix: readonly PropertyKey[] = []): FieldError[] {
  return error.issues.flatMap((issue): FieldError[] => {
    const base = [...prefix, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: formatFieldPath([...base, key]), message: `unknown property ${JSON.stringify(key)}` }));
    }
    return [{ path: formatFieldPath(base), message: issue.message }];
  });
}
