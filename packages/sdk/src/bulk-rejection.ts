// Which items of a refused bulk were actually at fault. The server accepts a
// bulk whole or not at all, so one bad item (an unknown feature, a quantity of
// 0, a reused idempotency key, an item past a hard quota) refuses the other 499
// good ones with it. The
// problem document names the culprit as `items[i].field`; the tracker drops only
// those and sends the rest again, instead of losing the whole batch.
import type { TallyApiError } from './errors.js';

/**
 * The indexes (into the sent items) that the error blames, or an empty set when
 * it blames none and the whole batch must be dropped.
 */
export function blamedItemIndexes(error: TallyApiError, items: readonly { readonly feature: string }[]): Set<number> {
  const blamed = new Set<number>();
  for (const fieldError of error.errors) {
    const index = bulkItemIndex(fieldError.path);
    if (index === undefined || index >= items.length) continue;
    blamed.add(index);
    // The server stops at the first bad item. A feature it does not know is as
    // unknown for every other item naming it, so drop those now rather than
    // spending one request per item to find them.
    if (/(?:^|[.\]/])feature$/.test(fieldError.path)) {
      const feature = items[index].feature;
      items.forEach((item, other) => {
        if (item.feature === feature) blamed.add(other);
      });
    }
  }
  return blamed;
}

/** The item index a field path names, for `items[3].quantity`, `items.3.quantity` or `/items/3/quantity`. */
export function bulkItemIndex(path: string): number | undefined {
  const match = /^\/?items(?:\[(\d+)\]|[./](\d+))(?=$|[.[/])/.exec(path);
  if (!match) return undefined;
  return Number(match[1] ?? match[2]);
}
