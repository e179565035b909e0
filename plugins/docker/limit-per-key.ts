/**
 * Maps items with at most `limit` calls in flight per key (a registry), every key at once:
 * one slow or rate-limited registry does not hold up the others, and none gets a burst.
 * Results come back in the items' order.
 */
export async function mapWithLimitPerKey<T, R>(
  items: readonly T[],
  keyOf: (item: T) => string,
  limit: number,
  map: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  const queues = new Map<string, number[]>();
  items.forEach((item, index) => {
    const key = keyOf(item);
    const queue = queues.get(key) ?? [];
    queue.push(index);
    queues.set(key, queue);
  });
  const worker = async (queue: number[]) => {
    for (let index = queue.shift(); index !== undefined; index = queue.shift())
      results[index] = await map(items[index]!);
  };
  await Promise.all(
    [...queues.values()].flatMap((queue) =>
      Array.from({ length: Math.min(limit, queue.length) }, () => worker(queue)),
    ),
  );
  return results;
}
