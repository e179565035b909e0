import { abortError } from '../../plugins/sdk/index.js';

/** A FIFO lock whose waiters can give up (a command cancelled while it waits for an install). */
export class Mutex {
  private held = false;
  private readonly waiters: Array<{ grant: () => void }> = [];

  get locked(): boolean {
    return this.held;
  }

  /** Resolves with the release function; rejects with an AbortError if `signal` aborts first. */
  lock(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(abortError(signal));
    if (!this.held) {
      this.held = true;
      return Promise.resolve(this.releaser());
    }
    return new Promise((resolve, reject) => {
      const waiter = {
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve(this.releaser());
        },
      };
      const onAbort = () => {
        const index = this.waiters.indexOf(waiter);
        if (index !== -1) this.waiters.splice(index, 1);
        reject(abortError(signal));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiters.shift();
      if (next) next.grant();
      else this.held = false;
    };
  }
}
