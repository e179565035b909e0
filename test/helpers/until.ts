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

/**
 * Reads what a user would look at until `ok` holds for it, and resolves with that read; gives up
 * after 400 reads 25 ms apart (a deadline, not a timing assertion).
 */
export async function untilHolds<T>(
  read: () => Promise<T>,
  ok: (value: T) => boolean,
  what: string,
): Promise<T> {
  for (let i = 0; i < 400; i++) {
    const value = await read();
    if (ok(value)) return value;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`gave up waiting for ${what}`);
}
