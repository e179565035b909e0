/**
 * Counts failed logins and refused registrations per address (DESIGN.md §6: rate limits on login
 * and registration). In memory: a restart forgets, which costs an attacker a restart of the core
 * per window, and several cores behind a balancer each count on their own.
 */
export interface FailureLimiter {
  /** Seconds until this address may try again, or 0 when it may now. */
  blockedFor(key: string): number;
  /** Counts a failure; true when this one crossed the limit (record it once). */
  fail(key: string): boolean;
  /** A success forgets the address's failures. */
  reset(key: string): void;
}

export function createFailureLimiter(opts: {
  maxFailures: number;
  windowMs: number;
  now?: () => number;
}): FailureLimiter {
  const now = opts.now ?? Date.now;
  const windows = new Map<string, { startedAt: number; failures: number }>();

  const current = (key: string) => {
    const w = windows.get(key);
    if (w && now() - w.startedAt >= opts.windowMs) {
      windows.delete(key);
      return undefined;
    }
    return w;
  };

  // Keeps memory bounded when many addresses fail once (a scan of the whole internet).
  const sweep = setInterval(() => {
    for (const key of windows.keys()) current(key);
  }, opts.windowMs);
  sweep.unref();

  return {
    blockedFor(key) {
      const w = current(key);
      if (!w || w.failures < opts.maxFailures) return 0;
      return Math.max(1, Math.ceil((w.startedAt + opts.windowMs - now()) / 1000));
    },
    fail(key) {
      const w = current(key) ?? { startedAt: now(), failures: 0 };
      w.failures++;
      windows.set(key, w);
      return w.failures === opts.maxFailures;
    },
    reset(key) {
      windows.delete(key);
    },
  };
}
