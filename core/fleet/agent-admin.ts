import type { Database } from '../db/index.js';
import type { EventRecorder } from '../events/index.js';

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

/** Allows the agent's machine to register again within `hours`, keeping the agent id and history. */
export async function allowAgentRebind(
  ctx: AgentAdminContext,
  id: string,
  hours: number,
  by: string | null,
): Promise<Date | null> {
  const until = new Date(Date.now() + hours * 3600_000);
  const agent = await ctx.db.agents.findById(id);
  if (!agent || !(await ctx.db.agents.allowRebind(id, until))) return null;
  await ctx.events.record({
    type: 'security',
    subtype: 'agent_rebind_allowed',
    severity: 'info',
    component: 'fleet',
    agentId: id,
    message: `agent ${agent.hostname} (${id}) may re-register from its machine until ${until.toISOString()}`,
    metadata: { by, until: until.toISOString() },
  });
  return until;
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
