/**
 * Turns many single-key requests into one call per batch (DataLoader style): while one batch
 * runs, new keys wait and go together in the next. A reconnect storm of 5,000 agents becomes a
 * few dozen queries instead of 10,000.
 */
export function createBatcher<K, R>(
  run: (keys: K[]) => Promise<Map<K, R>>,
  opts: {
    maxBatch?: number;
    missing: R;
    /** How long the first key of a batch waits for company; 0: the next turn of the event loop. */
    delayMs?: number;
  },
): (key: K) => Promise<R> {
  const maxBatch = opts.maxBatch ?? 1000;
  let queue: Array<{ key: K; resolve(value: R): void; reject(err: unknown): void }> = [];
  let running = false;

  const flush = async () => {
    if (running || queue.length === 0) return;
    running = true;
    const batch = queue.slice(0, maxBatch);
    queue = queue.slice(maxBatch);
    try {
      const results = await run([...new Set(batch.map((b) => b.key))]);
      for (const item of batch) item.resolve(results.has(item.key) ? results.get(item.key)! : opts.missing);
    } catch (err) {
      for (const item of batch) item.reject(err);
    } finally {
      running = false;
      if (queue.length) schedule();
    }
  };

  const schedule = () => {
    if (opts.delayMs) setTimeout(() => void flush(), opts.delayMs);
    else setImmediate(() => void flush());
  };

  return (key) =>
    new Promise<R>((resolve, reject) => {
      queue.push({ key, resolve, reject });
      if (!running && queue.length === 1) schedule();
    });
}
