import type { Clock } from '../../../panel/src/data/clock.js';

/** A clock the test advances by hand: timers run when `advance` passes them, never by waiting. */
export class ManualClock implements Clock {
  private t = 1_000_000;
  private nextId = 1;
  readonly timers = new Map<number, { at: number; fn: () => void; ms: number }>();
  /** Every delay ever asked for, in order (to check the backoff grows). */
  readonly delays: number[] = [];

  now = () => this.t;
  random = () => 0.5;

  setTimeout = (fn: () => void, ms: number): unknown => {
    const id = this.nextId++;
    this.timers.set(id, { at: this.t + ms, fn, ms });
    this.delays.push(ms);
    return id;
  };

  clearTimeout = (handle: unknown): void => {
    this.timers.delete(handle as number);
  };

  /** Moves time on, running due timers in order. */
  advance(ms: number): void {
    const until = this.t + ms;
    for (;;) {
      const due = [...this.timers.entries()]
        .filter(([, t]) => t.at <= until)
        .sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.t = due[1].at;
      due[1].fn();
    }
    this.t = until;
  }
}

/** localStorage's getItem/setItem over a Map (Node has no localStorage). */
export class MemoryStorage {
  readonly map = new Map<string, string>();
  getItem(key: string): string | null {
    return this.map.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.map.set(key, value);
  }
}
