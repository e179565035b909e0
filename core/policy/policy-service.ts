import { PACKAGE_SEVERITIES } from '../../broker/protocol/index.js';
import type { ConfigMessage } from '../../broker/protocol/index.js';
import type { Database, MaintenanceWindow, Policy, PolicyKind, PolicyMatch, Schedule } from '../db/index.js';
import type { EventRecorder } from '../events/index.js';
import { mayInstallNow, windowProblem } from './maintenance-windows.js';
import { configFor, intervalProblem } from './schedules.js';

/** A policy request that cannot work; `message` says what to change. */
export class PolicyError extends Error {
  override name = 'PolicyError';
}

export interface PolicyContext {
  db: Database;
  events: EventRecorder;
  /** Approves packages through the install workflow (auto-approve rules). */
  approve(refs: Array<{ agentId: string; plugin: string; name: string; arch: string }>): Promise<unknown>;
  /** Sends an agent its config when it is connected. */
  sendConfig(agentId: string, config: ConfigMessage): Promise<void>;
  isConnected(agentId: string): boolean;
}

const REVISION_KEY = 'agentConfigRevision';

function matchProblem(kind: PolicyKind, match: PolicyMatch): string | null {
  if (!['hold', 'ignore', 'auto_approve'].includes(kind))
    return `kind must be hold, ignore or auto_approve, got "${kind}"`;
  if (match.namePattern !== undefined && !/^[A-Za-z0-9.+_*?:@-]{1,200}$/.test(match.namePattern))
    return `namePattern must be a package name glob (letters, digits, . + - _ : @ and * ?), got "${match.namePattern}"`;
  if (
    match.severities &&
    match.severities.some((s) => !(PACKAGE_SEVERITIES as readonly string[]).includes(s))
  )
    return `severities must be among ${PACKAGE_SEVERITIES.join(', ')}`;
  if (kind !== 'auto_approve' && (match.severities || match.securityOnly))
    return 'severities and securityOnly apply to auto_approve rules only';
  if (kind !== 'auto_approve' && !match.namePattern && !match.plugin && !match.label)
    return 'a hold or ignore rule needs a namePattern, plugin or label (it would match everything)';
  return null;
}

/** Holds, ignores, auto-approve rules, maintenance windows and scan schedules (issue 4 §5). */
export function createPolicyService(ctx: PolicyContext) {
  const record = (
    subtype: string,
    message: string,
    metadata: Record<string, unknown> = {},
    agentId: string | null = null,
  ) =>
    ctx.events.record({
      type: 'policy',
      subtype,
      severity: 'info',
      component: 'policy',
      agentId,
      message,
      metadata,
    });

  async function revision(): Promise<number> {
    return (await ctx.db.settings.get<number>(REVISION_KEY)) ?? 1;
  }

  // Every connect asks for the agent's config: schedules and revision are kept in memory
  // (reloaded when this core changes them) so a reconnect storm costs no extra queries.
  let cached: { schedules: Schedule[]; revision: number } | null = null;
  async function schedulesAndRevision() {
    cached ??= { schedules: await ctx.db.policies.schedules(), revision: await revision() };
    return cached;
  }

  return {
    async addRule(
      rule: { kind: PolicyKind; name: string; match: PolicyMatch },
      by: string | null,
    ): Promise<Policy> {
      const problem = matchProblem(rule.kind, rule.match);
      if (problem) throw new PolicyError(problem);
      const policy = await ctx.db.policies.create({ ...rule, createdBy: by });
      // A new hold must stop an install that has not started yet, not only future scans.
      const changed = await ctx.db.policies.applyEverywhere();
      await record(
        'rule_added',
        `${rule.kind} rule "${rule.name}" added; ${changed} package(s) changed status`,
        {
          policyId: policy.id,
          match: rule.match,
          by,
        },
      );
      return policy;
    },

    async removeRule(id: string, by: string | null): Promise<boolean> {
      const removed = await ctx.db.policies.remove(id);
      if (removed) await record('rule_removed', `rule ${id} removed`, { policyId: id, by });
      return removed;
    },

    async addWindow(
      window: Omit<MaintenanceWindow, 'id' | 'enabled'>,
      by: string | null,
    ): Promise<MaintenanceWindow> {
      const problem = windowProblem(window);
      if (problem) throw new PolicyError(problem);
      const created = await ctx.db.policies.createWindow(window);
      await record('window_added', `maintenance window "${window.name}" added`, { windowId: created.id, by });
      return created;
    },

    /** May installs start on this agent now (no window applies, or one is open)? */
    async mayInstallNow(agentId: string, now = new Date()): Promise<boolean> {
      const agent = await ctx.db.agents.findById(agentId);
      return mayInstallNow(await ctx.db.policies.windows(), agent?.labels ?? [], now);
    },

    async setSchedule(schedule: Omit<Schedule, 'id'>, by: string | null): Promise<Schedule> {
      const problem = intervalProblem(schedule.intervalSeconds);
      if (problem) throw new PolicyError(problem);
      const saved = await ctx.db.policies.setSchedule(schedule);
      await ctx.db.settings.set(REVISION_KEY, (await revision()) + 1, by);
      cached = null;
      await record('schedule_set', `${schedule.plugin} scans every ${schedule.intervalSeconds} s`, {
        ...schedule,
        by,
      });
      // Connected agents get their new config now; the others when they next listen.
      for (const agent of await ctx.db.agents.list())
        if (agent.status === 'active' && ctx.isConnected(agent.id)) await this.pushConfig(agent.id);
      return saved;
    },

    async configFor(agentId: string): Promise<ConfigMessage | null> {
      const { schedules, revision: current } = await schedulesAndRevision();
      const agent = await ctx.db.agents.findById(agentId);
      if (!agent) return null;
      return configFor(agent, schedules, current);
    },

    /** Sends the agent its config; nothing when no schedule exists (the agent keeps its defaults). */
    async pushConfig(agentId: string): Promise<void> {
      if ((await schedulesAndRevision()).schedules.length === 0) return;
      const config = await this.configFor(agentId);
      if (config) await ctx.sendConfig(agentId, config);
    },

    /** After a scan: pending packages an auto-approve rule matches are approved by policy. */
    async afterIngest(agentId: string, plugin: string): Promise<void> {
      const matches = await ctx.db.policies.autoApprovable(agentId, plugin);
      if (matches.length === 0) return;
      await ctx.approve(matches.map((m) => ({ agentId, plugin, name: m.name, arch: m.arch })));
      await record(
        'auto_approved',
        `${matches.length} ${plugin} update(s) approved by auto-approve rules`,
        { packages: matches.map((m) => m.name).slice(0, 50) },
        agentId,
      );
    },
  };
}

export type PolicyService = ReturnType<typeof createPolicyService>;
