import type { Command, PackageRef } from '../db/index.js';
import { unlessAgentInactive } from '../commands/index.js';
import type { WorkflowMoves } from './workflow-moves.js';
import { packageKey, type Transaction, type WorkflowContext } from './workflow-types.js';

/**
 * The dry run of the approved set and what follows it (DESIGN.md §3.7): an install at once when
 * the transaction holds nothing more, else a wait for a person.
 */
export function createDependencyCheck(ctx: WorkflowContext, { move, record }: WorkflowMoves) {
  /** One dry run per host and package manager for everything approved there. */
  async function startChecks(agentId: string, plugin: string, by: string | null): Promise<void> {
    const approved = await ctx.db.packages.inStatus(agentId, plugin, 'approved');
    if (approved.length === 0) return;
    if (ctx.mayInstallNow && !(await ctx.mayInstallNow(agentId))) return; // resumed when a window opens
    const packages = approved.map((p) => ({ name: p.name, arch: p.arch || undefined }));
    // A revoked host gets no commands: what was approved there stays approved, nothing more.
    const issued = await unlessAgentInactive(
      ctx.commands.issue({
        agentId,
        type: 'dry_run',
        params: { plugin, packages },
        source: by ? 'manual' : 'policy',
        createdBy: by,
        dedupKey: `dry_run:${plugin}`,
      }),
    );
    if (!issued) return;
    const { command, created } = issued;
    // A dry run already runs for this plugin: these wait in `approved` for the next round.
    if (!created) return;
    await move(
      approved.map((p) => ({ agentId, plugin, name: p.name, arch: p.arch })),
      'dry_run_started',
      { dryRunCommandId: command.id },
    );
  }

  /** The install carrying `transaction`: after a dry run that matched, or a confirmation. */
  async function install(
    agentId: string,
    plugin: string,
    refs: PackageRef[],
    transaction: Transaction,
    by: string | null,
    event: 'dry_run_matched' | 'confirmed',
  ) {
    const { command } = await ctx.commands.issue({
      agentId,
      type: 'install',
      params: {
        plugin,
        packages: refs.map((r) => ({ name: r.name, arch: r.arch || undefined })),
        expected: transaction,
      },
      source: by ? 'manual' : 'policy',
      createdBy: by,
      dedupKey: `install:${plugin}`,
    });
    await move(refs, event, { installCommandId: command.id, transaction });
  }

  async function afterDryRun(command: Command) {
    const plugin = String(command.params.plugin);
    const checking = (
      await ctx.db.packages.inStatus(command.agentId, plugin, 'checking_dependencies')
    ).filter((p) => p.dependencies?.dryRunCommandId === command.id);
    const refs = checking.map((p) => ({ agentId: command.agentId, plugin, name: p.name, arch: p.arch }));
    // Issue 21 §4: only a dry run this workflow issued for approved packages (they wait in
    // checking_dependencies naming it) leads on. One asked for on its own (POST
    // /api/v1/commands), or a retry of one whose packages moved on, has its transaction stored
    // on its command and stops: an install of nothing would follow otherwise.
    if (refs.length === 0) return;
    if (command.status !== 'succeeded') {
      // Failed: the packages failed with the package manager's message. Timed out or
      // cancelled: they go back to approved and are checked again.
      await move(refs, command.status === 'failed' ? 'dry_run_failed' : 'dry_run_interrupted');
      await record(
        command.agentId,
        'dry_run_failed',
        'warning',
        `dry run for ${refs.length} ${plugin} package(s) ${command.status}${command.error ? `: ${command.error}` : ''}`,
        { commandId: command.id },
      );
      return;
    }
    const transaction = (command.result?.data as { transaction?: Transaction } | undefined)?.transaction;
    if (!transaction) {
      await move(refs, 'dry_run_failed');
      await record(
        command.agentId,
        'dry_run_failed',
        'warning',
        `dry run ${command.id} reported no transaction`,
      );
      return;
    }
    const approved = new Set(refs.map((r) => packageKey(r.name, r.arch)));
    const approvedNames = new Set(refs.map((r) => r.name));
    const extraUpgrades = transaction.upgrades.filter(
      (u) =>
        !approved.has(packageKey(u.name, u.arch)) && !(u.arch === undefined && approvedNames.has(u.name)),
    );
    const needsPerson =
      extraUpgrades.length > 0 || transaction.newPackages.length > 0 || transaction.removals.length > 0;
    if (!needsPerson) {
      await install(command.agentId, plugin, refs, transaction, command.createdBy, 'dry_run_matched');
      await record(
        command.agentId,
        'install_started',
        'info',
        `installing ${refs.length} ${plugin} package(s)`,
        {
          packages: refs.map((r) => r.name),
        },
      );
    } else {
      await move(refs, 'confirmation_needed', {
        dryRunCommandId: command.id,
        transaction,
        extras: {
          upgrades: extraUpgrades,
          newPackages: transaction.newPackages,
          removals: transaction.removals,
        },
      });
      await record(
        command.agentId,
        'confirmation_needed',
        'info',
        `${plugin} install needs confirmation: ${extraUpgrades.length} more upgrade(s), ` +
          `${transaction.newPackages.length} new package(s), ${transaction.removals.length} removal(s)`,
        { commandId: command.id },
      );
    }
  }

  return { startChecks, install, afterDryRun };
}

export type DependencyCheck = ReturnType<typeof createDependencyCheck>;
