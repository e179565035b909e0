import type { Command, InstallOutcome } from '../db/index.js';
import type { WorkflowMoves } from './workflow-moves.js';
import { packageKey, type TransactionItem, type WorkflowContext } from './workflow-types.js';

/**
 * An install's result into per-package outcomes: updated or failed (the state machine's
 * `installed` and `install_failed`, written set-based by core/db), announced and recorded.
 */
export function createInstallOutcome(ctx: WorkflowContext, { announce, record }: WorkflowMoves) {
  return async function afterInstall(command: Command) {
    const plugin = String(command.params.plugin);
    const installing = (await ctx.db.packages.inStatus(command.agentId, plugin, 'installing')).filter(
      (p) => p.dependencies?.installCommandId === command.id,
    );
    const data = (command.result?.data ?? {}) as {
      changed?: TransactionItem[];
      failed?: Array<{ name: string; arch?: string; message?: string }>;
    };
    const changed = new Map((data.changed ?? []).map((c) => [packageKey(c.name, c.arch), c]));
    const changedByName = new Map((data.changed ?? []).map((c) => [c.name, c]));
    const failed = new Map((data.failed ?? []).map((f) => [packageKey(f.name, f.arch), f]));
    const at = command.finishedAt ?? new Date();
    const outcomes: InstallOutcome[] = installing.map((p) => {
      const done = changed.get(packageKey(p.name, p.arch)) ?? changedByName.get(p.name);
      // Without a per-package list, the command's status speaks for every package.
      const succeeded =
        done !== undefined || (command.status === 'succeeded' && !data.changed && !failed.size);
      return {
        name: p.name,
        arch: p.arch,
        result: succeeded ? 'succeeded' : 'failed',
        fromVersion: p.currentVersion,
        toVersion: done?.toVersion ?? (succeeded ? p.availableVersion : null),
        message: succeeded
          ? null
          : (failed.get(packageKey(p.name, p.arch))?.message ?? command.error ?? `install ${command.status}`),
      };
    });
    await ctx.db.packages.recordInstall(command.agentId, plugin, command.id, at, outcomes);
    for (const result of ['succeeded', 'failed'] as const)
      announce(
        outcomes
          .filter((o) => o.result === result)
          .map((o) => ({ agentId: command.agentId, plugin, name: o.name, arch: o.arch })),
        result === 'succeeded' ? 'updated' : 'failed',
        command.id,
      );
    const bad = outcomes.filter((o) => o.result === 'failed');
    // Issue 21 §4: a refused or failed install is never a success, whatever its packages; a
    // succeeded one that installed nothing of the workflow's has no outcome to tell.
    const unsuccessful = bad.length > 0 || command.status !== 'succeeded';
    if (!unsuccessful && outcomes.length === 0) return;
    await record(
      command.agentId,
      unsuccessful ? 'install_failed' : 'install_succeeded',
      unsuccessful ? 'warning' : 'info',
      `${plugin} install${command.status === 'succeeded' ? '' : ` ${command.status}`}: ` +
        `${outcomes.length - bad.length} updated, ${bad.length} failed` +
        (bad.length
          ? ` (${bad.map((b) => `${b.name}: ${b.message}`).join('; ')})`
          : command.error
            ? ` (${command.error})`
            : ''),
      { commandId: command.id, status: command.status },
    );
  };
}
