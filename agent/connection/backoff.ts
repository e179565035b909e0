export interface BackoffOptions {
  /** First delay after a failed or lost connection. */
  initialMs: number;
  /** The cap: never wait longer than this between attempts. */
  maxMs: number;
  factor?: number;
  /** [0, 1); injectable for tests. */
  random?: () => number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 1000, maxMs: 5 * 60_000, factor: 2 };

/**
 * Exponential backoff with "equal jitter": the n-th delay is uniformly drawn from
 * [d/2, d] with d = min(max, initial · factor^n). Half of it is random, so a hundred agents
 * that lost the core together do not reconnect in lock-step; the other half keeps the growth.
 */
export class Backoff {
  private attempt = 0;

  constructor(private readonly options: BackoffOptions) {}

  next(): number {
    const { initialMs, maxMs, factor = 2, random = Math.random } = this.options;
    const ceiling = Math.min(maxMs, initialMs * factor ** Math.min(this.attempt, 62));
    this.attempt++;
    return Math.round(ceiling / 2 + random() * (ceiling / 2));
  }

  reset(): void {
    this.attempt = 0;
  }
}
