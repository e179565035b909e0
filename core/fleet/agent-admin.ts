import type { Database, IdentityConflict } from '../db/index.js';
import type { EventRecorder } from '../events/index.js';
import { machinePrefix } from './identity.js';

export interface AgentAdminContext {
  db: Database;
  events: EventRecorder;
  /** Closes the agent's live MQTT connection, if it has one. */
  disconnect(agentId: string): void;
}

/** Revokes an agent: it can no longer connect, and its live connection is closed at once. */
export async function revokeAgent(ctx: AgentAdminContext, id: string, by: string | null): Promise<boolean> {
  const agent = await ctx.db.agents.findById(id);
  if (!agent || !(await ctx.db.agents.revoke(id))) return false;
  // Close after the database says revoked, so a reconnect attempt is refused.
  ctx.disconnect(id);
  await ctx.events.record({
    type: 'security',
    subtype: 'agent_revoked',
    severity: 'warning',
    component: 'fleet',
    agentId: id,
    message: `agent ${agent.hostname} (${id}) revoked`,
    metadata: { by },
  });
  return true;
}

/** What a rebind did (issue 21 §5): until when its machine may register again, and how it binds. */
export interface RebindResult {
  until: Date;
  /** The machine named by the admin (prefix), or null: the next hello's machine binds it. */
  machine: string | null;
  /** The identity conflict it lifted, if there was one. */
  liftedConflict: IdentityConflict | null;
}

/** A rebind to a machine that another active agent is bound to. */
export class RebindRefused extends Error {
  override name = 'RebindRefused';
  readonly status = 409;
}

/**
 * Rebinds an agent: its machine may register again within `hours`, keeping the agent id and
 * history, and an identity conflict is lifted so it may connect again (issue 21 §5). With
 * `machineIdHash` it is bound to that machine at once; without, the first hello that carries a
 * machine id binds it to that machine (so stop or wipe a clone first). Null for no active agent.
 */
export async function allowAgentRebind(
  ctx: AgentAdminContext,
  id: string,
  hours: number,
  by: string | null,
  machineIdHash?: string,
): Promise<RebindResult | null> {
  const until = new Date(Date.now() + hours * 3600_000);
  const agent = await ctx.db.agents.findById(id);
  if (!agent || agent.status !== 'active') return null;
  if (machineIdHash !== undefined && (await ctx.db.agents.machineTakenByOther(id, machineIdHash)))
    throw new RebindRefused(`machine ${machinePrefix(machineIdHash)}… is bound to another active agent`);
  if (!(await ctx.db.agents.allowRebind(id, until, machineIdHash))) return null;
  const machine = machineIdHash === undefined ? null : machinePrefix(machineIdHash);
  const binds = machine
    ? `is bound to machine ${machine}…`
    : 'binds to the machine of the next host that connects with its key';
  const lifted = agent.identityConflict ? '; its identity conflict is lifted' : '';
  await ctx.events.record({
    type: 'security',
    subtype: 'agent_rebind_allowed',
    severity: 'info',
    component: 'fleet',
    agentId: id,
    message: `agent ${agent.hostname} (${id}) ${binds}, and may re-register from its machine until ${until.toISOString()}${lifted}`,
    metadata: { by, until: until.toISOString(), machine, liftedConflict: agent.identityConflict },
  });
  return { until, machine, liftedConflict: agent.identityConflict };
}

/**
 * Deletes an agent and disconnects it, removing its fleet state (the foreign keys cascade: package states, scans, update events, install
 * history, commands, metrics). The system events stay, and one more records the deletion
 * with the hostname, so the audit trail outlives the host.
 */
export async function deleteAgent(ctx: AgentAdminContext, id: string, by: string | null): Promise<boolean> {
  const agent = await ctx.db.agents.findById(id);
  if (!agent) return false;
  if (!(await ctx.db.agents.delete(id))) return false;
  // After the delete, so a reconnect finds no key; this also drops the cached one.
  ctx.disconnect(id);
  await ctx.events.record({
    type: 'security',
    subtype: 'agent_deleted',
    severity: 'warning',
    component: 'fleet',
    agentId: null,
    message: `agent ${agent.hostname} (${id}) deleted with its package states and history`,
    metadata: { by, agentId: id, hostname: agent.hostname, labels: agent.labels },
  });
  return true;
}

/** Replaces an agent's labels (policies, schedules and windows match on them). */
export async function setAgentLabels(
  ctx: AgentAdminContext,
  id: string,
  labels: string[],
  by: string | null,
): Promise<string[] | null> {
  const unique = [...new Set(labels)].sort();
  const agent = await ctx.db.agents.setLabels(id, unique);
  if (!agent) return null;
  await ctx.events.record({
    type: 'fleet',
    subtype: 'agent_labels_set',
    severity: 'info',
    component: 'fleet',
    agentId: id,
    message: `labels of ${agent.hostname} set to ${unique.length ? unique.join(', ') : '(none)'}`,
    metadata: { by, labels: unique },
  });
  return agent.labels;
}
