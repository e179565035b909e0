import type { CommandOutputLine } from './api-types.js';

/**
 * Merges output lines into what is shown, in the agent's order (`seq`), each seq once.
 * The backlog (GET …/output) and the live `command.output` events overlap at their seam: a
 * line stored while the backlog was being read comes both ways. Lines already shown win, so a
 * line never changes under the reader. Returns `existing` itself when nothing is new.
 */
export function mergeOutput(
  existing: readonly CommandOutputLine[],
  incoming: readonly CommandOutputLine[],
): readonly CommandOutputLine[] {
  if (incoming.length === 0) return existing;
  const last = existing.at(-1)?.seq ?? -Infinity;
  // The usual case: a live batch after everything shown, already in order.
  if (incoming[0]!.seq > last && isAscending(incoming)) return [...existing, ...incoming];
  const bySeq = new Map<number, CommandOutputLine>();
  for (const line of incoming) if (!bySeq.has(line.seq)) bySeq.set(line.seq, line);
  for (const line of existing) bySeq.set(line.seq, line);
  if (bySeq.size === existing.length) return existing;
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

function isAscending(lines: readonly CommandOutputLine[]): boolean {
  for (let i = 1; i < lines.length; i++) if (lines[i]!.seq <= lines[i - 1]!.seq) return false;
  return true;
}

/** The seq to continue after (the `after` of GET …/output): the highest shown, -1 for none. */
export function lastSeq(lines: readonly CommandOutputLine[]): number {
  return lines.at(-1)?.seq ?? -1;
}
