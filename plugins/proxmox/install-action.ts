import { type CorePluginContext, errorMessage, type FleetPackage } from '../sdk/index.js';

/** One approved update of a member, as package_state keys it. */
export interface ApprovedRef {
  plugin: string;
  name: string;
  arch: string;
}

/**
 * Where an install stands while the workflow works on it, least advanced first: `approved`
 * waits for a maintenance window, `pending_dependencies` for a person to confirm the dry run.
 */
const UNDER_WAY = ['approved', 'checking_dependencies', 'pending_dependencies', 'installing'] as const;
export const INSTALL_ACTIVE: ReadonlySet<string> = new Set(UNDER_WAY);
const INSTALLED = new Set(['updated', 'resolved']);

/**
 * The group install (issue 23 §4: "install approved security updates on every guest tagged
 * prod"): a plugin may not issue `install`, so each host's pending updates (security ones alone
 * when asked) are approved through the core's install workflow, exactly as a person's approval
 * in the panel: one dry run per host and package manager, then the install when the transaction
 * holds nothing more, else a wait for a person; holds, ignores and maintenance windows apply.
 */
export function createInstallAction(ctx: CorePluginContext) {
  return {
    /** Approves one host's pending updates, recorded as by `plugin:proxmox for <caller>`. */
    async approve(
      agentId: string,
      securityOnly: boolean,
      caller: string,
    ): Promise<{ approved: ApprovedRef[]; error: string | null }> {
      try {
        const targets = (await ctx.fleet.packages(agentId)).filter(
          (p) => p.status === 'pending' && (!securityOnly || p.security),
        );
        if (targets.length === 0) return { approved: [], error: null };
        const { approved, refused } = await ctx.updates.approve(targets, { requestedBy: caller });
        return {
          approved: approved.map(({ plugin, name, arch }) => ({ plugin, name, arch })),
          error: refused.length ? refused.map((r) => `${r.name}: ${r.why}`).join('; ') : null,
        };
      } catch (err) {
        // A host that cannot be approved for stops nobody else in the group.
        ctx.logger.warn(`approving updates of ${agentId} failed: ${errorMessage(err)}`, { agentId });
        return { approved: [], error: errorMessage(err) };
      }
    },

    /** Where a member's approved updates stand now, read from the host's package states. */
    async status(agentId: string, refs: ApprovedRef[]): Promise<string> {
      if (refs.length === 0) return 'nothing_to_install';
      const key = (p: ApprovedRef) => `${p.plugin}\u0000${p.name}\u0000${p.arch}`;
      const states = new Map<string, FleetPackage>(
        (await ctx.fleet.packages(agentId)).map((p) => [key(p), p]),
      );
      const statuses = refs.map((r) => states.get(key(r))?.status ?? 'resolved');
      const underWay = UNDER_WAY.find((s) => statuses.includes(s));
      if (underWay) return underWay;
      if (statuses.includes('failed')) return 'failed';
      if (statuses.every((s) => INSTALLED.has(s))) return 'updated';
      // A person rejected the dry run's transaction (back to pending), or held or ignored them.
      return 'not_installed';
    },
  };
}

export type InstallAction = ReturnType<typeof createInstallAction>;
