import { randomUUID } from 'node:crypto';

/** `{ v, id, ts }` for a new up message. */
export function envelope(now: Date = new Date()): { v: 1; id: string; ts: string } {
  return { v: 1, id: randomUUID(), ts: now.toISOString() };
}
