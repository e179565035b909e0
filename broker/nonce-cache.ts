/**
 * Connect-password nonces seen within the clock-skew window. A password replayed within the
 * window is refused; after it, the timestamp check refuses it, so entries can be forgotten.
 */
export class NonceCache {
  private readonly seen = new Map<string, number>();
  private lastPrune = 0;

  constructor(private readonly windowMs: number) {}

  /** Records the nonce; returns false if it was already used. */
  use(agentId: string, nonce: string, nowMs: number): boolean {
    this.prune(nowMs);
    const key = `${agentId}:${nonce}`;
    if (this.seen.has(key)) return false;
    // Kept for twice the window: a password is valid from ts-skew to ts+skew.
    this.seen.set(key, nowMs + 2 * this.windowMs);
    return true;
  }

  get size(): number {
    return this.seen.size;
  }

  private prune(nowMs: number) {
    if (nowMs - this.lastPrune < 1000) return;
    this.lastPrune = nowMs;
    for (const [key, expires] of this.seen) {
      if (expires <= nowMs) this.seen.delete(key);
    }
  }
}
