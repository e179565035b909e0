/** What a probe's answer is once it is truthy. */
export type Truthy<T> = Exclude<T, null | undefined | false | 0 | ''>;

/**
 * Polls `probe` every 25 ms until it answers something truthy, and resolves with that; fails
 * after `timeoutMs` naming `what` (a deadline for a test that would hang, not a timing assertion).
 */
export async function until<T>(
  what: string,
  probe: () => T | Promise<T>,
  timeoutMs = 15_000,
): Promise<Truthy<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value as Truthy<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
