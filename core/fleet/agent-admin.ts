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
