// Sending many independent requests (workflow starts, deliveries, key lookups)
// at most `limit` at a time: enough to hide each one's latency, few enough
// not to flood the server that answers them.

/** Runs `run` for every item, at most `limit` at once; rejects with the first failure. */
export async function inParallel<T>(items: readonly T[], limit: number, run: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await run(items[next++]);
  });
  await Promise.all(lanes);
}
