import type { Command, CommandStatus, Role } from './api-types.js';

/** What POST /commands/{id}/retry accepts (core/commands/dispatcher.ts RETRYABLE). */
const RETRYABLE = new Set<string>(['failed', 'timed_out', 'cancelled', 'rejected']);
/**
 * What POST /commands/{id}/cancel accepts: every command not finished. Before the agent
 * acknowledges it, it is withdrawn; after, the agent is asked to stop it (issue 21 §6).
 */
const CANCELLABLE = new Set<string>(['pending', 'sent', 'acknowledged', 'running']);
const ACTIVE = new Set<string>(['pending', 'sent', 'acknowledged', 'running']);

export const canRetry = (c: Pick<Command, 'status'>) => RETRYABLE.has(c.status);
export const canCancel = (c: Pick<Command, 'status'>) => CANCELLABLE.has(c.status);
export const isActive = (c: Pick<Command, 'status'>) => ACTIVE.has(c.status);

/** Who may retry it: changing the agent itself (update_agent, set_config) is for admins (core/api/routes/commands.ts). */
export const retryRole = (c: Pick<Command, 'type'>): Role =>
  c.type === 'update_agent' || c.type === 'set_config' ? 'admin' : 'operator';

/** How far a command got; a command never goes back, so an older answer never replaces a newer one. */
export function statusRank(status: CommandStatus | string): number {
  switch (status) {
    case 'pending':
      return 0;
    case 'sent':
      return 1;
    case 'acknowledged':
      return 2;
    case 'running':
      return 3;
    default:
      return 4; // finished, whichever way
  }
}

/** Newest first, as GET /api/v1/commands lists them: creation time, then id. */
export function newestFirst(a: Command, b: Command): number {
  const ta = a.createdAt ?? '';
  const tb = b.createdAt ?? '';
  if (ta !== tb) return ta < tb ? 1 : -1;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/**
 * `next` into the list: a new command takes its place by creation time, a known one is replaced
 * unless what is shown is further along (a GET that left before the last live status came back
 * after it). Returns `list` itself when nothing changes.
 */
export function upsertCommand(list: readonly Command[], next: Command): readonly Command[] {
  const at = list.findIndex((c) => c.id === next.id);
  if (at === -1) return [...list, next].sort(newestFirst);
  const known = list[at]!;
  if (statusRank(known.status) > statusRank(next.status)) return list;
  const copy = [...list];
  copy[at] = next;
  return copy;
}

/** Many at once (a page of the history, the active ones): the union, newest first. */
export function mergeCommands(list: readonly Command[], more: readonly Command[]): readonly Command[] {
  let merged = list;
  for (const c of more) merged = upsertCommand(merged, c);
  return merged;
}

/**
 * A live `command.status` ({commandId, status, error}) applied to a known command at once, before
 * the full row (with its timestamps) is read again. Null when the command is not in the list.
 */
export function applyStatus(
  list: readonly Command[],
  change: { commandId: string; status: string; error?: string | null },
): readonly Command[] | null {
  const known = list.find((c) => c.id === change.commandId);
  if (!known) return null;
  if (statusRank(known.status) > statusRank(change.status) || known.status === change.status) return list;
  return upsertCommand(list, {
    ...known,
    status: change.status as CommandStatus,
    error: change.error ?? known.error ?? null,
  });
}

/** The moments a command went through, in order, for the ones it reached. */
export function commandTimeline(c: Command): Array<{ label: string; at: string }> {
  const finished =
    c.status === 'cancelled' ? 'cancelled' : c.status === 'timed_out' ? 'timed out' : 'finished';
  const steps: Array<[string, string | null | undefined]> = [
    ['created', c.createdAt],
    ['sent', c.sentAt],
    ['acknowledged', c.acknowledgedAt],
    ['running', c.runningAt],
    [finished, c.finishedAt],
  ];
  return steps
    .filter((s): s is [string, string] => typeof s[1] === 'string')
    .map(([label, at]) => ({ label, at }));
}

/** "scan apt", "install 3 packages (apt)", "reboot": what the command does, in a few words. */
export function describeCommand(c: Pick<Command, 'type' | 'params'>): string {
  const p = c.params ?? {};
  const plugin = typeof p.plugin === 'string' ? p.plugin : null;
  const packages = Array.isArray(p.packages) ? p.packages.length : null;
  const parts = [c.type.replace(/_/g, ' ')];
  if (packages !== null) parts.push(`${packages} package${packages === 1 ? '' : 's'}`);
  if (plugin) parts.push(packages !== null ? `(${plugin})` : plugin);
  const container = p.container ?? p.containerId;
  if (typeof container === 'string') parts.push(container);
  return parts.join(' ');
}

/**
 * A `cancel` the agent refused because the install it names was already changing the system
 * (issue 21 §6): the id of that install, else null.
 */
export function cannotStopSafely(c: Pick<Command, 'type' | 'status' | 'result' | 'params'>): string | null {
  if (c.type !== 'cancel' || c.status !== 'failed') return null;
  const data = (c.result?.data ?? null) as { code?: unknown } | null;
  if (data?.code !== 'cannot_stop_safely') return null;
  return typeof c.params?.commandId === 'string' ? c.params.commandId : null;
}
