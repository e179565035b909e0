import type { Command, Database, InstallOutcome, PackageRef, PackageStatus } from '../db/index.js';
import { unlessAgentInactive } from '../commands/index.js';
import { type EventRecorder, type LiveBus, PACKAGE_SAMPLE } from '../events/index.js';
import type { IllegalTransitionError } from './package-states.js';
import { allowedFrom, checkTransition } from './package-states.js';

/** What a dry run reports (plugins/sdk Transaction), as it arrives in a result's `data.transaction`. */
export interface TransactionItem {
  name: string;
  arch?: string;
  fromVersion?: string;
  toVersion?: string;
  source?: string;
  security?: boolean;
}

export interface Transaction {
  upgrades: TransactionItem[];
  newPackages: TransactionItem[];
  removals: TransactionItem[];
  warnings: string[];
}

/** The commands the workflow issues; in production the dispatcher. */
export interface WorkflowCommands {
  issue(req: {
    agentId: string;
    type: 'dry_run' | 'install';
    params: Record<string, unknown>;
    source: 'manual' | 'policy';
    createdBy: string | null;
    dedupKey: string;
  }): Promise<{ command: Command; created: boolean }>;
}

export interface WorkflowContext {
  db: Database;
  events: EventRecorder;
  commands: WorkflowCommands;
  /** Maintenance windows (core/policy): outside one, approved packages wait in `approved`. */
  mayInstallNow?(agentId: string): Promise<boolean>;
  /** Package moves go out as `package.status`, one event per host, plugin and target state. */
  bus?: LiveBus;
}

/** The confirmation named a dry run that is no longer the one waiting (a newer one replaced it). */
export class TransactionChangedError extends Error {
  override name = 'TransactionChangedError';
  constructor(
    readonly reviewed: string,
    readonly waiting: string | null,
  ) {
    super(
      `the transaction waiting now comes from dry run ${waiting ?? '(unknown)'}, not ${reviewed} that was reviewed; review it again`,
    );
  }
}

export interface Refusal {
  ref: PackageRef;
  from: PackageStatus | null;
  why: string;
}

const key = (name: string, arch: string | undefined) => `${name}\u0000${arch ?? ''}`;

function groupByAgentPlugin(refs: PackageRef[]): Map<string, PackageRef[]> {
  const groups = new Map<string, PackageRef[]>();
  for (const ref of refs) {
    const k = `${ref.agentId}\u0000${ref.plugin}`;
    groups.set(k, [...(groups.get(k) ?? []), ref]);
  }
  return groups;
}

function refusalsOf(
  refused: Array<PackageRef & { status: PackageStatus | null }>,
  to: PackageStatus,
): Refusal[] {
  return refused.map(({ status, ...ref }) => {
    if (status === null)
      return { ref, from: null, why: `no pending update ${ref.name} for that host and plugin` };
    try {
      checkTransition(status, to);
      return { ref, from: status, why: `it moved to ${status} meanwhile` };
    } catch (err) {
      return { ref, from: status, why: (err as IllegalTransitionError).message };
    }
  });
}

/**
 * The safe install workflow (DESIGN.md §3.7, issue 4 §4): approve → dry run of the approved
 * set → install at once when the transaction holds nothing more, else wait for a person →
 * install carrying the confirmed transaction → per-package outcomes.
 */
export function createInstallWorkflow(ctx: WorkflowContext) {
  const announce = (
    moved: Array<{ agentId: string; plugin: string; name: string; arch: string }>,
    status: PackageStatus,
    commandId?: string,
  ) => {
    if (!ctx.bus) return;
    for (const group of groupByAgentPlugin(moved).values())
      ctx.bus.emit('package.status', group[0]!.agentId, {
        plugin: group[0]!.plugin,
        status,
        count: group.length,
        packages: group.slice(0, PACKAGE_SAMPLE).map((p) => ({ name: p.name, arch: p.arch })),
        ...(commandId ? { commandId } : {}),
      });
  };

  /** Every package move of the workflow, announced on the bus once it is committed. */
  async function transition(
    refs: PackageRef[],
    to: PackageStatus,
    from: PackageStatus[],
    dependencies?: Record<string, unknown>,
  ) {
    const result = await ctx.db.packages.transition(refs, to, from, dependencies);
    const commandId = dependencies?.installCommandId ?? dependencies?.dryRunCommandId;
    announce(result.moved, to, typeof commandId === 'string' ? commandId : undefined);
    return result;
  }

  const record = (
    agentId: string,
    subtype: string,
    severity: 'info' | 'warning',
    message: string,
    metadata = {},
  ) =>
    ctx.events.record({
      type: 'install',
      subtype,
      severity,
      component: 'updates',
      agentId,
      message,
      metadata,
    });

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
    await transition(
      approved.map((p) => ({ agentId, plugin, name: p.name, arch: p.arch })),
      'checking_dependencies',
      ['approved'],
      { dryRunCommandId: command.id },
    );
  }

  async function install(
    agentId: string,
    plugin: string,
    refs: PackageRef[],
    transaction: Transaction,
    by: string | null,
    from: PackageStatus,
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
    await transition(refs, 'installing', [from], {
      installCommandId: command.id,
      transaction,
    });
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
      const to: PackageStatus = command.status === 'failed' ? 'failed' : 'approved';
      await transition(refs, to, ['checking_dependencies']);
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
      await transition(refs, 'failed', ['checking_dependencies']);
      await record(
        command.agentId,
        'dry_run_failed',
        'warning',
        `dry run ${command.id} reported no transaction`,
      );
      return;
    }
    const approved = new Set(refs.map((r) => key(r.name, r.arch)));
    const approvedNames = new Set(refs.map((r) => r.name));
    const extraUpgrades = transaction.upgrades.filter(
      (u) => !approved.has(key(u.name, u.arch)) && !(u.arch === undefined && approvedNames.has(u.name)),
    );
    const needsPerson =
      extraUpgrades.length > 0 || transaction.newPackages.length > 0 || transaction.removals.length > 0;
    if (!needsPerson) {
      await install(command.agentId, plugin, refs, transaction, command.createdBy, 'checking_dependencies');
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
      await transition(refs, 'pending_dependencies', ['checking_dependencies'], {
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

  /** What waits for a person on one host and package manager: its packages and their transaction. */
  async function waitingTransaction(
    agentId: string,
    plugin: string,
  ): Promise<{ refs: PackageRef[]; transaction: Transaction; dryRunCommandId: string | null } | null> {
    const waiting = await ctx.db.packages.inStatus(agentId, plugin, 'pending_dependencies');
    if (waiting.length === 0) return null;
    const first = waiting[0]!;
    const deps = await ctx.db.packages.dependenciesOf({
      agentId,
      plugin,
      name: first.name,
      arch: first.arch,
    });
    const transaction = deps?.transaction as Transaction | undefined;
    if (!transaction) throw new Error(`no transaction recorded for ${plugin} on ${agentId}`);
    return {
      refs: waiting.map((p) => ({ agentId, plugin, name: p.name, arch: p.arch })),
      transaction,
      dryRunCommandId: typeof deps?.dryRunCommandId === 'string' ? deps.dryRunCommandId : null,
    };
  }

  async function afterInstall(command: Command) {
    const plugin = String(command.params.plugin);
    const installing = (await ctx.db.packages.inStatus(command.agentId, plugin, 'installing')).filter(
      (p) => p.dependencies?.installCommandId === command.id,
    );
    const data = (command.result?.data ?? {}) as {
      changed?: TransactionItem[];
      failed?: Array<{ name: string; arch?: string; message?: string }>;
    };
    const changed = new Map((data.changed ?? []).map((c) => [key(c.name, c.arch), c]));
    const changedByName = new Map((data.changed ?? []).map((c) => [c.name, c]));
    const failed = new Map((data.failed ?? []).map((f) => [key(f.name, f.arch), f]));
    const at = command.finishedAt ?? new Date();
    const outcomes: InstallOutcome[] = installing.map((p) => {
      const done = changed.get(key(p.name, p.arch)) ?? changedByName.get(p.name);
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
          : (failed.get(key(p.name, p.arch))?.message ?? command.error ?? `install ${command.status}`),
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
  }

  return {
    /** Tells live clients that packages moved outside the workflow (a bulk ignore). */
    announce(moved: PackageRef[], status: PackageStatus) {
      announce(moved, status);
    },

    /**
     * Approves packages (pending or failed ones) and starts the dependency check for each host
     * and package manager. Refused packages come back with the reason.
     */
    async approve(
      refs: PackageRef[],
      by: string | null,
    ): Promise<{ approved: PackageRef[]; refused: Refusal[] }> {
      const { moved, refused } = await transition(refs, 'approved', allowedFrom('approved'));
      for (const group of groupByAgentPlugin(moved).values())
        await startChecks(group[0]!.agentId, group[0]!.plugin, by);
      return { approved: moved, refused: refusalsOf(refused, 'approved') };
    },

    waitingTransaction,

    /**
     * A person accepts the transaction a dry run showed: the install carries it. With
     * `reviewed` (the dry run's command id the person saw), a newer transaction is refused.
     */
    async confirm(agentId: string, plugin: string, by: string | null, reviewed?: string): Promise<number> {
      const waiting = await waitingTransaction(agentId, plugin);
      if (!waiting) return 0;
      if (reviewed !== undefined && reviewed !== waiting.dryRunCommandId)
        throw new TransactionChangedError(reviewed, waiting.dryRunCommandId);
      const { refs, transaction } = waiting;
      await install(agentId, plugin, refs, transaction, by, 'pending_dependencies');
      await record(
        agentId,
        'transaction_confirmed',
        'info',
        `${by ?? 'someone'} confirmed the ${plugin} transaction`,
      );
      return refs.length;
    },

    /** A person refuses the transaction: the packages go back to pending. */
    async reject(agentId: string, plugin: string, by: string | null): Promise<number> {
      const waiting = await ctx.db.packages.inStatus(agentId, plugin, 'pending_dependencies');
      const refs = waiting.map((p) => ({ agentId, plugin, name: p.name, arch: p.arch }));
      const { moved } = await transition(refs, 'pending', ['pending_dependencies']);
      if (moved.length)
        await record(
          agentId,
          'transaction_rejected',
          'info',
          `${by ?? 'someone'} rejected the ${plugin} transaction`,
        );
      return moved.length;
    },

    /** Starts what waits in `approved` (a maintenance window opened; called by a timer). */
    resume: (agentId: string, plugin: string) => startChecks(agentId, plugin, null),

    /** The dispatcher's `onFinished`: dry runs and installs move their packages on. */
    async onCommandFinished(command: Command): Promise<void> {
      if (command.type === 'dry_run') await afterDryRun(command);
      else if (command.type === 'install') await afterInstall(command);
      else return;
      // What was approved while this ran gets its own round now.
      await startChecks(command.agentId, String(command.params.plugin), command.createdBy);
    },
  };
}

export type InstallWorkflow = ReturnType<typeof createInstallWorkflow>;
