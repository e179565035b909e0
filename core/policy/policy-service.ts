import { PACKAGE_SEVERITIES } from '../../broker/protocol/index.js';
import type { ConfigMessage } from '../../broker/protocol/index.js';
import type { Database, MaintenanceWindow, Policy, PolicyKind, PolicyMatch, Schedule } from '../db/index.js';
import type { EventRecorder, LiveBus } from '../events/index.js';
import { installWindowCheck, windowProblem } from './maintenance-windows.js';
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
  /** A rule that moves packages across the fleet says so once (`packages.changed`). */
  bus?: LiveBus;
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
  // A load that was running when a change invalidated the cache is used by its own callers
  // but never stored, or the change would be forgotten until the next one.
  let cached: Promise<{ schedules: Schedule[]; revision: number }> | null = null;
  let generation = 0;
  function schedulesAndRevision() {
    if (cached) return cached;
    const started = generation;
    // Revision first: a change writes its schedules, then bumps the revision, so schedules read
    // after the revision are at least that revision's (never old schedules under a new number).
    const loading = (async () => {
      const current = await revision();
      return { schedules: await ctx.db.policies.schedules(), revision: current };
    })();
    cached = loading;
    const drop = () => {
      if (cached === loading) cached = null;
    };
    loading.then(() => started !== generation && drop(), drop);
    return loading;
  }
  function invalidate() {
    generation += 1;
    cached = null;
  }

  // The highest revision sent to each connected agent: pushes from a change and from a
  // (re)subscribe race, and an agent is never sent a revision it already has or an older one.
  const sentRevision = new Map<string, number>();

  /** A new config revision, sent to connected agents now; the others get it when they next listen. */
  async function schedulesChanged(by: string | null) {
    await ctx.db.settings.set(REVISION_KEY, (await revision()) + 1, by);
    invalidate();
    for (const agent of await ctx.db.agents.list())
      if (agent.status === 'active' && ctx.isConnected(agent.id)) await service.pushConfig(agent.id);
  }

  let stopHandling: (() => void) | null = null;

  const service = {
    name: 'policy',

    /** Auto-approve rules apply to every scan stored without an error (issue 22 §3: on the bus). */
    async start() {
      stopHandling =
        ctx.bus?.handle('scan.ingested', async ({ agentId, data }) => {
          if (data.error || !agentId) return;
          try {
            await service.afterIngest(agentId, data.plugin);
          } catch (err) {
            await ctx.events.record({
              type: 'policy',
              subtype: 'auto_approve_failed',
              severity: 'warning',
              component: 'policy',
              agentId,
              message: `auto-approve rules could not be applied to ${data.plugin} updates: ${(err as Error).message}`,
              metadata: { plugin: data.plugin, batchId: data.batchId },
            });
          }
        }) ?? null;
    },

    async stop() {
      stopHandling?.();
      stopHandling = null;
    },

    async addRule(
      rule: { kind: PolicyKind; name: string; match: PolicyMatch },
      by: string | null,
    ): Promise<Policy> {
      const problem = matchProblem(rule.kind, rule.match);
      if (problem) throw new PolicyError(problem);
      const policy = await ctx.db.policies.create({ ...rule, createdBy: by });
      // A new hold must stop an install that has not started yet, not only future scans.
      const changed = await ctx.db.policies.applyEverywhere();
      if (changed > 0)
        ctx.bus?.emit('packages.changed', null, {
          reason: `${rule.kind}_rule`,
          count: changed,
          policyId: policy.id,
        });
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

    /**
     * Renames, rematches, enables or disables a rule. A hold or ignore that now matches more
     * applies at once; packages it no longer matches are released at their agent's next scan.
     */
    async updateRule(
      id: string,
      change: { name?: string; match?: PolicyMatch; enabled?: boolean },
      by: string | null,
    ): Promise<Policy | null> {
      const current = await ctx.db.policies.find(id);
      if (!current) return null;
      const problem = matchProblem(current.kind, change.match ?? current.match);
      if (problem) throw new PolicyError(problem);
      const policy = await ctx.db.policies.update(id, change);
      if (!policy) return null;
      const changed = await ctx.db.policies.applyEverywhere();
      await record(
        'rule_changed',
        `${policy.kind} rule "${policy.name}" changed${policy.enabled ? '' : ' (disabled)'}; ${changed} package(s) changed status`,
        { policyId: id, change, by },
      );
      return policy;
    },

    async removeRule(id: string, by: string | null): Promise<boolean> {
      const removed = await ctx.db.policies.remove(id);
      if (removed) await record('rule_removed', `rule ${id} removed`, { policyId: id, by });
      return removed;
    },

    async updateWindow(
      id: string,
      change: Partial<Omit<MaintenanceWindow, 'id'>>,
      by: string | null,
    ): Promise<MaintenanceWindow | null> {
      const current = await ctx.db.policies.findWindow(id);
      if (!current) return null;
      const next = { ...current, ...change, id };
      const problem = windowProblem(next);
      if (problem) throw new PolicyError(problem);
      const saved = await ctx.db.policies.updateWindow(next);
      if (saved)
        await record('window_changed', `maintenance window "${saved.name}" changed`, {
          windowId: id,
          change,
          by,
        });
      return saved;
    },

    async removeWindow(id: string, by: string | null): Promise<boolean> {
      const removed = await ctx.db.policies.removeWindow(id);
      if (removed) await record('window_removed', `maintenance window ${id} removed`, { windowId: id, by });
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
    mayInstallNow: installWindowCheck(ctx.db),

    async setSchedule(schedule: Omit<Schedule, 'id'>, by: string | null): Promise<Schedule> {
      const problem = intervalProblem(schedule.intervalSeconds);
      if (problem) throw new PolicyError(problem);
      if (schedule.agentId && schedule.agentLabel)
        throw new PolicyError(
          'a schedule is for one agent, one label or everyone: give agentId or agentLabel, not both',
        );
      const saved = await ctx.db.policies.setSchedule(schedule);
      await record('schedule_set', `${schedule.plugin} scans every ${schedule.intervalSeconds} s`, {
        ...schedule,
        by,
      });
      await schedulesChanged(by);
      return saved;
    },

    async updateSchedule(
      id: string,
      change: { intervalSeconds?: number; enabled?: boolean },
      by: string | null,
    ): Promise<Schedule | null> {
      if (change.intervalSeconds !== undefined) {
        const problem = intervalProblem(change.intervalSeconds);
        if (problem) throw new PolicyError(problem);
      }
      const saved = await ctx.db.policies.updateSchedule(id, change);
      if (!saved) return null;
      await record(
        'schedule_changed',
        `${saved.plugin} scans every ${saved.intervalSeconds} s${saved.enabled ? '' : ' (disabled)'}`,
        {
          scheduleId: id,
          change,
          by,
        },
      );
      await schedulesChanged(by);
      return saved;
    },

    /** The agents it applied to go back to the next most specific schedule, or their own default. */
    async removeSchedule(id: string, by: string | null): Promise<boolean> {
      const removed = await ctx.db.policies.removeSchedule(id);
      if (!removed) return false;
      await record('schedule_removed', `schedule ${id} removed`, { scheduleId: id, by });
      await schedulesChanged(by);
      return true;
    },

    /**
     * An agent's labels changed. Hold and ignore rules may match by label: one that matches now
     * applies at once, so a host labelled into a hold never installs what it holds (one that no
     * longer matches releases its packages at the next scan, as for a changed rule). Schedules
     * may pick agents by label, so when that changes which schedules apply to it, it gets a new
     * config revision at once, as a schedule change would (the agent applies only a newer
     * revision). True when the schedules changed.
     */
    async labelsChanged(
      agentId: string,
      before: string[],
      after: string[],
      by: string | null,
    ): Promise<boolean> {
      const ruled = await ctx.db.policies.applyToAgent(agentId);
      if (ruled > 0) {
        ctx.bus?.emit('packages.changed', agentId, { reason: 'labels', count: ruled });
        await record(
          'labels_applied_rules',
          `labels changed: ${ruled} package(s) held or ignored by the rules that now match this agent`,
          { before, after, by },
          agentId,
        );
      }
      const { schedules } = await schedulesAndRevision();
      const effective = (labels: string[]) => {
        const { schedules: chosen } = configFor({ id: agentId, labels }, schedules, 0);
        return JSON.stringify(Object.entries(chosen).sort(([a], [b]) => a.localeCompare(b)));
      };
      if (effective(before) === effective(after)) return false;
      await ctx.db.settings.set(REVISION_KEY, (await revision()) + 1, by);
      invalidate();
      await record(
        'agent_schedules_changed',
        `labels changed which scan schedules apply to this agent; config revision ${await revision()}`,
        { before, after, by },
        agentId,
      );
      if (ctx.isConnected(agentId)) await service.pushConfig(agentId);
      return true;
    },

    async configFor(agentId: string): Promise<ConfigMessage | null> {
      const { schedules, revision: current } = await schedulesAndRevision();
      const agent = await ctx.db.agents.findById(agentId);
      if (!agent) return null;
      return configFor(agent, schedules, current);
    },

    /**
     * Sends the agent its config; nothing while no schedule was ever set (the agent keeps its
     * defaults). Once one was, an empty list is sent too: it puts agents back on their defaults.
     */
    async pushConfig(agentId: string): Promise<void> {
      const { schedules, revision: current } = await schedulesAndRevision();
      if (schedules.length === 0 && current <= 1) return;
      const config = await this.configFor(agentId);
      if (!config || (sentRevision.get(agentId) ?? 0) >= config.revision) return;
      sentRevision.set(agentId, config.revision);
      await ctx.sendConfig(agentId, config);
    },

    /** A disconnected agent may come back without its config (a reinstall): send it again then. */
    agentDisconnected(agentId: string): void {
      sentRevision.delete(agentId);
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
  return service;
}

export type PolicyService = ReturnType<typeof createPolicyService>;
